import { execFile as execFileCallback } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCallback);

/**
 * A single-host Ceph cluster for the tests: one monitor, one OSD on memstore, radosgw on loopback, no
 * cephx (the settings that make it start are in ../shared/research/s3-servers.md). Its daemons fork to the
 * background and write pid files under `dir`; stop() ends them by those pids.
 */
export interface CephCluster {
  /** `http://127.0.0.1:PORT`: radosgw's S3 endpoint (path-style). */
  endpoint: string;
  accessKeyId: string;
  /** Not enumerable: stays out of snapshots and logs of this object. */
  readonly secretAccessKey: string;
  dir: string;
  /** The pids of the monitor, the OSD and radosgw. */
  pids: number[];
}

/** What a test run records of its cluster in `dir/cluster.json`, for other workers and the teardown. */
export interface CephClusterRecord {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  pids: number[];
}

export const CEPH_BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph-authtool', 'ceph'] as const;
export const CEPH_PACKAGES = 'radosgw ceph-mon ceph-osd ceph-common';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function run(dir: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFile(command, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new Error(`${command} is not installed: the s3a tests need Ceph's Debian packages (${CEPH_PACKAGES}); run test/ceph/install-packages.sh as root`);
    }
    throw new Error(`${command} ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim().slice(-2000)} (logs in ${join(dir, 'log')})`);
  }
}

/** How big the cluster may grow: the tests' default holds 4 GiB; a benchmark writing gigabytes asks for more, and old objects' space back soon. */
export interface CephClusterOptions {
  memstoreBytes?: number;
  /** radosgw's garbage collection of replaced and deleted objects within seconds (default: hours, as shipped). */
  promptGc?: boolean;
}

function configuration(dir: string, fsid: string, monPort: number, rgwPort: number, options: CephClusterOptions = {}): string {
  return `[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${monPort}
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
run dir = ${dir}/run
log file = ${dir}/log/$name.log
admin socket = ${dir}/run/$name.asok
pid file = ${dir}/run/$name.pid
mon data = ${dir}/mon/$cluster-$id
osd data = ${dir}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = ${options.memstoreBytes ?? 4294967296}
[client.rgw.gw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort} tcp_nodelay=1
rgw data = ${dir}/rgw
${options.promptGc ? 'rgw gc obj min wait = 5\nrgw gc processor period = 5\nrgw gc processor max time = 5\n' : ''}`;
}

async function readPid(file: string): Promise<number> {
  return Number((await readFile(file, 'utf8')).trim());
}

/** Resolves once radosgw answers HTTP on its port (it needs the monitor and the OSD first). */
async function awaitHttp(endpoint: string, dir: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch (error) {
      last = error;
      // radosgw has no readiness signal but its port: ask again shortly.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`radosgw did not answer on ${endpoint} within ${ms / 1000} s (${String(last)}; logs in ${join(dir, 'log')})`);
}

/** Starts a cluster under `dir` (created, must be empty) and creates one S3 user. */
export async function startCephCluster(dir: string, options: CephClusterOptions = {}): Promise<CephCluster> {
  for (const sub of ['run', 'log', 'mon', 'osd', 'rgw']) await mkdir(join(dir, sub), { recursive: true });
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const fsid = randomUUID();
  const conf = join(dir, 'ceph.conf');
  await writeFile(conf, configuration(dir, fsid, monPort, rgwPort, options));
  const c = ['-c', conf];
  const pids: number[] = [];
  try {
    await run(dir, 'monmaptool', ['--create', '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, '--fsid', fsid, join(dir, 'monmap')]);
    await run(dir, 'ceph-authtool', ['--create-keyring', join(dir, 'mon.keyring'), '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
    await run(dir, 'ceph-mon', [...c, '--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap'), '--keyring', join(dir, 'mon.keyring')]);
    await run(dir, 'ceph-mon', [...c, '-i', 'a']);
    pids.push(await readPid(join(dir, 'run', 'mon.a.pid')));
    const osdUuid = randomUUID();
    const osdId = (await run(dir, 'ceph', [...c, '--connect-timeout', '60', 'osd', 'new', osdUuid])).trim();
    await mkdir(join(dir, 'osd', `ceph-${osdId}`), { recursive: true });
    await run(dir, 'ceph-osd', [...c, '-i', osdId, '--mkfs', '--osd-uuid', osdUuid]);
    await run(dir, 'ceph-osd', [...c, '-i', osdId]);
    pids.push(await readPid(join(dir, 'run', `osd.${osdId}.pid`)));
    await run(dir, 'radosgw', [...c, '-n', 'client.rgw.gw']);
    pids.push(await readPid(join(dir, 'run', 'client.rgw.gw.pid')));
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await awaitHttp(endpoint, dir, 90_000);
    const accessKeyId = `HADOOPFS${randomBytes(6).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(24).toString('base64url');
    await run(dir, 'radosgw-admin', [...c, 'user', 'create', '--uid=hadoopfs', '--display-name=hadoopfs tests', `--access-key=${accessKeyId}`, `--secret-key=${secretAccessKey}`]);
    const cluster = { endpoint, accessKeyId, dir, pids } as CephCluster;
    Object.defineProperty(cluster, 'secretAccessKey', { value: secretAccessKey, enumerable: false });
    return cluster;
  } catch (error) {
    await stopCephCluster(dir, pids);
    throw error;
  }
}

/** Ends the daemons by pid (SIGTERM, then SIGKILL for any still alive after 10 s) and removes `dir`. */
export async function stopCephCluster(dir: string, pids: number[]): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
}
