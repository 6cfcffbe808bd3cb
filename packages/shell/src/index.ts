export { FS_COMMANDS, runHadoopfs, runJindo, runProcess, type RunOptions } from './programs.js';
export { EXIT_INTERRUPTED, EXIT_USAGE, forEachExistingItem, forEachItem, mustExist, runShell, type ExistingItem, type ShellOptions } from './shell.js';
export { describeError, parseOptions, PathError, SilentFailure, UsageError, type ParsedOptions, type ShellCommand, type ShellContext, type ShellIo } from './command.js';
export { childItems, expandItems, literalItem, type PathItem } from './path-items.js';
export { formatSize, humanSize, lsDate, statDate, table } from './formats.js';
export { recover } from './commands/recover.js';
