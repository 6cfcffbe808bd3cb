// `pnpm hadoopfs …` in this repository: the shell from the sources.
import { runHadoopfs, runProcess } from './programs.js';

await runProcess(runHadoopfs);
