import {
  FileSystem,
  PathCapabilities,
  type Configuration,
  type FileSystemUri,
  type FSDataOutputStream,
  type Path,
  type PathLike,
  type ResolvedCreateOptions,
} from '@hadoopfs/core';
import { AliyunOssFileSystem } from '@hadoopfs/oss';
import { DurableOssOutputStream } from './durable-output-stream.js';
import { recoverFile, stagedTargets, type RecoverReport } from './recover.js';
import { readJindoSettings, stagingKeysFor, type JindoSettings } from './settings.js';

export interface RecoverAllOptions {
  /** Every staged file below the path (a folder), not only the path itself. */
  recursive?: boolean;
  dryRun?: boolean;
  /** Take over manifests refreshed within the lease. */
  force?: boolean;
  /** Files recovered at once (default 8). */
  concurrency?: number;
  /** Called after each file, for progress displays. */
  onReport?: (report: RecoverReport) => void;
}

/**
 * OSS with durable flush (JindoSDK's `fs.jfs.cache.oss.flush.enable`): with flush enabled, create()
 * returns a stream whose hflush()/hsync() put every byte written so far into the bucket, so that
 * `recover` can rebuild the file after the writer died (DESIGN §4). With flush disabled it is the plain
 * OSS backend, and its streams say so through hasCapability.
 */
export class JindoOssFileSystem extends AliyunOssFileSystem {
  #jindo!: JindoSettings;

  override async initialize(uri: FileSystemUri, conf: Configuration): Promise<void> {
    this.#jindo = readJindoSettings(conf);
    await super.initialize(uri, conf);
  }

  get jindoSettings(): JindoSettings {
    return this.#jindo;
  }

  protected override pathCapabilities(): ReadonlySet<string> {
    return this.#jindo.flushEnabled ? new Set([PathCapabilities.HFLUSH, PathCapabilities.HSYNC]) : super.pathCapabilities();
  }

  protected override newOutputStream(path: Path, options: ResolvedCreateOptions): FSDataOutputStream {
    if (!this.#jindo.flushEnabled) return super.newOutputStream(path, options);
    const key = this.keyOf(path);
    return new DurableOssOutputStream(path, this.client, {
      bucket: this.settings.bucket,
      key,
      staging: stagingKeysFor(this.#jindo.stagingPrefix, key),
      partSize: this.settings.partSize,
      activeBlocks: this.settings.activeBlocks,
      forbidOverwrite: !options.overwrite,
    });
  }

  /**
   * JindoSDK's `recover(path, isFolder)`: rebuilds the file (or every staged file below a folder) from
   * its flush manifest. True when something was recovered; a corrupt manifest or a live writer is an error.
   */
  async recover(path: PathLike, isFolder: boolean): Promise<boolean> {
    const reports = await this.recoverAll(path, { recursive: isFolder });
    const failed = reports.find((r) => r.error);
    if (failed) throw failed.error;
    return reports.some((r) => r.state === 'recovered');
  }

  /** recover with a report per file: state found, action taken, bytes recovered, the error if any. */
  async recoverAll(path: PathLike, options: RecoverAllOptions = {}): Promise<RecoverReport[]> {
    const qualified = this.makeQualified(path);
    const key = this.keyOf(qualified);
    const targets: string[] = [];
    if (options.recursive) {
      for await (const target of stagedTargets(this.client, this.#jindo.stagingPrefix, key === '' ? '' : `${key}/`, this.settings.pagingMaximum)) targets.push(target);
    } else {
      targets.push(key);
    }
    const reports: RecoverReport[] = new Array(targets.length);
    const concurrency = Math.max(1, options.concurrency ?? 8);
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const i = next++;
        const report = await recoverFile(this.client, this.#jindo.stagingPrefix, targets[i]!, {
          leaseMs: this.#jindo.leaseMs,
          ...(options.force ? { force: true } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
        }).catch((error: unknown) => ({
          path: `oss://${this.settings.bucket}/${targets[i]!}`,
          state: 'failed' as const,
          recoveredBytes: 0,
          action: 'stopped by an error',
          error: error as Error,
        }));
        reports[i] = report;
        options.onReport?.(report);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
    return reports;
  }
}

/** oss:// now means JindoOssFileSystem (as `fs.oss.impl` pointing at it would). */
export function registerJindoOssFileSystem(): void {
  FileSystem.register(AliyunOssFileSystem.SCHEME, JindoOssFileSystem);
}
