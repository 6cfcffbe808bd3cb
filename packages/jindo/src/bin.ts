// `pnpm jindo …` in this repository: the CLI from the sources.
import { main } from './cli.js';

// `jindo jfs -ls -R … | head -1`: once the reader has gone, the rest of the output has nowhere to go. Like
// a Unix tool, stop quietly (exit 0) instead of dying with an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
