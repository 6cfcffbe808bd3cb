import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../examples/flume-demo.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../', import.meta.url));

describe('the demo (README main job), small', () => {
  it('kills the agent mid-batch, recovers, restarts and loses no committed event', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', DEMO, '--events', '12000', '--batch', '2000'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, `${out}\n${err}`).toBe(0);
    expect(out).toMatch(/^lost\s+0$/m);
    expect(out).toMatch(/^duplicated beyond the uncommitted batch\s+0$/m);
    expect(out).toMatch(/^\.tmp files left\s+0$/m);
    expect(err).toMatch(/agent killed with SIGKILL after \d+ committed events/);
    expect(err).toMatch(/recovered [1-9]\d* file\(s\)/);
    expect(out).toContain('demo ok: lost = 0');
  }, 120_000);
});
