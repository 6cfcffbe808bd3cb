/**
 * flume-agent [agent] -f agent.properties -n agent [-c conf-dir] [--core-site core-site.xml]... [-D key=value]...
 *             [--metrics-port N] [--report-commits]
 *
 * Flume's own command line works as is (`flume-ng agent -c conf -f agent.properties -n a1`): `-c/--conf`
 * names the configuration directory, whose core-site.xml (if any) is read, as Hadoop finds it on Flume's
 * classpath; `-Dflume.monitoring.type=http -Dflume.monitoring.port=N` serve the metrics on port N.
 *
 * Runs until SIGTERM/SIGINT (then drains the channel and closes every file) or until a stdin source
 * reaches its end; a signal during start-up stops the agent as soon as it has started. Prints the metrics
 * on exit. Exit codes: 0 ok, 1 failure, 2 usage or configuration.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Configuration } from '@hadoopfs/core';
import '@hadoopfs/local';
import '@hadoopfs/memory';
import '@hadoopfs/jindo';
import '@hadoopfs/s3';
import { Agent } from './agent.js';
import { loadProperties } from './properties.js';
import { FlumeConfigurationError } from './sink-config.js';

export const USAGE = `usage: flume-agent [agent] -f agent.properties -n NAME [options]
  -f, --conf-file FILE   the agent's properties (Flume's format)
  -n, --name NAME        the agent to run (the properties' prefix)
  -c, --conf DIR         configuration directory: its core-site.xml is read if present
  --core-site FILE       a Hadoop core-site.xml (repeatable; after -c's)
  -D key=value           a configuration key (repeatable); flume.monitoring.type=http with
                         flume.monitoring.port=N serves the metrics on port N
  --metrics-port N       serve the metrics as JSON on port N
  --report-commits       print "committed N" after each committed transaction
  -h, --help             this text
`;

export async function main(argv: string[]): Promise<number> {
  // Handlers first: a SIGTERM at any moment, start-up included, is a clean stop.
  let stopRequested = false;
  let requestStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => {
    requestStop = () => {
      stopRequested = true;
      resolve();
    };
  });
  const onSignal = () => requestStop();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await run(argv, stopSignal, () => stopRequested);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

async function run(argv: string[], stopSignal: Promise<void>, stopRequested: () => boolean): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'conf-file': { type: 'string', short: 'f' },
        name: { type: 'string', short: 'n' },
        conf: { type: 'string', short: 'c' },
        'core-site': { type: 'string', multiple: true, default: [] },
        define: { type: 'string', short: 'D', multiple: true, default: [] },
        'metrics-port': { type: 'string' },
        'report-commits': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`flume-agent: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // `flume-ng agent …`: the command word is accepted, anything else is not.
  const extra = positionals[0] === 'agent' ? positionals.slice(1) : positionals;
  if (extra.length > 0 || !values['conf-file'] || !values.name) {
    process.stderr.write(`${extra.length > 0 ? `flume-agent: unexpected argument "${extra[0]}"\n` : ''}${USAGE}`);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`flume-agent: ${line}\n`);
  let agent: Agent;
  try {
    const conf = new Configuration();
    const confDirSite = values.conf !== undefined ? join(values.conf, 'core-site.xml') : undefined;
    if (confDirSite && existsSync(confDirSite)) conf.addResource(confDirSite);
    for (const file of values['core-site'] ?? []) conf.addResource(file);
    for (const pair of values.define ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new FlumeConfigurationError(`-D takes key=value`, '-D');
      conf.set(pair.slice(0, eq), pair.slice(eq + 1), '-D');
    }
    const monitoringPort = conf.get('flume.monitoring.type')?.trim().toLowerCase() === 'http' ? conf.getTrimmed('flume.monitoring.port') : undefined;
    const metricsPort = values['metrics-port'] ?? monitoringPort;
    agent = new Agent(loadProperties(values['conf-file']), values.name, {
      conf,
      log,
      ...(metricsPort !== undefined ? { metricsPort: Number(metricsPort) } : {}),
      ...(values['report-commits'] ? { onCommit: (n: number) => process.stdout.write(`committed ${n}\n`) } : {}),
    });
    await agent.start();
  } catch (error) {
    log((error as Error).message);
    return error instanceof FlumeConfigurationError ? 2 : 1;
  }
  const port = agent.sources.map((s) => (s as { port?: number }).port).find((p) => p);
  process.stdout.write(`started${port ? ` http-port ${port}` : ''}${agent.metricsPort ? ` metrics-port ${agent.metricsPort}` : ''}\n`);
  if (!stopRequested()) await Promise.race([stopSignal, Promise.all(agent.sources.map((s) => s.finished))]);
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
