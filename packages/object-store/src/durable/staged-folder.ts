import type { StoreClient } from '../store/store-client.js';
import { decodeManifest, type DecodedManifest } from './manifest.js';
import { classifyStagingKey, dataKeyFor, MAX_WRITER_PART, parseStagingName, stagingFolderFor, type StagedFolder, type StagedObject } from './staging.js';

/** The protocol's objects in one target's folder (a LIST with delimiter: deeper folders are other targets'). */
export async function listStagedFolder(client: StoreClient, stagingPrefix: string, targetKey: string): Promise<StagedFolder> {
  const folder = stagingFolderFor(stagingPrefix, targetKey);
  const objects: StagedObject[] = [];
  let token: string | undefined;
  let serverTime: number | undefined;
  do {
    const page = await client.list(folder, { delimiter: '/', token, maxKeys: 1000 });
    serverTime ??= page.serverTime;
    token = page.nextToken;
    for (const o of page.objects) {
      const name = parseStagingName(o.key.slice(folder.length));
      if (name) objects.push({ key: o.key, name, size: o.size, lastModified: o.lastModified });
    }
  } while (token);
  return { stagingPrefix, targetKey, folder, objects, serverTime: serverTime ?? Date.now() };
}

/**
 * Every target with protocol objects under `<staging>/<targetPrefix>`, from one flat, paged listing; each
 * folder comes with what the listing showed, so that recover needs no listing of its own to start.
 */
export async function stagedFolders(client: StoreClient, stagingPrefix: string, targetPrefix: string, pageSize: number): Promise<StagedFolder[]> {
  const folders = new Map<string, StagedFolder>();
  let token: string | undefined;
  do {
    const page = await client.list(`${stagingPrefix}/${targetPrefix}`, { token, maxKeys: pageSize });
    token = page.nextToken;
    for (const o of page.objects) {
      const found = classifyStagingKey(stagingPrefix, o.key);
      if (!found) continue;
      let folder = folders.get(found.targetKey);
      if (!folder) {
        folder = { stagingPrefix, targetKey: found.targetKey, folder: stagingFolderFor(stagingPrefix, found.targetKey), objects: [], serverTime: page.serverTime };
        folders.set(found.targetKey, folder);
      }
      folder.objects.push({ ...found.object, size: o.size, lastModified: o.lastModified });
    }
  } while (token);
  return [...folders.values()];
}

/** A v2 manifest of the folder, decoded and checked against its name; undefined if it is gone. */
export async function readManifest(client: StoreClient, folder: { targetKey: string; folder: string }, object: StagedObject): Promise<DecodedManifest | undefined> {
  if (object.name.kind !== 'manifest') throw new Error('not a manifest');
  const bytes = await client.getBytes(object.key);
  if (!bytes) return undefined;
  return decodeManifest(bytes, client.display(object.key), {
    bucket: client.bucket,
    target: folder.targetKey,
    writerId: object.name.writerId,
    sequence: object.name.sequence,
    minPartSize: client.capabilities.minPartSize,
    dataKey: dataKeyFor(folder.folder, object.name.writerId),
    maxPart: MAX_WRITER_PART,
  });
}

