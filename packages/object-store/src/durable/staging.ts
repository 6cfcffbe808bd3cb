/**
 * Where a target's flushed state lives, and the names the protocol gives its objects (package README,
 * "Layout"). Staging for `dir1/file1` is the folder `<staging>/dir1/file1/`; the protocol's objects are its
 * direct children, named in a grammar no other tool is likely to use. Anything else in the folder
 * (another target's deeper folder, a user's file) is not ours: recover neither reads nor deletes it.
 */

/** Part numbers a writer may use: 1..9998. recover uses 9999 and 10000, so no late part of a writer can collide. */
export const MAX_WRITER_PART = 9998;
export const CLAIM_PART = 10_000;
export const SECOND_TAIL_PART = 9999;
/** User metadata on every upload a durable writer starts (with the store's metadata prefix on the wire): the completed object names its writer. */
export const WRITER_META = 'hadoopfs-flush-writer';

const MANIFEST_NAME = /^flush\.([0-9a-f]{32})\.(\d{10})\.manifest$/;
const DATA_NAME = /^flush\.([0-9a-f]{32})\.data$/;
const V1_NAME = /^(manifest\.json|tail-a|tail-b)$/;

export function stagingFolderFor(stagingPrefix: string, targetKey: string): string {
  return `${stagingPrefix}/${targetKey}/`;
}

/** Unique per (writer, sequence): no two requests ever write different bytes to one staging key. */
export function manifestKeyFor(folder: string, writerId: string, sequence: number): string {
  return `${folder}flush.${writerId}.${String(sequence).padStart(10, '0')}.manifest`;
}

export type StagingName =
  | { kind: 'manifest'; writerId: string; sequence: number }
  | { kind: 'data'; writerId: string }
  | { kind: 'v1'; name: 'manifest.json' | 'tail-a' | 'tail-b' };

/**
 * Where a writer's multipart upload lives. 'target': on the target's key, as on a store whose Complete
 * may leave out parts (recover completes the flushed ones and the rest are discarded). 'data': on a key
 * of the writer's own in the staging folder, as on a store whose Complete must name every uploaded part
 * (some S3 servers): recover completes it whole and builds the target from its flushed prefix, so that no
 * unflushed byte and no writer's upload is ever completed onto the target itself.
 */
export type UploadLayout = 'target' | 'data';

export function layoutFor(capabilities: { completeOmitsParts: boolean }): UploadLayout {
  return capabilities.completeOmitsParts ? 'target' : 'data';
}

/** The writer's data object in the 'data' layout: one key per writer, never another's. */
export function dataKeyFor(folder: string, writerId: string): string {
  return `${folder}flush.${writerId}.data`;
}

/**
 * The keys whose uploads are a target's writers': the target's own (an upload on it: 'target' layout, or
 * a plain writer) and its writers' data keys ('data' layout). One ListMultipartUploads per prefix; `layout`, where known, leaves out what the store cannot have.
 */
export function uploadKeysOf(stagingPrefix: string, targetKey: string, layout: UploadLayout = 'data'): Array<{ prefix: string; matches: (key: string) => boolean }> {
  const folder = stagingFolderFor(stagingPrefix, targetKey);
  // A store whose writers upload to the target has no data uploads: one listing fewer per create.
  if (layout === 'target') return [{ prefix: targetKey, matches: (key) => key === targetKey }];
  return [
    { prefix: targetKey, matches: (key) => key === targetKey },
    { prefix: `${folder}flush.`, matches: (key) => key.startsWith(folder) && parseStagingName(key.slice(folder.length))?.kind === 'data' },
  ];
}

/** What a direct child of a staging folder is, by its name alone; undefined for anything not ours. */
export function parseStagingName(name: string): StagingName | undefined {
  const m = MANIFEST_NAME.exec(name);
  if (m) return { kind: 'manifest', writerId: m[1]!, sequence: Number(m[2]) };
  const d = DATA_NAME.exec(name);
  if (d) return { kind: 'data', writerId: d[1]! };
  if (V1_NAME.test(name)) return { kind: 'v1', name: name as 'manifest.json' | 'tail-a' | 'tail-b' };
  return undefined;
}

/** A staged object of the protocol, as a listing shows it. */
export interface StagedObject {
  key: string;
  name: StagingName;
  size: number;
  /** The store's Last-Modified (ms). */
  lastModified: number;
}

/** The protocol's objects in one target's folder, from a listing; serverTime is the listing's Date. */
export interface StagedFolder {
  stagingPrefix: string;
  targetKey: string;
  folder: string;
  objects: StagedObject[];
  serverTime: number;
}

/** Splits `<staging>/<target>/<name>` into target and name, if the name is ours. */
export function classifyStagingKey(stagingPrefix: string, key: string): { targetKey: string; object: Omit<StagedObject, 'size' | 'lastModified'> } | undefined {
  if (!key.startsWith(`${stagingPrefix}/`)) return undefined;
  const slash = key.lastIndexOf('/');
  const targetKey = key.slice(stagingPrefix.length + 1, slash);
  if (targetKey === '') return undefined;
  const name = parseStagingName(key.slice(slash + 1));
  return name ? { targetKey, object: { key, name } } : undefined;
}

/** A writer's manifests in a folder, newest (highest sequence) first. */
export function manifestsByWriter(objects: readonly StagedObject[]): Map<string, StagedObject[]> {
  const writers = new Map<string, StagedObject[]>();
  for (const o of objects) {
    if (o.name.kind !== 'manifest') continue;
    const list = writers.get(o.name.writerId) ?? [];
    list.push(o);
    writers.set(o.name.writerId, list);
  }
  for (const list of writers.values()) list.sort((a, b) => seq(b) - seq(a));
  return writers;
}

function seq(o: StagedObject): number {
  return o.name.kind === 'manifest' ? o.name.sequence : -1;
}

/**
 * The least time that can have passed since `then`, both on the store's clock. A Date header has whole
 * seconds, and a Last-Modified may too: a stamp of second s means any moment of [s, s + 1). So the
 * event may have happened at the very end of its second and now be the very start of this one: the
 * difference of the seconds, less one. A lease is held while this is below it — for the whole second a
 * manifest might be in — and a purge age is passed only once this reaches it.
 */
export function minimumAge(serverTime: number, then: number): number {
  return Math.max(0, Math.floor(serverTime / 1000) * 1000 - Math.floor(then / 1000) * 1000 - 1000);
}

/** The age to show a person: whole seconds between the stamps. */
export function shownAgeSeconds(serverTime: number, then: number): number {
  return Math.max(0, Math.floor(serverTime / 1000) - Math.floor(then / 1000));
}
