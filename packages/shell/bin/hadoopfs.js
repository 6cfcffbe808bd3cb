#!/usr/bin/env node
// The built CLI (pnpm build); in this repository `pnpm hadoopfs …` runs the sources directly.
import { runProcess, runHadoopfs } from '../dist/index.js';
await runProcess(runHadoopfs);
