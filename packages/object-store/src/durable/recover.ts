import { FileNotFoundError, IOError, LeaseExpiredError } from '@hadoopfs/core';
import type { StoreClient } from '../store/store-client.js';
import { storeErrorFacts, UploadNotFoundError } from '../store/store-errors.js';
import { multipartEtag, sameEtag } from '../store/store-client.js';
import { publishFlushed, PublishSourceVanishedError } from './publish.js';
import { CorruptManifestError, expectedCrc, type DecodedManifest } from './manifest.js';
import { recoverV1 } from './recover-v1.js';
import { FlushedBytesLostError, reportFor, type RecoverOptions, type RecoverReport } from './recover-report.js';
import { listStagedFolder, readManifest } from './staged-folder.js';
import {
  CLAIM_PART,
  dataKeyFor,
  manifestsByWriter,
  MAX_WRITER_PART,
  minimumAge,
  SECOND_TAIL_PART,
  shownAgeSeconds,
  WRITER_META,
  type StagedFolder,
  type StagedObject,
} from './staging.js';

/**
 * Rebuilds one target from what its writers staged (protocol v2, package README "recover"): one report per
 * writer found in the folder. Version 1 staging is handed to recoverV1.
 */
export async function recoverFile(
  client: StoreClient,
  stagingPrefix: string,
  targetKey: string,
  options: RecoverOptions,
  listed?: StagedFolder,
): Promise<RecoverReport[]> {
  // A live writer (forced over) may remove the manifest read here while its next flush supersedes it:
  // the copy of its tail then finds no source. That is not the upload gone: list again, and start over.
  for (let attempt = 1; ; attempt++) {
    try {
      const folder = attempt === 1 && listed ? listed : await listStagedFolder(client, stagingPrefix, targetKey);
      return await recoverListed(client, folder, options);
    } catch (error) {
      if (!(error instanceof ManifestVanishedError) || attempt >= MANIFEST_RELISTS) throw error;
    }
  }
}

/** Times recoverFile lists again after a manifest vanished under it (a writer flushing on). */
const MANIFEST_RELISTS = 5;

class ManifestVanishedError extends Error {
  override name = 'ManifestVanishedError';
}

async function recoverListed(client: StoreClient, folder: StagedFolder, options: RecoverOptions): Promise<RecoverReport[]> {
  const { targetKey } = folder;
  const reports: RecoverReport[] = [];
  if (folder.objects.some((o) => o.name.kind === 'v1')) reports.push(await recoverV1(client, folder, options));
  const writers = manifestsByWriter(folder.objects);
  // Older writers first: whatever the newest writer leaves in place is the last word.
  const order = [...writers.entries()].sort((a, b) => a[1][0]!.lastModified - b[1][0]!.lastModified);
  const read: Array<{ writerId: string; manifests: StagedObject[]; found: Found | undefined; error?: CorruptManifestError; uploadId?: string }> = [];
  for (const [writerId, manifests] of order) {
    try {
      const found = await newestManifest(client, folder, manifests);
      read.push({ writerId, manifests, found, uploadId: found.decoded.manifest.uploadId });
    } catch (error) {
      if (!(error instanceof CorruptManifestError)) throw error;
      // Left untouched; but an older manifest of it that reads still says whose upload it is.
      read.push({ writerId, manifests, found: undefined, error, ...(await uploadOfAnyOf(client, folder, manifests)) });
    }
  }
  // Two writers never share an upload: one of them is forged (or copied), and neither can be trusted —
  // counted over every writer that names one, those whose newest manifest is junk included (else junk on
  // the real writer's newest manifest would hand its upload to the forgery).
  const claimed = new Map<string, number>();
  for (const r of read) if (r.uploadId !== undefined) claimed.set(r.uploadId, (claimed.get(r.uploadId) ?? 0) + 1);
  // Several writers with an upload that still exists (a create raced a writer's first flush, or a dead
  // writer's manifest landed late): only the newest is recovered, the others are superseded by it.
  const usable = read.filter((r) => r.found && claimed.get(r.found.decoded.manifest.uploadId) === 1);
  let newest: string | undefined;
  const takenOver = new Map<string, string>();
  if (usable.length > 1) {
    // A writer that replaces another object than the one at the target now lost to whoever wrote it (D7):
    // it is not a candidate; among the others the newest wins.
    const head = await client.head(targetKey);
    const live: typeof usable = [];
    for (const r of usable) {
      const { replaces, writerId } = r.found!.decoded.manifest;
      if (head !== undefined && head.etag !== replaces && head.meta?.[WRITER_META] !== writerId) continue;
      if ((await client.listParts(uploadKeyOf(r.found!.decoded.manifest), r.found!.decoded.manifest.uploadId, { after: MAX_WRITER_PART, limit: 1 })) !== undefined) live.push(r);
    }
    const rank = (r: (typeof usable)[number]) => [Math.floor(r.manifests[0]!.lastModified / 1000), r.found!.decoded.manifest.sequence, r.found!.decoded.manifest.flushedLength];
    live.sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
    if (live.length > 1) newest = live[live.length - 1]!.writerId;
    // A writer whose upload is gone beside one whose upload is open was taken over (a create aborts the
    // upload it replaces): superseded by it, not a loss to report — even when its last manifest landed late.
    if (live.length >= 1) {
      const taker = live[live.length - 1]!.writerId;
      for (const r of usable) if (!live.includes(r)) takenOver.set(r.writerId, taker);
    }
  }
  for (const r of read) {
    if (r.error) {
      reports.push(reportFor(client, targetKey)('corrupt-manifest', 'left the staging folder untouched', { error: r.error }));
    } else if (r.found && claimed.get(r.found.decoded.manifest.uploadId)! > 1) {
      const location = client.display(r.found.object.key);
      const error = new CorruptManifestError(`manifest ${location}: its upload ${r.found.decoded.manifest.uploadId} is named by another writer's manifest too`, location);
      reports.push(reportFor(client, targetKey)('corrupt-manifest', 'left the staging folder untouched', { error }));
    } else {
      reports.push(await recoverWriter(client, folder, r.writerId, r.manifests, r.found!, options, newest !== undefined && newest !== r.writerId ? newest : takenOver.get(r.writerId)));
    }
  }
  if (reports.length === 0) reports.push(reportFor(client, targetKey)('nothing-staged', 'no flush manifest: nothing to recover'));
  return reports;
}

/**
 * The newest manifest of a writer that can still be read (an older one may have been removed meanwhile).
 * When every one listed is gone, the writer either closed or flushed on (its newer manifest listed after
 * ours removed the older): a fresh listing tells, so the caller lists again (ManifestVanishedError).
 */
async function newestManifest(client: StoreClient, folder: StagedFolder, manifests: readonly StagedObject[]): Promise<Found> {
  for (const object of manifests) {
    const decoded = await readManifest(client, folder, object);
    if (decoded) return { object, decoded };
  }
  throw new ManifestVanishedError(`every manifest listed for ${folder.targetKey} was removed while it was read`);
}

type Found = { object: StagedObject; decoded: DecodedManifest };

/** A manifest that decodes, so provably the protocol's; undefined for one that is gone or is not (junk). */
function readProvenManifest(client: StoreClient, folder: StagedFolder, object: StagedObject): Promise<DecodedManifest | undefined> {
  return readManifest(client, folder, object).catch((error: unknown) => (error instanceof CorruptManifestError ? undefined : Promise.reject(error)));
}

/** The upload the first of `manifests` that decodes names (corrupt and vanished ones passed over). */
async function uploadOfAnyOf(client: StoreClient, folder: StagedFolder, manifests: readonly StagedObject[]): Promise<{ uploadId?: string }> {
  for (const object of manifests) {
    const decoded = await readProvenManifest(client, folder, object);
    if (decoded) return { uploadId: decoded.manifest.uploadId };
  }
  return {};
}

async function recoverWriter(
  client: StoreClient,
  folder: StagedFolder,
  writerId: string,
  manifests: StagedObject[],
  found: Found,
  options: RecoverOptions,
  newerWriter?: string,
): Promise<RecoverReport> {
  const report = reportFor(client, folder.targetKey);
  const path = client.display(folder.targetKey);
  let { manifest } = found.decoded;
  const mine = (head: { meta?: Record<string, string> } | undefined) => head?.meta?.[WRITER_META] === writerId;
  // Once the writer's upload is completed or gone, none of its manifests can matter any more: all of them
  // go, those listed now included (a fenced writer's last manifest, written after recover's first listing,
  // would outlive the takeover otherwise). One written later still is its writer's to remove: its fencing
  // read finds the upload gone. Only manifests proven to be the protocol's are deleted (D6): one recover
  // decoded, or one that decodes now; an object with a manifest's name that does not decode (junk someone
  // put there) is left as it is.
  const proven = new Set([found.object.key]);
  const removeStaging = async () => {
    const now = manifestsByWriter((await listStagedFolder(client, folder.stagingPrefix, folder.targetKey)).objects).get(writerId) ?? [];
    const doomed: string[] = [];
    for (const m of new Map([...manifests, ...now].map((o) => [o.key, o])).values()) {
      if (proven.has(m.key)) doomed.push(m.key);
      else if (await readProvenManifest(client, folder, m)) doomed.push(m.key);
    }
    // The writer's data object ('data' layout) goes before its manifests, and only if it is the writer's (D6).
    if (found.decoded.manifest.dataKey !== undefined) {
      const dataKey = dataKeyFor(folder.folder, writerId);
      const data = await client.head(dataKey);
      if (data && mine(data)) await client.delete(dataKey);
    }
    await client.deleteMany(doomed);
  };
  const summary = (m: typeof manifest) => `${m.parts.length} part(s) + ${m.tail.size}-byte tail, ${m.flushedLength} bytes`;

  // A target completed from this writer's upload (its close, or an earlier recover) is final: only the
  // staging is left to remove, whatever the lease says, since no flush of that upload can succeed again.
  const head = await client.head(folder.targetKey);
  if (mine(head)) {
    if (options.dryRun) return report('already-complete', `the target is this writer's completed upload; would remove its staging`, { recoveredBytes: head!.size });
    await removeStaging();
    return report('already-complete', `the target is this writer's completed upload (${head!.size} bytes); staging removed`, { recoveredBytes: head!.size });
  }
  // A fresh manifest whose upload is gone is a stale one (a duplicated PutObject landing after its writer
  // was done): no writer can flush into it, so it never blocks.
  const withinLease = minimumAge(folder.serverTime, manifests[0]!.lastModified) < options.leaseMs;
  // A writer within its lease is live while its upload is open — or, in the data layout, while its
  // completed data object waits to be copied to the target (a close under way).
  const live = async () =>
    (await client.listParts(uploadKeyOf(manifest), manifest.uploadId, { after: MAX_WRITER_PART, limit: 1 })) !== undefined ||
    (manifest.dataKey !== undefined && mine(await client.head(manifest.dataKey)));
  if (withinLease && !options.force && (await live())) {
    const seconds = shownAgeSeconds(folder.serverTime, manifests[0]!.lastModified);
    return report('live-writer', `writer ${writerId} flushed ${seconds} s ago, within the ${Math.round(options.leaseMs / 1000)} s lease: it may be alive (force takes over)`, {
      uploadId: manifest.uploadId,
      error: new LeaseExpiredError(
        `${path}: refusing to recover: its writer flushed ${seconds} s ago, within the ${Math.round(options.leaseMs / 1000)} s lease, and may be alive; if it is dead, -force (recover's force option) takes over`,
        { path },
      ),
    });
  }
  const superseded = newerWriter !== undefined || (head !== undefined && head.etag !== manifest.replaces);
  if (superseded) {
    // Written by someone else after this writer began (D7): the newer file stays, the older writer's state goes.
    const by = newerWriter ? `writer ${newerWriter} began after writer ${writerId}` : `the target was replaced after writer ${writerId} began`;
    if (options.dryRun) return report('superseded', `${by}; would leave the target and remove the older writer's upload and staging`, { uploadId: manifest.uploadId });
    await client.abort(uploadKeyOf(manifest), manifest.uploadId);
    await removeStaging();
    return report('superseded', `${by}; left the target, aborted the older writer's upload and removed its staging`, { uploadId: manifest.uploadId });
  }
  if (options.dryRun) return report('would-recover', `would complete ${summary(manifest)}`, { recoveredBytes: manifest.flushedLength, uploadId: manifest.uploadId });

  // The claim: from here on every flush of the writer fails its fencing read, so the newest manifest
  // listed after it holds every flush that returned success (D5).
  const gone = async (): Promise<RecoverReport> => {
    const now = await client.head(folder.targetKey);
    if (mine(now)) {
      await removeStaging();
      return report('already-complete', 'the writer (or another recover) completed the upload meanwhile; staging removed', { recoveredBytes: now!.size });
    }
    // The bytes were destroyed before this run (someone aborted the upload, a lifecycle rule, a takeover
    // that died half-way; a live writer's next flush failed on it): an error, since flushed bytes are
    // lost, said once with what the manifest promised — then the staging goes and the next run finds nothing.
    await removeStaging();
    const lost = `the upload ${manifest.uploadId} of writer ${writerId} was destroyed (aborted by someone else or a lifecycle rule): its ${manifest.flushedLength} flushed bytes cannot be recovered; staging removed`;
    return report('lost', lost, { uploadId: manifest.uploadId, error: new FlushedBytesLostError(`${path}: ${lost}`, { path }) });
  };
  if (manifest.dataKey !== undefined) {
    return recoverFromData(client, folder, writerId, found, { report, removeStaging, gone, proven, targetExisted: head !== undefined });
  }
  let tailPart: number;
  try {
    tailPart = await putTail(client, folder.targetKey, manifest, found.object.key, found.decoded.tailOffset, CLAIM_PART);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return gone();
    throw error;
  }
  const newer = await newerManifest(client, folder, writerId, found);
  if (newer) proven.add(newer.object.key);
  if (newer && newer.decoded.manifest.flushedLength >= manifest.flushedLength) {
    manifest = newer.decoded.manifest;
    try {
      tailPart = await putTail(client, folder.targetKey, manifest, newer.object.key, newer.decoded.tailOffset, SECOND_TAIL_PART);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return gone();
      throw error;
    }
  }

  const parts = manifest.parts.map(({ number, etag }) => ({ number, etag }));
  if (manifest.tail.size > 0 || parts.length === 0) parts.push({ number: tailPart, etag: manifest.tail.etag });
  let crc: string | undefined;
  try {
    // Create-only where there was nothing: a Complete that lands late cannot then replace a newer file.
    crc = (await client.complete(folder.targetKey, manifest.uploadId, parts, { forbidOverwrite: head === undefined })).checksum;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return gone();
    if (code === 'EEXIST') {
      const now = await client.head(folder.targetKey);
      if (mine(now)) {
        await removeStaging();
        return report('already-complete', 'completed by an earlier attempt whose answer was lost; staging removed', { recoveredBytes: now!.size });
      }
      await client.abort(folder.targetKey, manifest.uploadId);
      await removeStaging();
      return report('superseded', 'the target was written while recover ran; left it, aborted the writer\'s upload and removed its staging', { uploadId: manifest.uploadId });
    }
    throw error;
  }
  const checked = await checkCompleted(client, folder.targetKey, manifest, parts, crc);
  if (checked) {
    return report('failed', 'left the staging folder untouched', { uploadId: manifest.uploadId, error: checked });
  }
  await removeStaging();
  return report('recovered', `completed ${summary(manifest)}`, { recoveredBytes: manifest.flushedLength, uploadId: manifest.uploadId });
}

/**
 * The completed target against the manifest, end to end: by the store's checksum where it keeps one (the
 * parts' and the tail's combined), else by its MD5 ETag (the parts named). An error says what differs.
 */
async function checkCompleted(
  client: StoreClient,
  targetKey: string,
  manifest: DecodedManifest['manifest'],
  named: ReadonlyArray<{ number: number; etag: string }>,
  answered: string | undefined,
): Promise<IOError | undefined> {
  const path = client.display(targetKey);
  if (manifest.parts.every((p) => p.crc64 !== undefined) && client.capabilities.checksum !== undefined) {
    const expected = expectedCrc([...manifest.parts.map((p) => ({ crc64: p.crc64!, size: p.size })), manifest.tail]).toString();
    const crc = answered ?? (await client.head(targetKey))?.checksum;
    if (crc !== undefined && crc !== expected) return new IOError(`${path}: the completed object's CRC-64 ${crc} differs from the manifest's ${expected}`, 'EIO', { path });
    return undefined;
  }
  const expected = client.capabilities.etagIsMd5 ? multipartEtag(named) : undefined;
  const etag = (await client.head(targetKey))?.etag;
  if (expected !== undefined && etag !== undefined && !sameEtag(etag, expected)) return new IOError(`${path}: the completed object's ETag ${etag} is not its parts' ${expected}`, 'EIO', { path });
  return undefined;
}

/** The key a manifest's upload is on: the writer's data key ('data' layout) or the target. */
function uploadKeyOf(manifest: DecodedManifest['manifest']): string {
  return manifest.dataKey ?? manifest.target;
}

/**
 * The writer's newest manifest after `found`, listed now: after a claim, a flush that returned before it is
 * among them. Newest first; one that is gone (the writer flushed on) or does not decode (not provably
 * ours: junk put there) is passed over for the next.
 */
async function newerManifest(client: StoreClient, folder: StagedFolder, writerId: string, found: Found): Promise<Found | undefined> {
  const sequenceOf = (o: StagedObject) => (o.name.kind === 'manifest' ? o.name.sequence : -1);
  const relisted = (manifestsByWriter((await listStagedFolder(client, folder.stagingPrefix, folder.targetKey)).objects).get(writerId) ?? []).filter(
    (o) => sequenceOf(o) > sequenceOf(found.object),
  );
  for (const object of relisted) {
    const decoded = await readProvenManifest(client, folder, object);
    if (decoded) return { object, decoded };
  }
  return undefined;
}

interface WriterRecovery {
  report: ReturnType<typeof reportFor>;
  removeStaging: () => Promise<void>;
  gone: () => Promise<RecoverReport>;
  proven: Set<string>;
  targetExisted: boolean;
}

/**
 * 'data' layout (staging.ts): the writer's upload is on its own data key, and the store's Complete must
 * name every part. The claim is an empty part above the writer's (every fencing read after it fails, and
 * so does a Complete of the writer's that leaves it out); the data upload is then completed whole, and
 * the target built from the newest manifest's flushed prefix of it (publishFlushed). A data object
 * already complete (the writer's close got that far, or an earlier recover did) is built from in the
 * same way: the newest manifest is a close's own, naming every part, or one a claim made final.
 */
async function recoverFromData(client: StoreClient, folder: StagedFolder, writerId: string, found: Found, r: WriterRecovery): Promise<RecoverReport> {
  const { manifest } = found.decoded;
  const dataKey = manifest.dataKey!;
  const complete = async () => (await client.head(dataKey))?.meta?.[WRITER_META] === writerId;
  let completed = await complete();
  if (!completed) {
    try {
      await client.uploadPartWithChecksum(dataKey, manifest.uploadId, CLAIM_PART, Buffer.alloc(0));
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
      if (!(completed = await complete())) return r.gone();
    }
  }
  const newer = await newerManifest(client, folder, writerId, found);
  if (newer) r.proven.add(newer.object.key);
  const chosen = newer && newer.decoded.manifest.flushedLength >= manifest.flushedLength ? newer : found;
  // A manifest without parts is its tail alone: the data upload is not needed, and is aborted after.
  const withParts = chosen.decoded.manifest.parts.length > 0;
  if (withParts && !completed && (await completeData(client, dataKey, chosen.decoded.manifest)) === 'gone' && !(await complete())) return r.gone();
  try {
    await publishFlushed(client, {
      targetKey: folder.targetKey,
      writerId,
      manifest: chosen.decoded.manifest as typeof manifest & { dataKey: string },
      manifestKey: chosen.object.key,
      tailOffset: chosen.decoded.tailOffset,
      forbidOverwrite: !r.targetExisted,
    });
  } catch (error) {
    if (error instanceof PublishSourceVanishedError) throw new ManifestVanishedError(error.message);
    if ((error as { code?: string }).code === 'EEXIST') {
      await r.removeStaging();
      return r.report('superseded', "the target was written while recover ran; left it and removed the writer's data and staging", { uploadId: manifest.uploadId });
    }
    throw error;
  }
  if (!withParts) await client.abort(dataKey, manifest.uploadId);
  await r.removeStaging();
  const m = chosen.decoded.manifest;
  return r.report('recovered', `built from ${m.parts.length} part(s) + ${m.tail.size}-byte tail, ${m.flushedLength} bytes`, { recoveredBytes: m.flushedLength, uploadId: m.uploadId });
}

/** Times the data upload's Complete is tried again when a part appeared after its listing (a writer's upload in flight). */
const COMPLETE_RELISTS = 5;

/**
 * Completes the claimed data upload with every part it has (the store refuses to leave any out), once the
 * manifest's parts are found among them as the writer uploaded them. 'gone': completed or aborted by someone else.
 */
async function completeData(client: StoreClient, dataKey: string, manifest: DecodedManifest['manifest']): Promise<'completed' | 'gone'> {
  for (let attempt = 1; ; attempt++) {
    const parts = await client.listParts(dataKey, manifest.uploadId);
    if (parts === undefined) return 'gone';
    for (const p of manifest.parts) {
      const listed = parts.find((l) => l.number === p.number);
      if (!listed || listed.size !== p.size || !sameEtag(listed.etag, p.etag)) {
        throw new IOError(`${client.display(dataKey)}: part ${p.number} of upload ${manifest.uploadId} is not the one the manifest names (${listed ? `ETag ${listed.etag}, ${listed.size} bytes` : 'missing'})`, 'EIO');
      }
    }
    try {
      await client.complete(dataKey, manifest.uploadId, parts.map(({ number, etag, size }) => ({ number, etag, size })));
      return 'completed';
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return 'gone';
      if (storeErrorFacts(error)?.storeCode !== 'InvalidPart' || attempt >= COMPLETE_RELISTS) throw error;
    }
  }
}

/**
 * Copies the manifest's tail into `number` (recover's own part numbers, above any writer's), checking the
 * copy's ETag; a manifest without a tail gets an empty part, which still claims the upload.
 */
async function putTail(client: StoreClient, targetKey: string, manifest: DecodedManifest['manifest'], manifestKey: string, tailOffset: number, number: number): Promise<number> {
  let etag: string;
  if (manifest.tail.size === 0) {
    etag = (await client.uploadPartWithChecksum(targetKey, manifest.uploadId, number, Buffer.alloc(0))).etag;
  } else {
    try {
      ({ etag } = await client.uploadPartCopy(targetKey, manifest.uploadId, number, manifestKey, tailOffset, tailOffset + manifest.tail.size));
    } catch (error) {
      if (error instanceof FileNotFoundError && !(error instanceof UploadNotFoundError)) throw new ManifestVanishedError(`${manifestKey} was removed while it was read (its writer flushed on)`);
      throw error;
    }
  }
  if (etag.toUpperCase() !== manifest.tail.etag.toUpperCase()) {
    throw new IOError(`${client.display(targetKey)}: the tail copied from ${manifestKey} has ETag ${etag}, not the manifest's ${manifest.tail.etag}`, 'EIO');
  }
  return number;
}

