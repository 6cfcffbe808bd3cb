import { randomBytes } from 'node:crypto';
import type { StoreCapabilities } from './capabilities.js';
import type { ObjectStore } from './object-store.js';

/** The capabilities a probe decides by their effect: a server may answer 200 to a header it ignores. */
export type ProbedCapability = 'createOnlyPut' | 'createOnlyComplete' | 'createOnlyCopy' | 'completeOmitsParts' | 'emptyLastPart' | 'listPartsAfter' | 'uploadMetadata';

/** What a probe saw, per capability, in words (for a report or an error naming the store's behaviour). */
export type ProbeFindings = Record<ProbedCapability, { works: boolean; seen: string }>;

/**
 * Finds out what `store` does, by doing it under `<prefix>.hadoopfs-probe-<random>/` and reading the
 * effect back — never by the status alone: a server may answer 200 to If-None-Match on a Complete and
 * overwrite. Small objects but one part of the store's smallest size (the shape of recover's claim: a
 * part, then an empty one). Everything it made is removed, its uploads aborted, even when a step fails.
 */
export async function probeCapabilities(store: ObjectStore, prefix: string): Promise<{ capabilities: StoreCapabilities; findings: ProbeFindings }> {
  const base = `${prefix}.hadoopfs-probe-${randomBytes(6).toString('hex')}/`;
  const made = new Set<string>();
  const uploads: Array<{ key: string; uploadId: string }> = [];
  const put = async (key: string, body: string) => {
    made.add(key);
    return store.put(key, Buffer.from(body));
  };
  const upload = async (key: string, parts: Array<string | Buffer>, meta?: Record<string, string>) => {
    made.add(key);
    const uploadId = await store.initUpload(key, meta ? { meta } : {});
    uploads.push({ key, uploadId });
    const done = [];
    for (const [i, body] of parts.entries()) done.push({ number: i + 1, etag: (await store.uploadPart(key, uploadId, i + 1, Buffer.isBuffer(body) ? body : Buffer.from(body))).etag });
    return { uploadId, parts: done };
  };
  const content = async (key: string) => (await store.getBytes(key).catch(() => undefined))?.toString();
  const refusedOrIgnored = async (attempt: Promise<unknown>, key: string, expected: string): Promise<{ works: boolean; seen: string }> => {
    const outcome = await attempt.then(
      () => 'accepted',
      (error: Error) => `refused (${error.name})`,
    );
    const now = await content(key);
    return { works: now === expected, seen: `${outcome}; the object ${now === expected ? 'stayed' : 'was replaced'}` };
  };
  try {
    const findings = {} as ProbeFindings;
    await put(`${base}exists`, 'first');
    findings.createOnlyPut = await refusedOrIgnored(store.put(`${base}exists`, Buffer.from('second'), { createOnly: true }), `${base}exists`, 'first');
    const overExisting = await upload(`${base}exists`, ['third']);
    findings.createOnlyComplete = await refusedOrIgnored(store.complete(`${base}exists`, overExisting.uploadId, overExisting.parts, { createOnly: true }), `${base}exists`, 'first');
    await put(`${base}source`, 'fourth');
    findings.createOnlyCopy = await refusedOrIgnored(store.copy(`${base}source`, `${base}exists`, { createOnly: true }), `${base}exists`, 'first');

    const omitting = await upload(`${base}omitting`, ['a', 'b']);
    const omitted = await store.complete(`${base}omitting`, omitting.uploadId, omitting.parts.slice(0, 1)).then(
      () => 'accepted',
      (error: Error) => `refused (${error.name})`,
    );
    const omittedNow = await content(`${base}omitting`);
    findings.completeOmitsParts = { works: omittedNow === 'a', seen: `${omitted}; the object holds ${JSON.stringify(omittedNow ?? null)}` };

    // A part of the smallest size the store declares, then an empty one: the shape of recover's claim.
    const first = Buffer.alloc(store.capabilities.minPartSize, 0x78);
    const withEmpty = await upload(`${base}empty-last`, [first, ''], { 'hadoopfs-probe': 'yes' });
    const listedAbove = await store.listParts(`${base}empty-last`, withEmpty.uploadId, { after: 1, limit: 2 }).then((page) => page.parts.map((p) => p.number), () => undefined);
    findings.listPartsAfter = { works: listedAbove?.join(',') === '2', seen: `parts above 1: ${listedAbove?.join(',') ?? 'refused'}` };
    const emptied = await store.complete(`${base}empty-last`, withEmpty.uploadId, withEmpty.parts).then(
      () => 'accepted',
      (error: Error) => `refused (${error.name})`,
    );
    const completed = await store.head(`${base}empty-last`).catch(() => undefined);
    findings.emptyLastPart = { works: completed?.size === first.length, seen: `${emptied}; the object holds ${completed?.size ?? 'no'} bytes` };
    const meta = completed?.meta?.['hadoopfs-probe'];
    findings.uploadMetadata = { works: meta === 'yes', seen: `metadata given at Initiate ${meta === 'yes' ? 'is' : 'is not'} on the object` };

    const capabilities = { ...store.capabilities } as Record<string, unknown>;
    for (const [name, finding] of Object.entries(findings)) capabilities[name] = finding.works;
    return { capabilities: Object.freeze(capabilities) as unknown as StoreCapabilities, findings };
  } finally {
    for (const { key, uploadId } of uploads) await store.abortUpload(key, uploadId).catch(() => undefined);
    if (made.size > 0) await store.deleteBatch([...made]).catch(() => undefined);
  }
}
