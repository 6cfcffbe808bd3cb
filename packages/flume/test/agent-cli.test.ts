import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 11, findings 8 and 10: Flume's own command line, and SIGTERM right after start-up is a clean stop.

const BIN = fileURLToPath(new URL('../src/agent-bin.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flume-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the agent; `onLine` sees each stdout line as it comes (and may signal the child). */
function runAgent(args: string[], onLine?: (line: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      onLine?.(line, (signal) => child.kill(signal));
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

async function agentFiles(name: string): Promise<{ props: string; confDir: string; out: string }> {
  const out = join(dir, `${name}-out`);
  const confDir = join(dir, `${name}-conf`);
  await rm(confDir, { recursive: true, force: true });
  await mkdir(confDir, { recursive: true });
  const props = join(dir, `${name}.properties`);
  await writeFile(
    props,
    [
      'a1.sources = s1',
      'a1.channels = c1',
      'a1.sinks = k1',
      'a1.sources.s1.type = http',
      'a1.sources.s1.port = 0',
      'a1.sources.s1.channels = c1',
      'a1.channels.c1.type = memory',
      'a1.channels.c1.capacity = 1000',
      'a1.channels.c1.transactionCapacity = 100',
      'a1.sinks.k1.type = hdfs',
      'a1.sinks.k1.channel = c1',
      `a1.sinks.k1.hdfs.path = file://${out}/%Y`,
      'a1.sinks.k1.hdfs.useLocalTimeStamp = true',
      'a1.sinks.k1.hdfs.fileType = DataStream',
      '',
    ].join('\n'),
  );
  return { props, confDir, out };
}

async function listAll(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])) if (entry.isFile()) out.push(entry.name);
  return out;
}

describe('flume-agent command line', () => {
  it('-h and --help print the usage on stdout and exit 0', async () => {
    for (const flag of ['-h', '--help']) {
      const run = await runAgent([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^usage: flume-agent \[agent\] -f agent.properties -n NAME/);
      expect(run.stdout).toContain('-c, --conf DIR');
    }
  });

  it("takes Flume's own line: agent -c conf -f FILE -n NAME, reading conf/core-site.xml", async () => {
    const { props, confDir } = await agentFiles('flume-line');
    // A core-site.xml the agent must read: a malformed one proves it was read, by failing start-up.
    await writeFile(join(confDir, 'core-site.xml'), '<configuration><property><name>x</name>');
    const run = await runAgent(['agent', '-c', confDir, '-f', props, '-n', 'a1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('core-site.xml');
    const bad = await runAgent(['agent', 'extra', '-f', props, '-n', 'a1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unexpected argument "extra"');
  });

  it('SIGTERM the moment it says "started" is a clean stop: metrics printed, exit 0, no in-use file left', async () => {
    for (let round = 0; round < 5; round++) {
      const { props, confDir, out } = await agentFiles(`term-${round}`);
      const run = await runAgent(['agent', '-c', confDir, '-f', props, '-n', 'a1'], (line, kill) => {
        if (line.startsWith('started')) kill('SIGTERM');
      });
      expect(run.signal, run.stderr).toBeNull();
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^metrics \{/m);
      expect((await listAll(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  }, 60_000);
});

