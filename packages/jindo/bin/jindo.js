#!/usr/bin/env node
// The built CLI (pnpm build); in this repository `pnpm jindo …` runs the sources directly.
import { main } from '../dist/cli.js';
process.exitCode = await main(process.argv.slice(2));
