import { describe, expect, it } from 'vitest';
import { bytes, jindoFs, keys, PART, readAll, serverForTests } from './helpers.js';

// Two forced recovers of the same file at once (an operator's `jindo jfs -recover -R -force` while the
// agent's own retire recovers the stream it gave up): neither may fail, the file ends with its flushed bytes.

const server = serverForTests([]);
let n = 0;

describe('concurrent recovers', () => {
  for (const size of [3000, 3 * PART + 500]) {
    it(`two forced recovers of one file at once both end without an error (${size} bytes flushed)`, async () => {
      for (let round = 0; round < 10; round++) {
        const b = `concurrent-${++n}`;
        await server.store.createBucket(b);
        const writer = await jindoFs(server, b);
        const out = await writer.create('/dir/f.tmp');
        const data = bytes(size + 500, round);
        await out.write(data.subarray(0, size));
        await out.hflush();
        await out.write(data.subarray(size));
        const [one, two] = await Promise.all([jindoFs(server, b), jindoFs(server, b)]);
        const [a, c] = await Promise.all([one.recoverAll('/dir', { recursive: true, force: true }), two.recoverAll('/dir/f.tmp', { force: true })]);
        expect([...a, ...c].filter((r) => r.error).map((r) => `${r.state}: ${r.error!.message}`)).toEqual([]);
        expect((await readAll(one, '/dir/f.tmp')).equals(data.subarray(0, size))).toBe(true);
        expect(keys(server, b).filter((k) => k.startsWith('tmp/'))).toEqual([]);
        await out.abort().catch(() => undefined);
        await Promise.all([one.close(), two.close(), writer.close()]);
      }
    });
  }
});
