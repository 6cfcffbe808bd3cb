// `pnpm jindo …` in this repository: the CLI from the sources.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
