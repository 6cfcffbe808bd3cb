// `pnpm flume-agent …` in this repository: the agent from the sources.
import { main } from './agent-cli.js';

process.exitCode = await main(process.argv.slice(2));
