import { Volume } from 'memfs';
import { FileSystem, PosixFileSystem, type FsPromisesApi, type Path } from '@hadoopfs/core';

export interface MemoryFileSystemOptions {
  /** An existing memfs volume to serve; by default each instance starts with an empty one. */
  volume?: Volume;
}

/**
 * `mem://authority/…` on a memfs volume. The volume lives as long as this instance: FileSystem.get shares
 * it through the cache, FileSystem.newInstance starts empty, which is what an isolated test wants.
 * hflush and hsync are honest here: written bytes are in the volume, visible to every reader, at once.
 */
export class MemoryFileSystem extends PosixFileSystem {
  static readonly SCHEME = 'mem';
  readonly volume: Volume;

  constructor(options: MemoryFileSystemOptions = {}) {
    super();
    this.volume = options.volume ?? new Volume();
    if (!options.volume) this.volume.mkdirSync('/', { recursive: true });
  }

  protected fsApi(): FsPromisesApi {
    return this.volume.promises as unknown as FsPromisesApi;
  }

  protected nativePath(path: Path): string {
    return path.path;
  }
}

/** Makes `mem://` resolvable through FileSystem.get; importing this package does it once. */
export function registerMemoryFileSystem(): void {
  FileSystem.register(MemoryFileSystem.SCHEME, MemoryFileSystem);
}
