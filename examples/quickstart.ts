/**
 * The README's first command until the Flume demo exists: write, flush, list and read a file through
 * FileSystem.get, once in memory and once on local disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration, FileSystem, Path } from '@hadoopfs/core';
import '@hadoopfs/memory';
import '@hadoopfs/local';

async function roundTrip(base: string, conf: Configuration): Promise<void> {
  const fs = await FileSystem.get(base, conf);
  const dir = new Path(base, 'quickstart/2026-11-26');
  const file = new Path(dir, 'events.log');

  const out = await fs.create(file, { overwrite: true });
  await out.write('first event\n');
  await out.hflush();
  const visibleAfterFlush = (await fs.getFileStatus(file)).length;
  await out.write('second event\n');
  await out.close();

  const listing = await fs.listStatus(dir);
  await using input = await fs.open(file);
  const chunks: Uint8Array[] = [];
  for await (const chunk of input) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');

  console.log(`${fs.getUri()}  ${file.toString()}`);
  console.log(`  hflush capability: ${out.hasCapability('hflush')}, bytes visible after hflush: ${visibleAfterFlush}`);
  console.log(`  listing: ${listing.map((s) => `${s.path.getName()} (${s.length} B)`).join(', ')}`);
  console.log(`  read back: ${JSON.stringify(text)}`);
  if (text !== 'first event\nsecond event\n') throw new Error(`read back the wrong bytes from ${file.toString()}`);
  await fs.delete(new Path(base, 'quickstart'), true);
}

const conf = new Configuration();
const scratch = await mkdtemp(join(tmpdir(), 'hadoopfs-quickstart-'));
try {
  await roundTrip('mem://quickstart/', conf);
  await roundTrip(`file://${scratch}/`, conf);
} finally {
  await FileSystem.closeAll();
  await rm(scratch, { recursive: true, force: true });
}
console.log('quickstart ok');
