import { AccessDeniedError, ChecksumError, FileAlreadyExistsError, FileNotFoundError, IOError, RemoteFileChangedError } from '@hadoopfs/core';
import { NoSuchBucketError, UploadNotFoundError, withStoreFacts } from '@hadoopfs/object-store';

/** What OSS said about a failed request, on every error the OSS backend raises for one. */
export interface OssErrorFacts {
  /** OSS's error code (`NoSuchKey`, `SignatureDoesNotMatch`, …), or the client's (`RequestError`) without an answer. */
  ossCode: string | undefined;
  /** The HTTP status; undefined when no answer came (reset, refused, timed out). */
  status: number | undefined;
  /** `x-oss-request-id`: what OSS support asks for. */
  requestId: string | undefined;
}

/** The facts of an OSS failure, if `error` came from one. */
export function ossErrorFacts(error: unknown): OssErrorFacts | undefined {
  if (!(error instanceof IOError) || !('ossCode' in error)) return undefined;
  const e = error as IOError & OssErrorFacts;
  return { ossCode: e.ossCode, status: e.status, requestId: e.requestId };
}

/** What ali-oss puts on its errors. */
export interface AliOssError {
  name?: string;
  code?: string;
  status?: number;
  requestId?: string;
  message?: string;
}

// InvalidDigest and our CRC-64 mismatch: the bytes changed on the way; sent again they usually arrive intact.
const RETRYABLE_CODES = new Set(['Crc64Mismatch', 'InvalidDigest', 'SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'ResponseTimeoutError', 'ConnectionTimeoutError']);

/** Failures to reach the endpoint at all: nothing was sent, and a mistyped endpoint will not start answering. */
const UNREACHABLE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/;

/** No response at all (reset, refused, timed out): the request may or may not have been applied. */
export function isNetworkError(error: unknown): boolean {
  const e = error as AliOssError;
  return e !== null && typeof e === 'object' && (e.status === undefined || e.status <= 0) && !(error instanceof IOError);
}

/** The endpoint could not be reached (refused, unknown host): the request was certainly not applied. */
export function unreachableCode(error: unknown): string | undefined {
  if (!isNetworkError(error)) return undefined;
  return UNREACHABLE.exec((error as AliOssError).message ?? '')?.[1];
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
 * the path, the OSS code and the request id, and the fields `ossCode`, `status` and `requestId` carry
 * them for code. The ali-oss error itself is not attached (it carries the signed request, which has no
 * place in logs): `cause` is a plain Error with its name and first line only.
 */
export function translateOssError(error: unknown, operation: string, path: string, endpoint = ''): Error {
  if (error instanceof IOError) return error;
  const e = (error ?? {}) as AliOssError;
  const code = e.code ?? e.name ?? 'Unknown';
  const status = e.status !== undefined && e.status > 0 ? e.status : undefined;
  const firstLine = (e.message ?? 'no message').split('\n')[0]!;
  const cause = Object.assign(new Error(firstLine), { name: e.name ?? 'Error', code });
  const options = { path, cause };
  const unreachable = unreachableCode(error);
  let result: IOError;
  if (unreachable) {
    result = new IOError(`${operation} ${path}: cannot reach the OSS endpoint ${endpoint || '(unknown)'} (${unreachable}); check fs.oss.endpoint`, unreachable, options);
  } else {
    const detail = `${code}${status ? ` ${status}` : ''}${e.requestId ? `, request id ${e.requestId}` : ''}`;
    // ali-oss appends the request's method, URL and headers to network errors: one line is enough.
    const message = `${operation} ${path}: OSS ${detail}: ${firstLine.replace(/, (GET|PUT|POST|HEAD|DELETE) https?:\/\/.*$/, '')}`;
    switch (code) {
      case 'NoSuchKey':
        result = new FileNotFoundError(message, options);
        break;
      case 'NoSuchUpload':
        result = new UploadNotFoundError(message, options);
        break;
      case 'FileAlreadyExists':
        result = new FileAlreadyExistsError(message, options);
        break;
      case 'PreconditionFailed':
        // Only reads send conditions (If-Match with the ETag seen at open).
        result = new RemoteFileChangedError(`${message} (the object changed since it was opened)`, options);
        break;
      case 'Crc64Mismatch':
      case 'InvalidDigest':
        result = new ChecksumError(message, options);
        break;
      case 'NoSuchBucket':
        // Not "no such file": a missing bucket is a configuration error, and exists() must not answer false.
        result = new NoSuchBucketError(message, options);
        break;
      case 'AccessDenied':
      case 'SignatureDoesNotMatch':
      case 'InvalidAccessKeyId':
      case 'InvalidSecurityToken':
      case 'SecurityTokenExpired':
        result = new AccessDeniedError(message, options);
        break;
      default:
        if (status === 403) result = new AccessDeniedError(message, options);
        else result = new IOError(message, isNetworkError(error) ? (/timeout|timed out/i.test(`${code} ${firstLine}`) ? 'ETIMEDOUT' : 'ECONNRESET') : 'EIO', options);
    }
  }
  const facts: OssErrorFacts = { ossCode: code, status, requestId: e.requestId };
  return withStoreFacts(Object.assign(result, facts), { storeCode: code, status, requestId: e.requestId }, { retryable: isRetryable(error), unanswered: isNetworkError(error), unreachable });
}
