import { isIP } from 'node:net';
import { Errors } from './oss-error.js';

export interface AddressingOptions {
  /** Host names whose first label is a bucket (`bucket.<name>`), besides `*.localhost` and OSS's own `oss-*.aliyuncs.com`. */
  virtualHostDomains?: string[];
  /** CNAME host → bucket, for clients configured with `cname: true`. */
  cnames?: Record<string, string>;
}

export interface Address {
  bucket: string | undefined;
  key: string | undefined;
  style: 'virtual-host' | 'path' | 'cname';
}

const OSS_DOMAIN = /^oss-[a-z0-9-]+(\.[a-z0-9-]+)*\.aliyuncs\.com$/;

/**
 * Bucket and key from the Host header and the decoded path, the way OSS resolves them: a bucket as the
 * first label of a known domain (virtual-host), a CNAME bound to a bucket, or else the first path element
 * (path-style, as with an IP endpoint or `sldEnable`).
 */
export function resolveAddress(hostHeader: string | undefined, rawPath: string, options: AddressingOptions): Address {
  const host = (hostHeader ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  const path = decodePath(rawPath);
  const cname = options.cnames?.[host];
  if (cname) return { bucket: cname, key: nonEmpty(path.slice(1)), style: 'cname' };
  if (host !== '' && isIP(host) === 0) {
    const dot = host.indexOf('.');
    if (dot > 0) {
      const rest = host.slice(dot + 1);
      if (rest === 'localhost' || OSS_DOMAIN.test(rest) || options.virtualHostDomains?.includes(rest)) {
        return { bucket: host.slice(0, dot), key: nonEmpty(path.slice(1)), style: 'virtual-host' };
      }
    }
  }
  const slash = path.indexOf('/', 1);
  if (path === '/' || path === '') return { bucket: undefined, key: undefined, style: 'path' };
  if (slash < 0) return { bucket: path.slice(1), key: undefined, style: 'path' };
  return { bucket: path.slice(1, slash), key: nonEmpty(path.slice(slash + 1)), style: 'path' };
}

function nonEmpty(key: string): string | undefined {
  return key === '' ? undefined : key;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw Errors.invalidObjectName('the request path is not valid percent-encoded UTF-8');
  }
}

/** Bucket names: 3–63 characters of lower-case letters, digits and '-', starting and ending with a letter or digit. */
export function checkBucketName(name: string): void {
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) throw Errors.invalidBucketName(name);
}

/** Keys: 1–1023 bytes of UTF-8, not starting with '/' or '\', no control characters but tab. */
export function checkObjectKey(key: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes < 1 || bytes > 1023) throw Errors.invalidObjectName(`object names must be 1 to 1023 bytes of UTF-8, got ${bytes}`);
  if (key.startsWith('/') || key.startsWith('\\')) throw Errors.invalidObjectName('object names must not start with "/" or "\\"');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f]/.test(key)) throw Errors.invalidObjectName('object names must not contain control characters');
}

/** Query parameters decoded, in order; `k` without '=' has value null. */
export function parseQuery(search: string): Array<[string, string | null]> {
  if (search === '') return [];
  const out: Array<[string, string | null]> = [];
  for (const part of search.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    try {
      if (eq < 0) out.push([decodeURIComponent(part), null]);
      else out.push([decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))]);
    } catch {
      throw Errors.invalidArgument(`query parameter is not valid percent-encoding: ${part.slice(0, 64)}`);
    }
  }
  return out;
}
