// `pnpm jindo …` in this repository: the shell from the sources.
import { runJindo, runProcess } from './programs.js';

await runProcess(runJindo);
