#!/usr/bin/env node
// The built agent (pnpm build); in this repository `pnpm flume-agent …` runs the sources directly.
import { main } from '../dist/agent-cli.js';
process.exitCode = await main(process.argv.slice(2));
