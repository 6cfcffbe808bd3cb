import { PathCapabilities, type FileSystem, type PathLike } from '@hadoopfs/core';
import { ObjectStoreFileSystem } from '../fs/object-store-file-system.js';
import type { DurableFlushRecovery } from './recover-report.js';

/**
 * `fs` as a recovery of durable flush — it can rebuild what a dead writer flushed — or undefined; with
 * `enabledAt`, only where durable flush is enabled there (its path capability). What an ingester (Flume's
 * sink) or the shell asks, instead of a backend's class. (the shell's recover asks without `enabledAt`:
 * an operator recovers whatever the writers' configuration was.)
 */
export async function durableFlushRecoveryOf(fs: FileSystem, enabledAt?: PathLike): Promise<DurableFlushRecovery | undefined> {
  const recovery = fs as FileSystem & Partial<DurableFlushRecovery>;
  if (typeof recovery.recoverAll !== 'function') return undefined;
  // An object-store backend without durable-flush settings has recoverAll, and refuses it.
  if (fs instanceof ObjectStoreFileSystem && fs.durableFlushSettings === undefined) return undefined;
  if (enabledAt !== undefined && !(await fs.hasPathCapability(enabledAt, PathCapabilities.DURABLE_FLUSH))) return undefined;
  return { recoverAll: (path, options) => recovery.recoverAll!(path, options) };
}
