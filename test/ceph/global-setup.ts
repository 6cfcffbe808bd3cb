import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopCephCluster, type CephClusterRecord } from './cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's Ceph cluster lives once a test asked for it (test/fixtures/radosgw.ts starts it). */
    cephDir: string;
  }
}

/**
 * One Ceph cluster per test run, started by the first test file that needs radosgw (so a run without s3a
 * tests starts none) and stopped here, by pid, when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-ceph-'));
  project.provide('cephDir', dir);
  return async () => {
    const record = await readFile(join(dir, 'cluster.json'), 'utf8').then((text) => JSON.parse(text) as CephClusterRecord, () => undefined);
    if (record) await stopCephCluster(join(dir, 'cluster'), record.pids);
    await rm(dir, { recursive: true, force: true });
  };
}
