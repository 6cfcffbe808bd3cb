#!/usr/bin/env node
// The built CLI (pnpm build); in this repository `pnpm oss-server …` runs the sources directly.
import '../dist/cli.js';
