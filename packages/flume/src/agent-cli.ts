/**
 * flume-agent -f agent.properties -n agent [--core-site core-site.xml]... [-D key=value]...
 *             [--metrics-port N] [--report-commits]
 *
 * Runs until SIGTERM/SIGINT (then drains the channel and closes every file) or until a stdin source
 * reaches its end. Prints the metrics on exit. Exit codes: 0 ok, 1 failure, 2 usage or configuration.
 */
import { parseArgs } from 'node:util';
import { Configuration } from '@hadoopfs/core';
import '@hadoopfs/local';
import '@hadoopfs/memory';
import '@hadoopfs/jindo';
import { Agent } from './agent.js';
import { loadProperties } from './properties.js';
import { FlumeConfigurationError } from './sink-config.js';

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'conf-file': { type: 'string', short: 'f' },
        name: { type: 'string', short: 'n' },
        'core-site': { type: 'string', multiple: true, default: [] },
        define: { type: 'string', short: 'D', multiple: true, default: [] },
        'metrics-port': { type: 'string' },
        'report-commits': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`flume-agent: ${(error as Error).message}\n`);
    return 2;
  }
  if (!values['conf-file'] || !values.name) {
    process.stderr.write('usage: flume-agent -f agent.properties -n agent [--core-site FILE]... [-D key=value]... [--metrics-port N] [--report-commits]\n');
    return 2;
  }
  const log = (line: string) => process.stderr.write(`flume-agent: ${line}\n`);
  let agent: Agent;
  try {
    const conf = new Configuration();
    for (const file of values['core-site'] ?? []) conf.addResource(file);
    for (const pair of values.define ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new FlumeConfigurationError(`-D takes key=value`, '-D');
      conf.set(pair.slice(0, eq), pair.slice(eq + 1), '-D');
    }
    agent = new Agent(loadProperties(values['conf-file']), values.name, {
      conf,
      log,
      ...(values['metrics-port'] !== undefined ? { metricsPort: Number(values['metrics-port']) } : {}),
      ...(values['report-commits'] ? { onCommit: (n: number) => process.stdout.write(`committed ${n}\n`) } : {}),
    });
    await agent.start();
  } catch (error) {
    log((error as Error).message);
    return error instanceof FlumeConfigurationError ? 2 : 1;
  }
  const port = agent.sources.map((s) => (s as { port?: number }).port).find((p) => p);
  process.stdout.write(`started${port ? ` http-port ${port}` : ''}${agent.metricsPort ? ` metrics-port ${agent.metricsPort}` : ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    void Promise.all(agent.sources.map((s) => s.finished)).then(() => resolve());
  });
  try {
    await agent.stop();
  } catch (error) {
    log(`stop failed: ${(error as Error).message}`);
    process.stdout.write(`metrics ${JSON.stringify(agent.metrics())}\n`);
    return 1;
  }
  process.stdout.write(`metrics ${JSON.stringify(agent.metrics())}\n`);
  return 0;
}
