import type { Configuration } from './configuration.js';
import { FileSystem, type PathLike } from './file-system.js';
import { InvalidPathError, IOError } from './errors.js';
import { Path } from './path.js';

/** Hadoop's keys: minutes a deleted path is kept (0: no trash), and minutes between checkpoints. */
export const TRASH_INTERVAL_KEY = 'fs.trash.interval';
export const TRASH_CHECKPOINT_INTERVAL_KEY = 'fs.trash.checkpoint.interval';
const CURRENT = 'Current';
/** TrashPolicyDefault's checkpoint names: yyMMddHHmmss (UTC here). */
const CHECKPOINT = /^\d{12}$/;

/**
 * Hadoop's Trash with TrashPolicyDefault: with fs.trash.interval > 0, moveToTrash renames a path to
 * `<trash root>/Current/<its absolute path>` (a name taken gets a timestamp suffix); checkpoint() renames
 * Current to a yyMMddHHmmss folder; expunge() deletes checkpoints older than the interval. The trash root
 * is the filesystem's getTrashRoot() (`<home>/.Trash`).
 */
export class Trash {
  readonly #fs: FileSystem;
  readonly #intervalMs: number;

  /** `conf` (Java's Trash(fs, conf)) gives fs.trash.interval; by default the filesystem's own configuration. */
  constructor(fs: FileSystem, conf: Configuration = fs.getConf()) {
    this.#fs = fs;
    const minutes = Number(conf.get(TRASH_INTERVAL_KEY, '0'));
    this.#intervalMs = Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : 0;
  }

  /**
   * Hadoop's Trash.moveToAppropriateTrash(fs, p, conf): moves `path` to the trash of the filesystem that
   * holds it (`path` qualified by `fs`; a path of another scheme or bucket goes to that filesystem's
   * trash), with fs.trash.interval from `conf`. False when the trash is off there.
   */
  static async moveToAppropriateTrash(fs: FileSystem, path: PathLike, conf: Configuration): Promise<boolean> {
    const given = path instanceof Path ? path : new Path(path);
    const root = fs.makeQualified('/');
    const qualified = given.scheme === undefined ? fs.makeQualified(given) : given;
    const owner = qualified.scheme === root.scheme && qualified.authority === root.authority ? fs : await FileSystem.get(qualified, conf);
    return new Trash(owner, conf).moveToTrash(qualified);
  }

  isEnabled(): boolean {
    return this.#intervalMs > 0;
  }

  currentTrashDir(path: PathLike = '/'): Path {
    return this.#fs.getTrashRoot(path).child(CURRENT);
  }

  /** Moves `path` into the trash; false when the trash is off. Returns where it went through `onMoved`. */
  async moveToTrash(path: PathLike, onMoved?: (to: Path) => void): Promise<boolean> {
    if (!this.isEnabled()) return false;
    const source = this.#fs.makeQualified(path);
    if (source.isRoot()) throw new InvalidPathError(`cannot move the root directory to the trash`, { path: source.toString() });
    const root = this.#fs.getTrashRoot(source);
    if (root.equals(source) || root.contains(source)) return false; // already in the trash: Hadoop deletes nothing either
    const current = root.child(CURRENT);
    let target = new Path(current, source.path.slice(1));
    await this.#fs.mkdirs(target.getParent()!);
    if (await this.#fs.exists(target)) target = target.suffix(String(Date.now()));
    if (!(await this.#fs.rename(source, target))) {
      throw new IOError(`could not move ${source.toString()} to the trash (${target.toString()}): rename refused`, 'EIO', { path: source.toString() });
    }
    onMoved?.(target);
    return true;
  }

  /** Current becomes a checkpoint named for now. */
  async checkpoint(): Promise<void> {
    const current = this.currentTrashDir();
    if (!(await this.#fs.exists(current))) return;
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(2, 14);
    await this.#fs.rename(current, new Path(current.getParent()!, stamp));
  }

  /** Deletes the checkpoints older than the interval (every one with `immediate`); returns how many. */
  async expunge(immediate = false): Promise<number> {
    const root = this.#fs.getTrashRoot('/');
    if (!(await this.#fs.exists(root))) return 0;
    let deleted = 0;
    for (const status of await this.#fs.listStatus(root)) {
      const name = status.path.getName();
      if (!CHECKPOINT.test(name)) continue;
      const at = Date.UTC(2000 + Number(name.slice(0, 2)), Number(name.slice(2, 4)) - 1, Number(name.slice(4, 6)), Number(name.slice(6, 8)), Number(name.slice(8, 10)), Number(name.slice(10, 12)));
      if (immediate || Date.now() - at >= this.#intervalMs) {
        await this.#fs.delete(status.path, true);
        deleted++;
      }
    }
    return deleted;
  }
}
