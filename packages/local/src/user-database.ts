import { readFile } from 'node:fs/promises';

/**
 * Names for user and group ids, from the system's databases (/etc/passwd, /etc/group), so that file://
 * shows owners as Hadoop's RawLocalFileSystem does (by name) and setOwner takes names. Where the files
 * are absent (Windows, a minimal container) ids stay numbers.
 */
export class UserDatabase {
  readonly #users: Map<number, string>;
  readonly #groups: Map<number, string>;

  private constructor(users: Map<number, string>, groups: Map<number, string>) {
    this.#users = users;
    this.#groups = groups;
  }

  static async load(passwd = '/etc/passwd', group = '/etc/group'): Promise<UserDatabase> {
    return new UserDatabase(await readIds(passwd), await readIds(group));
  }

  static empty(): UserDatabase {
    return new UserDatabase(new Map(), new Map());
  }

  userName(uid: number): string {
    return this.#users.get(uid) ?? String(uid);
  }

  groupName(gid: number): string {
    return this.#groups.get(gid) ?? String(gid);
  }

  /** The id of a name (or a number as it is); undefined if the database has no such name. */
  idOf(kind: 'user' | 'group', name: string): number | undefined {
    if (/^\d+$/.test(name)) return Number(name);
    for (const [id, known] of kind === 'user' ? this.#users : this.#groups) if (known === name) return id;
    return undefined;
  }
}

/** `name:x:id:…` lines; the first name for an id wins, as getpwuid(3) answers. */
async function readIds(file: string): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return ids;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (!name || name.startsWith('#') || id === undefined || !/^\d+$/.test(id)) continue;
    if (!ids.has(Number(id))) ids.set(Number(id), name);
  }
  return ids;
}
