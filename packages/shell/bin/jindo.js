#!/usr/bin/env node
// The built CLI (pnpm build); in this repository `pnpm jindo …` runs the sources directly.
import { runProcess, runJindo } from '../dist/index.js';
await runProcess(runJindo);
