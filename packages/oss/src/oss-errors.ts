import { FileAlreadyExistsError, FileNotFoundError, IOError, type IOErrorOptions } from '@hadoopfs/core';

/** The bucket of an oss:// URI does not exist (code ENXIO: no such device, as a missing disk would be). */
export class NoSuchBucketError extends IOError {
  override name = 'NoSuchBucketError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ENXIO', options);
  }
}

/** What ali-oss puts on its errors. */
export interface AliOssError {
  name?: string;
  code?: string;
  status?: number;
  requestId?: string;
  message?: string;
}

const RETRYABLE_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'ResponseTimeoutError', 'ConnectionTimeoutError']);

/** No response at all (reset, refused, timed out): the request may or may not have been applied. */
export function isNetworkError(error: unknown): boolean {
  const e = error as AliOssError;
  return e !== null && typeof e === 'object' && (e.status === undefined || e.status <= 0) && !(error instanceof IOError);
}

/** Worth another attempt: the server said "later" (5xx, 429, SlowDown) or nothing at all. */
export function isRetryable(error: unknown): boolean {
  const e = error as AliOssError;
  if (isNetworkError(error)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  return typeof e.status === 'number' && (e.status >= 500 || e.status === 429);
}

/**
 * The hadoopfs error for an OSS failure: the class says what happened, the message names the operation,
 * the path, the OSS code and the request id (what OSS support asks for). The ali-oss error itself is not
 * attached: it carries the signed request, which has no place in logs.
 */
export function translateOssError(error: unknown, operation: string, path: string): Error {
  if (error instanceof IOError) return error;
  const e = (error ?? {}) as AliOssError;
  const code = e.code ?? e.name ?? 'Unknown';
  const detail = `${code}${e.status && e.status > 0 ? ` ${e.status}` : ''}${e.requestId ? `, request id ${e.requestId}` : ''}`;
  const message = `${operation} ${path}: OSS ${detail}: ${e.message ?? 'no message'}`;
  switch (code) {
    case 'NoSuchKey':
    case 'NoSuchUpload':
      return new FileNotFoundError(message, { path });
    case 'FileAlreadyExists':
      return new FileAlreadyExistsError(message, { path });
    case 'NoSuchBucket':
      // Not "no such file": a missing bucket is a configuration error, and exists() must not answer false.
      return new NoSuchBucketError(message, { path });
    case 'AccessDenied':
    case 'SignatureDoesNotMatch':
    case 'InvalidAccessKeyId':
    case 'InvalidSecurityToken':
      return new IOError(message, 'EACCES', { path });
    default:
      if (e.status === 403) return new IOError(message, 'EACCES', { path });
      return new IOError(message, isNetworkError(error) ? 'ECONNRESET' : 'EIO', { path });
  }
}
