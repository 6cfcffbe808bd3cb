import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Configuration, FileSystem, readSequenceFile } from '@hadoopfs/core';
import '@hadoopfs/jindo';
import { ChannelError, FileChannel, textEvent, type FlumeEvent } from '@hadoopfs/flume';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';

// Issue 11, finding 4: Flume's file channel, so that an acknowledgement (HTTP 200) survives a crash.

const BIN = fileURLToPath(new URL('../src/agent-bin.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'flume-file-channel-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function dirs() {
  const base = join(root, `c${++n}`);
  return { checkpointDir: join(base, 'checkpoint'), dataDirs: [join(base, 'data')], minimumRequiredSpace: 0 };
}

async function drain(channel: FileChannel, commit = true): Promise<string[]> {
  const tx = channel.getTransaction();
  const out: string[] = [];
  for (let e = tx.take(); e; e = tx.take()) out.push(e.body.toString());
  if (commit) await tx.commit();
  else tx.rollback();
  return out;
}

describe('FileChannel', () => {
  it('replays what was put and not taken, in order; a committed take stays taken, a rolled-back one does not', async () => {
    const where = dirs();
    const first = new FileChannel(where);
    expect(await first.open()).toBe(0);
    await first.put(['a', 'b', 'c'].map((b) => textEvent(b, { k: b })));
    await first.put([textEvent('d', {})]);
    const tx = first.getTransaction();
    expect(tx.take()!.body.toString()).toBe('a');
    await tx.commit();
    expect(await drain(first, false)).toEqual(['b', 'c', 'd']);
    await first.close();
    const second = new FileChannel(where);
    expect(await second.open()).toBe(3);
    const tx2 = second.getTransaction();
    const b = tx2.take()!;
    expect([b.body.toString(), b.headers['k']]).toEqual(['b', 'b']);
    tx2.rollback();
    expect(await drain(second)).toEqual(['b', 'c', 'd']);
    await second.close();
    const third = new FileChannel(where);
    expect(await third.open()).toBe(0);
    await third.close();
  });

  it('a torn last record (a crash mid-write) is cut off; a bad record before the end is an error naming file and offset', async () => {
    const where = dirs();
    const channel = new FileChannel(where);
    await channel.open();
    await channel.put([textEvent('kept', {})]);
    // Not closed: as after a SIGKILL, the log holds the checkpoint of open() and the put.
    const [log] = (await readdir(where.dataDirs[0]!)).filter((f) => f.startsWith('log-'));
    const path = join(where.dataDirs[0]!, log!);
    await appendFile(path, Buffer.from([0, 0, 0, 40, 1, 2, 3]));
    const reopened = new FileChannel({ ...where, checkpointDir: join(where.checkpointDir, '..', 'other') });
    expect(await reopened.open()).toBe(1);
    expect(await drain(reopened)).toEqual(['kept']);
    await reopened.close();
    // A record that fails its CRC with more records after it is damage, not a torn tail.
    const other = dirs();
    const damaged = new FileChannel(other);
    await damaged.open();
    await damaged.put([textEvent('first', {})]);
    await damaged.put([textEvent('second', {})]);
    const [file] = (await readdir(other.dataDirs[0]!)).filter((f) => f.startsWith('log-'));
    const bytes = await readFile(join(other.dataDirs[0]!, file!));
    bytes[12] = bytes[12]! ^ 1;
    await writeFile(join(other.dataDirs[0]!, file!), bytes);
    const broken = new FileChannel({ ...other, checkpointDir: join(other.checkpointDir, '..', 'other') });
    await expect(broken.open()).rejects.toThrow(new RegExp(`${file}: record at offset 0 fails its CRC-32; the log is damaged`));
  });

  it('a put that takes the log past maxFileSize is in the checkpoint that follows it: acknowledged, then replayed after a crash', async () => {
    const where = { ...dirs(), maxFileSize: 64 * 1024 };
    const channel = new FileChannel(where);
    await channel.open();
    const body = Buffer.alloc(20 * 1024, 7);
    // Each put and its commit add ~20 KiB to the log; the fourth put crosses 64 KiB and checkpoints.
    for (let i = 0; i < 3; i++) {
      await channel.put([textEvent(`taken ${i}`)]);
      const tx = channel.getTransaction();
      tx.take();
      await tx.commit();
      await channel.put([{ headers: { n: String(i) }, body }]);
      const drain = channel.getTransaction();
      drain.take();
      await drain.commit();
    }
    await channel.put([textEvent('kept a'), textEvent('kept b')]);
    await channel.put([{ headers: { n: 'big' }, body }]);
    await channel.put([textEvent('kept c')]);
    // Not closed (as after a SIGKILL): the next open replays the newest generation.
    const reopened = new FileChannel({ ...where, checkpointDir: join(where.checkpointDir, '..', 'other') });
    expect(await reopened.open()).toBe(4);
    const tx = reopened.getTransaction();
    const got = [];
    for (let e = tx.take(); e; e = tx.take()) got.push(e.headers['n'] ?? Buffer.from(e.body).toString());
    await tx.commit();
    expect(got).toEqual(['kept a', 'kept b', 'big', 'kept c']);
    await reopened.close();
  });

  it('concurrent puts and commits are logged together (group commit); a put without room waits for a commit; what was acknowledged is what replays', async () => {
    const where = { ...dirs(), capacity: 5, transactionCapacity: 5 };
    const channel = new FileChannel(where);
    await channel.open();
    const settled: string[] = [];
    const put = (names: string[]) => channel.put(names.map((n) => textEvent(n))).then(() => settled.push(names.join('')));
    const puts = [put(['a', 'b']), put(['c', 'd']), put(['e', 'f'])];
    // The first two fit (4 of 5), the third waits for room.
    await puts[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual(['ab', 'cd']);
    expect(channel.size).toBe(4);
    const tx = channel.getTransaction();
    expect([tx.take(), tx.take()].map((e) => e?.body.toString())).toEqual(['a', 'b']);
    await tx.commit();
    await Promise.all(puts);
    expect(settled).toEqual(['ab', 'cd', 'ef']);
    // Not closed (as after a SIGKILL): the log holds exactly what was acknowledged and not committed, in order.
    const reopened = new FileChannel({ ...where, checkpointDir: join(where.checkpointDir, '..', 'other') });
    expect(await reopened.open()).toBe(4);
    const again = reopened.getTransaction();
    const got = [];
    for (let e = again.take(); e; e = again.take()) got.push(e.body.toString());
    await again.commit();
    expect(got).toEqual(['c', 'd', 'e', 'f']);
    await reopened.close();
  });

  it('a put whose events cannot be written fails on its own; a put beside it in the same group is logged', async () => {
    const where = dirs();
    const channel = new FileChannel(where);
    await channel.open();
    const bad = channel.put([{ headers: {}, body: 'not bytes' as unknown as Uint8Array }]);
    const good = channel.put([textEvent('fine')]);
    await expect(bad).rejects.toBeInstanceOf(Error);
    await good;
    expect(channel.size).toBe(1);
    await channel.close();
  });

  it('writes equal headers of consecutive events once (whatever object holds them), and replays each event with headers of its own', async () => {
    const where = dirs();
    const channel = new FileChannel(where);
    await channel.open();
    const events: FlumeEvent[] = [
      { headers: { timestamp: '5', host: 'a' }, body: Buffer.from('one') },
      { headers: { host: 'a', timestamp: '5' }, body: Buffer.from('two') },
      { headers: { timestamp: '5', host: 'a' }, body: Buffer.from('three') },
      { headers: { timestamp: '5', host: 'b' }, body: Buffer.from('four') },
      { headers: { timestamp: '5', host: 'b', extra: '' }, body: Buffer.from('five') },
      { headers: { timestamp: '5' }, body: Buffer.from('six') },
    ];
    await channel.put(events);
    const [log] = (await readdir(where.dataDirs[0]!)).filter((f) => f.startsWith('log-'));
    const text = (await readFile(join(where.dataDirs[0]!, log!))).toString('latin1');
    // Three equal header sets: one JSON; then three that differ from the one before: one each.
    expect(text.match(/"timestamp"/g)).toHaveLength(4);
    const reopened = new FileChannel({ ...where, checkpointDir: join(where.checkpointDir, '..', 'other') });
    expect(await reopened.open()).toBe(6);
    const tx = reopened.getTransaction();
    const got = [];
    for (let e = tx.take(); e; e = tx.take()) got.push(e);
    await tx.commit();
    expect(got.map((e) => [e.body.toString(), e.headers])).toEqual(events.map((e) => [e.body.toString(), e.headers]));
    got[0]!.headers['host'] = 'changed';
    expect(got[1]!.headers['host']).toBe('a');
    await reopened.close();
  });

  it('replays a put of events sharing one headers object, and the per-event records of hadoopfs 0.1', async () => {
    const where = dirs();
    const channel = new FileChannel(where);
    await channel.open();
    const shared = { timestamp: '5', host: 'a' };
    await channel.put([
      { headers: shared, body: Buffer.from('one') },
      { headers: shared, body: Buffer.from('two') },
      { headers: { timestamp: '6' }, body: Buffer.from('three') },
      { headers: shared, body: Buffer.from('four') },
    ]);
    // Not closed (as after a SIGKILL): the next open replays the log.
    const reopened = new FileChannel({ ...where, checkpointDir: join(where.checkpointDir, '..', 'other') });
    expect(await reopened.open()).toBe(4);
    const tx = reopened.getTransaction();
    const got = [];
    for (let e = tx.take(); e; e = tx.take()) got.push([e.body.toString(), e.headers]);
    await tx.commit();
    expect(got).toEqual([['one', shared], ['two', shared], ['three', { timestamp: '6' }], ['four', shared]]);
    await reopened.close();
    // A log as hadoopfs 0.1 wrote it: one record per put (type 1) and per take (type 2).
    const old = dirs();
    await mkdir(old.dataDirs[0]!, { recursive: true });
    const record = (payload: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(payload.length, 0);
      head.writeUInt32BE(crc32(payload), 4);
      return Buffer.concat([head, payload]);
    };
    const put = (id: number, body: string) => {
      const headers = Buffer.from(JSON.stringify({ n: String(id) }));
      const fixed = Buffer.alloc(13);
      fixed[0] = 1;
      fixed.writeDoubleBE(id, 1);
      fixed.writeUInt32BE(headers.length, 9);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      return record(Buffer.concat([fixed, headers, length, Buffer.from(body)]));
    };
    const take = (id: number) => {
      const payload = Buffer.alloc(9);
      payload[0] = 2;
      payload.writeDoubleBE(id, 1);
      return record(payload);
    };
    await writeFile(join(old.dataDirs[0]!, 'log-3'), Buffer.concat([put(1, 'a'), put(2, 'b'), take(1), put(3, 'c')]));
    const upgraded = new FileChannel(old);
    expect(await upgraded.open()).toBe(2);
    expect(await drain(upgraded)).toEqual(['b', 'c']);
    await upgraded.close();
    // A log as hadoopfs 0.2 wrote it: a record of many events per put (type 3, equal headers once) and per take (type 4).
    const puts = (events: Array<[number, string, Record<string, string> | 'same']>) => {
      const parts = [Buffer.from([3, 0, 0, 0, events.length])];
      for (const [id, body, headers] of events) {
        const fixed = Buffer.alloc(12);
        fixed.writeDoubleBE(id, 0);
        const text = headers === 'same' ? undefined : Buffer.from(JSON.stringify(headers));
        fixed.writeUInt32BE(text ? text.length : 0xffffffff, 8);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(body.length);
        parts.push(fixed, ...(text ? [text] : []), length, Buffer.from(body));
      }
      return record(Buffer.concat(parts));
    };
    const takes = (ids: number[]) => {
      const payload = Buffer.alloc(5 + 8 * ids.length);
      payload[0] = 4;
      payload.writeUInt32BE(ids.length, 1);
      ids.forEach((id, i) => payload.writeDoubleBE(id, 5 + 8 * i));
      return record(payload);
    };
    const older = dirs();
    await mkdir(older.dataDirs[0]!, { recursive: true });
    await writeFile(join(older.dataDirs[0]!, 'log-7'), Buffer.concat([puts([[1, 'x', { h: '1' }], [2, 'y', 'same'], [3, 'z', { h: '3' }]]), takes([1, 3])]));
    const fromOlder = new FileChannel(older);
    expect(await fromOlder.open()).toBe(1);
    const olderTx = fromOlder.getTransaction();
    const left = olderTx.take()!;
    expect([Buffer.from(left.body).toString(), left.headers]).toEqual(['y', { h: '1' }]);
    await olderTx.commit();
    await fromOlder.close();
  });

  it('a record of lines whose newlines do not match its count stops the start, naming the file and offset', async () => {
    const where = dirs();
    await mkdir(where.dataDirs[0]!, { recursive: true });
    const linesRecord = (count: number, text: string) => {
      const headers = Buffer.from('{}');
      const fixed = Buffer.alloc(17);
      fixed[0] = 5;
      fixed.writeUInt32BE(count, 1);
      fixed.writeDoubleBE(1, 5);
      fixed.writeUInt32BE(headers.length, 13);
      const payload = Buffer.concat([fixed, headers, Buffer.from(text)]);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(payload.length, 0);
      head.writeUInt32BE(crc32(payload), 4);
      return Buffer.concat([head, payload]);
    };
    const good = linesRecord(2, 'a\nb\n');
    await writeFile(join(where.dataDirs[0]!, 'log-1'), Buffer.concat([good, linesRecord(2, 'a\nb')]));
    await expect(new FileChannel(where).open()).rejects.toThrow(new RegExp(`log-1: record at offset ${good.length} holds 1 whole lines where it says 2`));
    await writeFile(join(where.dataDirs[0]!, 'log-1'), good);
    const channel = new FileChannel(where);
    expect(await channel.open()).toBe(2);
    expect(await drain(channel)).toEqual(['a', 'b']);
    await channel.close();
  });

  it('two puts that waited for room do not both take it: the channel never holds more than its capacity', async () => {
    const where = dirs();
    const channel = new FileChannel({ ...where, capacity: 10, transactionCapacity: 10 });
    await channel.open();
    await channel.put(Array.from({ length: 6 }, (_, i) => textEvent(`a${i}`, {})));
    const sizes: number[] = [];
    channel.onPut = () => sizes.push(channel.size);
    // Both wait for room; one commit of six frees room for one of them only.
    const b = channel.put(Array.from({ length: 6 }, (_, i) => textEvent(`b${i}`, {})));
    const c = channel.put(Array.from({ length: 6 }, (_, i) => textEvent(`c${i}`, {})));
    expect(await drain(channel)).toHaveLength(6);
    await Promise.race([b, c]);
    expect(channel.size).toBe(6);
    const first = await drain(channel);
    await Promise.all([b, c]);
    expect([...first, ...(await drain(channel))].sort()).toEqual([...Array.from({ length: 6 }, (_, i) => `b${i}`), ...Array.from({ length: 6 }, (_, i) => `c${i}`)].sort());
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    await channel.close();
  });

  it('a failed fsync fails its put and the log is rewritten from memory: a replay holds exactly what was accepted', async () => {
    const where = dirs();
    const channel = new FileChannel(where);
    await channel.open();
    await channel.put([textEvent('accepted-1', {})]);
    // The disk fails the next fsync (EIO), then recovers: the failure is injected at the FileHandle.
    const probe = await open(join(root, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const realSync = proto.sync;
    let failures = 1;
    proto.sync = function (this: unknown) {
      if (failures-- > 0) return Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
      return realSync.call(this);
    };
    try {
      await expect(channel.put([textEvent('refused', {})])).rejects.toThrow(/EIO/);
      await channel.put([textEvent('accepted-2', {})]);
      // Now the disk stays broken: the log cannot be rewritten, puts are refused naming why.
      failures = 1_000;
      await expect(channel.put([textEvent('refused-2', {})])).rejects.toThrow(/EIO/);
      await expect(channel.put([textEvent('refused-3', {})])).rejects.toThrow(/the log cannot be written since EIO: i\/o error, fsync.*puts and commits refused/);
      failures = 0;
      await channel.put([textEvent('accepted-3', {})]);
    } finally {
      proto.sync = realSync;
    }
    // Not closed (a crash): the replay has the accepted events only, in order.
    const replayed = new FileChannel({ ...where, checkpointDir: join(where.checkpointDir, '..', 'other') });
    expect(await replayed.open()).toBe(3);
    expect(await drain(replayed)).toEqual(['accepted-1', 'accepted-2', 'accepted-3']);
    await replayed.close();
    expect(channel.size).toBe(3);
    await channel.close();
  });

  it('one agent per channel: a second open while the first holds the lock is refused, naming the process', async () => {
    const where = dirs();
    const first = new FileChannel(where);
    await first.open();
    // A lock left by a process that runs (our parent here) is honoured.
    await writeFile(join(where.checkpointDir, 'in_use.lock'), String(process.ppid));
    await expect(new FileChannel(where).open()).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));
    await first.close();
  });

  it('a checkpoint keeps only what is still in the channel', async () => {
    const where = dirs();
    const channel = new FileChannel({ ...where, checkpointInterval: 60_000 });
    await channel.open();
    for (let i = 0; i < 20; i++) await channel.put([textEvent('x'.repeat(1000), {})]);
    await drain(channel);
    await channel.put([textEvent('last', {})]);
    await channel.close();
    const logs = (await readdir(where.dataDirs[0]!)).filter((f) => f.startsWith('log-'));
    expect(logs).toHaveLength(1);
    expect((await stat(join(where.dataDirs[0]!, logs[0]!))).size).toBeLessThan(100);
    expect(() => new FileChannel({ ...where, capacity: 5, transactionCapacity: 10 })).toThrow(ChannelError);
  });
});

describe('acknowledged means durable (a real agent, SIGKILLed)', () => {
  // The sink on local files, and on OSS with durable flush (JindoOSS; lease 0 s, so that each restart
  // recovers what the killed agent had flushed, as `jindo jfs -recover` would).
  for (const target of ['file', 'oss'] as const) {
    it(`every event answered 200 is written after a SIGKILL and a restart (${target} sink)`, async () => {
      const base = join(root, `agent-${target}`);
      const out = join(base, 'out');
      const props = join(base, 'agent.properties');
      await rm(base, { recursive: true, force: true });
      await mkdir(base, { recursive: true });
      let server: RunningOssServer | undefined;
      const extraArgs: string[] = [];
      let sinkPath = `file://${out}`;
      let conf: Configuration | undefined;
      if (target === 'oss') {
        server = await startOssServer({ credentials: [{ accessKeyId: 'fc-id', accessKeySecret: 'fc-secret' }], buckets: ['acked'] });
        conf = new Configuration({ loadDefaults: false })
          .set('fs.oss.endpoint', server.endpoint)
          .set('fs.oss.accessKeyId', 'fc-id')
          .set('fs.oss.accessKeySecret', 'fc-secret')
          .set('fs.jfs.cache.oss.flush.enable', 'true')
          .set('fs.jfs.cache.flush.lease', '0s');
        const site = join(base, 'core-site.xml');
        await writeFile(site, `<configuration>${[...conf].map(([k, v]) => `<property><name>${k}</name><value>${v}</value></property>`).join('')}</configuration>`);
        extraArgs.push('--core-site', site);
        sinkPath = 'oss://acked/out';
      }
      await writeFile(
        props,
        [
          'a1.sources = s1',
          'a1.channels = c1',
          'a1.sinks = k1',
          'a1.sources.s1.type = http',
          'a1.sources.s1.port = 0',
          'a1.sources.s1.channels = c1',
          'a1.channels.c1.type = file',
          `a1.channels.c1.checkpointDir = ${join(base, 'checkpoint')}`,
          `a1.channels.c1.dataDirs = ${join(base, 'data')}`,
          'a1.channels.c1.minimumRequiredSpace = 0',
          'a1.sinks.k1.type = hdfs',
          'a1.sinks.k1.channel = c1',
          `a1.sinks.k1.hdfs.path = ${sinkPath}`,
          'a1.sinks.k1.hdfs.batchSize = 50',
          'a1.sinks.k1.hdfs.rollCount = 200',
          'a1.sinks.k1.hdfs.rollSize = 0',
          'a1.sinks.k1.hdfs.rollInterval = 0',
          'a1.sinks.k1.hdfs.useLocalTimeStamp = true',
          '',
        ].join('\n'),
      );
      const acknowledged = new Set<string>();
      for (let round = 0; round < 3; round++) {
        const agent = spawn(process.execPath, ['--import', 'tsx', BIN, '-f', props, '-n', 'a1', ...extraArgs], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        agent.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
          agent.stdout!.on('data', (d: Buffer) => {
            const m = /started http-port (\d+)/.exec(d.toString());
            if (m) resolve(Number(m[1]));
          });
          agent.once('exit', (code) => reject(new Error(`agent exited (${code}): ${stderr}`)));
        });
        const exited = new Promise((resolve) => agent.once('exit', resolve));
        const post = (b: number) => {
          const bodies = Array.from({ length: 20 }, (_, i) => `r${round}-b${b}-e${i}`);
          return fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bodies.map((body) => ({ body }))) })
            .then((res) => {
              if (res.status === 200) for (const body of bodies) acknowledged.add(body);
            })
            .catch(() => undefined);
        };
        // Batches one after another, then a burst in flight when the kill lands.
        for (let b = 0; b < 10 + round * 5; b++) await post(b);
        const burst = Array.from({ length: 10 }, (_, i) => post(100 + i));
        await new Promise((resolve) => setImmediate(resolve));
        agent.kill('SIGKILL');
        await Promise.all(burst);
        await exited;
      }
      // A last start replays what the killed agents left, then a clean stop drains and closes every file.
      const last = spawn(process.execPath, ['--import', 'tsx', BIN, '-f', props, '-n', 'a1', ...extraArgs], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve) => last.stdout!.on('data', (d: Buffer) => d.toString().includes('started') && resolve()));
      const done = new Promise<number | null>((resolve) => last.once('exit', (code) => resolve(code)));
      last.kill('SIGTERM');
      expect(await done).toBe(0);
      const written = new Set<string>();
      const files = target === 'file' ? await localFiles(out) : await ossFiles(conf!, sinkPath);
      for (const [name, bytes] of files) {
        expect(name.endsWith('.tmp')).toBe(false);
        for (const record of readSequenceFile(bytes).records) written.add(record.value.toString());
      }
      expect(acknowledged.size).toBeGreaterThan(100);
      const lost = [...acknowledged].filter((body) => !written.has(body));
      expect(lost).toEqual([]);
      if (server) {
        // Nothing left behind in the bucket: no staging, no incomplete upload.
        expect(server.store.listUploads('acked', '')).toEqual([]);
        const fs = await FileSystem.newInstance('oss://acked/', conf!);
        expect(await fs.exists('/tmp')).toBe(false);
        await fs.close();
        await server.close();
      }
    }, 120_000);
  }
});

async function localFiles(dir: string): Promise<Array<[string, Buffer]>> {
  const out: Array<[string, Buffer]> = [];
  for (const name of await readdir(dir)) out.push([name, await readFile(join(dir, name))]);
  return out;
}

async function ossFiles(conf: Configuration, path: string): Promise<Array<[string, Buffer]>> {
  const fs = await FileSystem.newInstance(path, conf);
  const out: Array<[string, Buffer]> = [];
  for await (const status of fs.listFiles(path, true)) {
    await using input = await fs.open(status.path);
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(Buffer.from(c));
    out.push([status.path.getName(), Buffer.concat(chunks)]);
  }
  await fs.close();
  return out;
}
