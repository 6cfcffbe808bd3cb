import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Configuration } from './configuration.js';
import { ConfigurationError, UnsupportedOperationError } from './errors.js';
import type { FileSystem, FileSystemUri } from './file-system.js';

/** A FileSystem subclass constructed with `new` and then `initialize(uri, conf)`, as Hadoop does. */
export type FileSystemClass = new () => FileSystem;
/** Or a function that builds an initialised FileSystem. */
export type FileSystemFactory = (uri: FileSystemUri, conf: Configuration) => FileSystem | Promise<FileSystem>;
export type FileSystemProvider = FileSystemClass | FileSystemFactory;

// The two pieces of process-wide state hadoopfs keeps (DESIGN §7); both can be reset by tests.
const providers = new Map<string, FileSystemProvider>();
const cache = new Map<string, Promise<FileSystem>>();
const owners = new WeakMap<FileSystem, string>();

export function registerScheme(scheme: string, provider: FileSystemProvider): void {
  providers.set(scheme.toLowerCase(), provider);
}

export function unregisterScheme(scheme: string): boolean {
  return providers.delete(scheme.toLowerCase());
}

export function registeredSchemes(): string[] {
  return [...providers.keys()].sort();
}

function isClass(provider: FileSystemProvider): provider is FileSystemClass {
  const proto = (provider as { prototype?: { initialize?: unknown } }).prototype;
  return typeof proto?.initialize === 'function';
}

async function providerFromConfiguration(scheme: string, conf: Configuration): Promise<FileSystemProvider | undefined> {
  const key = `fs.${scheme}.impl`;
  const spec = conf.getTrimmed(key);
  if (spec === undefined) return undefined;
  const hash = spec.lastIndexOf('#');
  const moduleName = hash > 0 ? spec.slice(0, hash) : spec;
  const exportName = hash > 0 ? spec.slice(hash + 1) : undefined;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(resolveModule(moduleName))) as Record<string, unknown>;
  } catch (cause) {
    throw new ConfigurationError(`${key}: cannot load module "${moduleName}": ${(cause as Error).message}`, {
      key,
      cause,
    });
  }
  const picked = exportName !== undefined ? mod[exportName] : (mod['default'] ?? soleFileSystemExport(mod));
  if (typeof picked !== 'function') {
    throw new ConfigurationError(
      `${key}: module "${moduleName}" has no ${exportName ? `export "${exportName}"` : 'default export'} that is a FileSystem class or factory`,
      { key },
    );
  }
  return picked as FileSystemProvider;
}

function soleFileSystemExport(mod: Record<string, unknown>): unknown {
  const classes = Object.values(mod).filter((v) => typeof v === 'function' && isClass(v as FileSystemProvider));
  return classes.length === 1 ? classes[0] : undefined;
}

/** Module specifiers in configuration are resolved from the application (cwd), not from this package. */
function resolveModule(spec: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return pathToFileURL(resolve(spec)).href;
  try {
    return pathToFileURL(createRequire(join(process.cwd(), 'package.json')).resolve(spec)).href;
  } catch {
    return spec;
  }
}

export async function instantiate(uri: FileSystemUri, conf: Configuration): Promise<FileSystem> {
  const provider = (await providerFromConfiguration(uri.scheme, conf)) ?? providers.get(uri.scheme);
  if (!provider) {
    const known = registeredSchemes();
    throw new UnsupportedOperationError(
      `no FileSystem for scheme "${uri.scheme}" (registered: ${known.length ? known.join(', ') : 'none'}; import its package or set fs.${uri.scheme}.impl)`,
    );
  }
  if (isClass(provider)) {
    const fs = new provider();
    await fs.initialize(uri, conf);
    return fs;
  }
  return provider(uri, conf);
}

export function cacheKey(uri: FileSystemUri): string {
  return `${uri.scheme}://${uri.authority.toLowerCase()}`;
}

export function cachedInstance(uri: FileSystemUri, conf: Configuration): Promise<FileSystem> {
  if (conf.getBoolean(`fs.${uri.scheme}.impl.disable.cache`, false)) return instantiate(uri, conf);
  const key = cacheKey(uri);
  let entry = cache.get(key);
  if (!entry) {
    const created = instantiate(uri, conf);
    entry = created;
    cache.set(key, created);
    created.then(
      (fs) => owners.set(fs, key),
      // A failed construction must not poison the cache for the next caller.
      () => {
        if (cache.get(key) === created) cache.delete(key);
      },
    );
  }
  return entry;
}

/** Called by FileSystem.close(): a closed instance leaves the cache at once. */
export function forgetCached(fs: FileSystem): void {
  const key = owners.get(fs);
  if (key === undefined) return;
  owners.delete(fs);
  cache.delete(key);
}

export async function closeAllCached(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  const results = await Promise.allSettled(entries.map(async (e) => (await e).close()));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** Empties the cache without closing anything (tests). */
export function clearCache(): void {
  cache.clear();
}
