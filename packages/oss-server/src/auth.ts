import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Errors, OssError } from './oss-error.js';

export interface Credential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, requests with this key must carry it as `x-oss-security-token` (STS). */
  securityToken?: string;
}

/** What authentication needs to know of a request, with the bucket and key already worked out. */
export interface SignedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** Decoded query parameters, in the order received; a parameter without '=' has value null. */
  query: Array<[string, string | null]>;
  bucket: string | undefined;
  key: string | undefined;
}

/** Query parameters that are part of the V1 string to sign (OSS's list of sub-resources). */
const V1_SUBRESOURCES = new Set([
  'acl', 'append', 'asyncFetch', 'bucketInfo', 'callback', 'callback-var', 'cleanRestoredObject', 'cloudboxes', 'cname',
  'comp', 'continuation-token', 'cors', 'delete', 'encryption', 'endTime', 'img', 'inventory', 'inventoryId', 'lifecycle',
  'live', 'location', 'logging', 'objectInfo', 'objectMeta', 'partNumber', 'policy', 'position', 'qos', 'referer',
  'regionList', 'replication', 'replicationLocation', 'replicationProgress', 'requestPayment', 'resourceGroup', 'restore',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires', 'security-token', 'sequential', 'startTime', 'stat', 'status', 'style',
  'styleName', 'symlink', 'tagging', 'transferAcceleration', 'udf', 'udfApplication', 'udfApplicationLog', 'udfId',
  'udfImage', 'udfImageDesc', 'udfName', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'vod', 'website',
  'worm', 'wormExtend', 'wormId', 'x-oss-process', 'x-oss-traffic-limit',
]);

export const DEFAULT_REGION = 'cn-hangzhou';

/** How far a request's time may be from ours (OSS: 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

function header(req: SignedRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Checks a request's signature; returns the access key id, or throws the OSS error for the failure. */
/** What V4 signatures are checked against: the region this server stands for (OSS's scope is region/oss). */
export interface AuthenticationOptions {
  /** The region a V4 scope must name (default cn-hangzhou, as `oss-cn-hangzhou`). */
  region?: string;
}

export function authenticate(req: SignedRequest, credentials: ReadonlyMap<string, Credential>, now = Date.now(), options: AuthenticationOptions = {}): string {
  const authorization = header(req, 'authorization');
  if (authorization?.startsWith('OSS4-HMAC-SHA256 ')) return verifyV4(req, authorization, credentials, now, options.region ?? DEFAULT_REGION);
  if (authorization?.startsWith('OSS ')) return verifyV1Header(req, authorization, credentials, now);
  if (req.query.some(([k]) => k === 'OSSAccessKeyId')) return verifyV1Presigned(req, credentials, now);
  if (req.query.some(([k, v]) => k === 'x-oss-signature-version' && v === 'OSS4-HMAC-SHA256')) return verifyV4Presigned(req, credentials, now, options.region ?? DEFAULT_REGION);
  if (authorization) throw Errors.invalidArgument('Authorization header is invalid.');
  throw Errors.accessDenied('You have no right to access this object because of bucket acl.');
}

function credentialFor(credentials: ReadonlyMap<string, Credential>, accessKeyId: string, req: SignedRequest): Credential {
  const credential = credentials.get(accessKeyId);
  if (!credential) throw Errors.invalidAccessKeyId();
  if (credential.securityToken !== undefined) {
    const token = header(req, 'x-oss-security-token') ?? req.query.find(([k]) => k === 'security-token' || k === 'x-oss-security-token')?.[1] ?? undefined;
    if (token !== credential.securityToken) throw new OssError(403, 'InvalidSecurityToken', 'The security token you provided is invalid.');
  }
  return credential;
}

function checkSkew(timestamp: number, now: number): void {
  if (!Number.isFinite(timestamp)) throw Errors.accessDenied('The request has no valid Date or x-oss-date header.');
  if (Math.abs(now - timestamp) > MAX_CLOCK_SKEW_MS) throw Errors.requestTimeTooSkewed();
}

/** Strings compared in constant time (signatures, the admin token). */
export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---- V1 -----------------------------------------------------------------------------------------

function v1Resource(req: SignedRequest): string {
  let resource = '/';
  if (req.bucket !== undefined) resource += `${req.bucket}/`;
  if (req.key !== undefined) resource += req.key;
  const sub = req.query.filter(([k]) => V1_SUBRESOURCES.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (sub.length > 0) resource += '?' + sub.map(([k, v]) => (v === null || v === '' ? k : `${k}=${v}`)).join('&');
  return resource;
}

export function v1StringToSign(req: SignedRequest, dateOrExpires: string): string {
  const ossHeaders = Object.entries(req.headers)
    .filter(([k]) => k.startsWith('x-oss-'))
    .map(([k, v]) => [k, (Array.isArray(v) ? v.join(',') : (v ?? '')).trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}`);
  return [req.method, header(req, 'content-md5') ?? '', header(req, 'content-type') ?? '', dateOrExpires, ...ossHeaders, v1Resource(req)].join('\n');
}

function verifyV1Header(req: SignedRequest, authorization: string, credentials: ReadonlyMap<string, Credential>, now: number): string {
  const match = /^OSS ([^:]+):(.+)$/.exec(authorization);
  if (!match) throw Errors.invalidArgument('Authorization header is invalid.');
  const [, accessKeyId, signature] = match as unknown as [string, string, string];
  const credential = credentialFor(credentials, accessKeyId, req);
  const ossDate = header(req, 'x-oss-date');
  const date = header(req, 'date');
  checkSkew(Date.parse(ossDate ?? date ?? ''), now);
  // Like OSS, the Date slot is signed as the Date header; clients that only send x-oss-date sign that value there.
  const stringToSign = v1StringToSign(req, date ?? ossDate ?? '');
  const expected = createHmac('sha1', credential.accessKeySecret).update(stringToSign, 'utf8').digest('base64');
  if (!sameSignature(expected, signature)) throw Errors.signatureDoesNotMatch(stringToSign);
  return accessKeyId;
}

function verifyV1Presigned(req: SignedRequest, credentials: ReadonlyMap<string, Credential>, now: number): string {
  const get = (k: string) => req.query.find(([name]) => name === k)?.[1] ?? undefined;
  const accessKeyId = get('OSSAccessKeyId') ?? '';
  const expires = get('Expires') ?? '';
  const signature = get('Signature') ?? '';
  const credential = credentialFor(credentials, accessKeyId, req);
  const expiresAt = Number(expires) * 1000;
  if (!Number.isFinite(expiresAt)) throw Errors.invalidArgument('Expires must be a number of seconds since the epoch.');
  if (expiresAt < now) throw Errors.accessDenied('Request has expired.');
  const stringToSign = v1StringToSign(req, expires);
  const expected = createHmac('sha1', credential.accessKeySecret).update(stringToSign, 'utf8').digest('base64');
  if (!sameSignature(expected, signature)) throw Errors.signatureDoesNotMatch(stringToSign);
  return accessKeyId;
}

// ---- V4 -----------------------------------------------------------------------------------------

/** encodeURIComponent plus the characters OSS also escapes. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function v4CanonicalRequest(req: SignedRequest, additionalHeaders: string[], emptyValueWithEquals = false): string {
  const uri = uriEncode(`/${req.bucket !== undefined ? `${req.bucket}/` : ''}${req.key ?? ''}`).replace(/%2F/g, '/');
  const query = [...req.query]
    .map(([k, v]) => [uriEncode(k), v === null ? null : uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === null || (v === '' && !emptyValueWithEquals) ? k : `${k}=${v}`))
    .join('&');
  const signed = new Set(additionalHeaders);
  for (const name of Object.keys(req.headers)) {
    if (name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-')) signed.add(name);
  }
  const canonicalHeaders = [...signed]
    .sort()
    .map((name) => `${name}:${(header(req, name) ?? '').trim()}\n`)
    .join('');
  return [
    req.method,
    uri,
    query,
    canonicalHeaders,
    additionalHeaders.join(';'),
    header(req, 'x-oss-content-sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
}

function verifyV4(req: SignedRequest, authorization: string, credentials: ReadonlyMap<string, Credential>, now: number, serverRegion: string): string {
  const fields = new Map<string, string>();
  for (const part of authorization.slice('OSS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credentialField = fields.get('Credential');
  const signature = fields.get('Signature');
  if (!credentialField || !signature) throw Errors.invalidArgument('Authorization header is invalid: Credential and Signature are required.');
  const ossDate = header(req, 'x-oss-date') ?? '';
  return verifyV4Signature(req, { credentialField, signature, ossDate, additional: fields.get('AdditionalHeaders') ?? '' }, credentials, now, serverRegion);
}

/**
 * A presigned V4 URL (`x-oss-signature-version=OSS4-HMAC-SHA256`): the same scope and signature, carried
 * in the query (`x-oss-credential`, `x-oss-date`, `x-oss-expires`, `x-oss-signature`), signed over every
 * other query parameter and UNSIGNED-PAYLOAD, valid until x-oss-date + x-oss-expires (at most 7 days).
 */
function verifyV4Presigned(req: SignedRequest, credentials: ReadonlyMap<string, Credential>, now: number, serverRegion: string): string {
  const get = (k: string) => req.query.find(([name]) => name === k)?.[1] ?? undefined;
  const credentialField = get('x-oss-credential') ?? '';
  const signature = get('x-oss-signature') ?? '';
  const ossDate = get('x-oss-date') ?? '';
  const expires = Number(get('x-oss-expires'));
  if (!credentialField || !signature) throw Errors.invalidArgument('a presigned V4 URL needs x-oss-credential and x-oss-signature');
  if (!Number.isInteger(expires) || expires < 1 || expires > 7 * 24 * 3600) throw Errors.invalidArgument('x-oss-expires must be 1 to 604800 seconds');
  const signedAt = v4Date(ossDate);
  if (signedAt + expires * 1000 < now) throw Errors.accessDenied('Request has expired.');
  const unsigned: SignedRequest = { ...req, query: req.query.filter(([k]) => k !== 'x-oss-signature') };
  return verifyV4Signature(unsigned, { credentialField, signature, ossDate, additional: get('x-oss-additional-headers') ?? '', presigned: true }, credentials, now, serverRegion);
}

function v4Date(ossDate: string): number {
  const parsed = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(ossDate);
  if (!parsed) throw Errors.accessDenied('V4 requests need an x-oss-date like 20261126T080000Z.');
  const [, y, mo, d, h, mi, s] = parsed;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

function verifyV4Signature(
  req: SignedRequest,
  given: { credentialField: string; signature: string; ossDate: string; additional: string; presigned?: boolean },
  credentials: ReadonlyMap<string, Credential>,
  now: number,
  serverRegion: string,
): string {
  const { credentialField, signature, ossDate } = given;
  const [accessKeyId, scopeDate, region, product, terminator] = credentialField.split('/');
  if (!accessKeyId || !scopeDate || !region || !product || terminator !== 'aliyun_v4_request') {
    throw Errors.invalidArgument(`invalid credential scope: ${credentialField.replace(/^[^/]*/, '<access key id>')}`);
  }
  // The scope is checked as OSS checks it: this product, this region, the request's own date.
  if (product !== 'oss') throw Errors.invalidArgument(`the credential scope names the product "${product}"; it must be oss`);
  if (region !== serverRegion) throw new OssError(403, 'SignatureDoesNotMatch', `the credential scope names the region ${region}; this endpoint is ${serverRegion}`);
  const credential = credentialFor(credentials, accessKeyId, req);
  const signedAt = v4Date(ossDate);
  // A presigned URL is bounded by its own expiry instead of the clock skew.
  if (!given.presigned) checkSkew(signedAt, now);
  if (!ossDate.startsWith(scopeDate)) throw Errors.invalidArgument('the credential scope date does not match x-oss-date');
  const additional = given.additional.split(';').filter((h) => h !== '');
  const signingKey = [scopeDate, region, product, 'aliyun_v4_request'].reduce<Buffer>(
    (key, part) => createHmac('sha256', key).update(part).digest(),
    Buffer.from(`aliyun_v4${credential.accessKeySecret}`),
  );
  const sign = (canonical: string) => {
    const stringToSign = ['OSS4-HMAC-SHA256', ossDate, `${scopeDate}/${region}/${product}/aliyun_v4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
    return { stringToSign, signature: createHmac('sha256', signingKey).update(stringToSign).digest('hex') };
  };
  const strict = sign(v4CanonicalRequest(req, additional));
  if (sameSignature(strict.signature, signature)) return accessKeyId;
  // A parameter sent as "k=" may have been signed as "k=" (ali-oss does this for empty query values).
  if (req.query.some(([, v]) => v === '')) {
    const lenient = sign(v4CanonicalRequest(req, additional, true));
    if (sameSignature(lenient.signature, signature)) return accessKeyId;
  }
  throw Errors.signatureDoesNotMatch(strict.stringToSign);
}
