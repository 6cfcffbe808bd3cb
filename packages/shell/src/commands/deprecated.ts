import type { ShellCommand } from '../command.js';
import { du, ls } from './listing.js';
import { rm } from './changes.js';

/** FsShell's deprecated spellings: they warn (Command.isDeprecated) and run their replacement. */
function deprecated(name: string, replacement: ShellCommand, options: readonly string[]): ShellCommand {
  const replacementText = [replacement.name, ...options].join(' ');
  return {
    name,
    usage: replacement.usage,
    description: `(DEPRECATED) Same as '${replacementText}'`,
    async run(words, ctx) {
      ctx.io.err(`${name}: DEPRECATED: Please use '${replacementText}' instead.\n`);
      await replacement.run([...options, ...words], ctx);
    },
  };
}

export const lsr = deprecated('lsr', ls, ['-R']);
export const dus = deprecated('dus', du, ['-s']);
export const rmr = deprecated('rmr', rm, ['-r']);

export const moveToLocal: ShellCommand = {
  name: 'moveToLocal',
  usage: '<src> <localdst>',
  description: 'Not implemented yet',
  async run() {
    throw new Error("Option '-moveToLocal' is not implemented yet.");
  },
};
