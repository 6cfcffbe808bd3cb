import { AccessDeniedError, ChecksumError, FileAlreadyExistsError, FileNotFoundError, IOError, RemoteFileChangedError } from '@hadoopfs/core';
import { NoSuchBucketError, UploadNotFoundError, withStoreFacts } from '@hadoopfs/object-store';

/** What the AWS SDK puts on its errors: a service's answer ($metadata) or a network failure (code). */
interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** Requests about an upload: their 404 means the upload is gone, whatever the code (radosgw answers NoSuchKey). */
const UPLOAD_APIS = new Set(['UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts']);
/** Writes that were create-only: their 412 means the object exists. */
const CREATE_APIS = new Set(['PutObject', 'CompleteMultipartUpload', 'CopyObject']);

const STATUS_NAMES: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 412: 'PreconditionFailed', 416: 'InvalidRange', 500: 'InternalError', 503: 'ServiceUnavailable' };
const RETRYABLE_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'RequestTimeTooSkewed', 'BadDigest', 'InvalidDigest', 'TimeoutError']);
const UNREACHABLE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/;
const NETWORK_CODES = /\b(ECONNRESET|EPIPE|ETIMEDOUT|ECONNABORTED|socket hang up|TimeoutError|RequestTimeout)\b/i;

/**
 * The hadoopfs error for a failed S3 request: the class says what happened, the message names the
 * operation, the path, the S3 code and the request id, and the store facts (`storeCode`, `status`,
 * `requestId`) carry them for code. The SDK's error is not attached: `cause` is a plain Error with its
 * name and first line only (no request, no credentials).
 */
export function translateS3Error(error: unknown, api: string, path: string, endpoint: string, createOnly: boolean): Error {
  if (error instanceof IOError) return error;
  const e = (error ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const answered = status !== undefined && status > 0;
  // A HEAD's answer has no body, so no code: the status names it.
  const nameless = !e.name || e.name === 'Unknown' || e.name === 'UnknownError';
  const code = answered ? (nameless ? (STATUS_NAMES[status!] ?? `HTTP${status}`) : e.name!) : (e.code ?? e.name ?? 'Unknown');
  const firstLine = nameless && answered ? 'the answer carried no error body' : (e.message ?? 'no message').split('\n')[0]!;
  const cause = Object.assign(new Error(firstLine), { name: e.name ?? 'Error', code });
  const options = { path, cause };
  const unreachable = answered ? undefined : UNREACHABLE.exec(`${e.code ?? ''} ${firstLine}`)?.[1];
  const requestId = e.$metadata?.requestId;
  let result: IOError;
  if (unreachable) {
    result = new IOError(`${api} ${path}: cannot reach the S3 endpoint ${endpoint || '(AWS)'} (${unreachable}); check fs.s3a.endpoint`, unreachable, options);
  } else {
    const message = `${api} ${path}: S3 ${code}${answered ? ` ${status}` : ''}${requestId ? `, request id ${requestId}` : ''}: ${firstLine}`;
    if (status === 404 && UPLOAD_APIS.has(api)) result = new UploadNotFoundError(message, options);
    else if (code === 'NoSuchBucket') result = new NoSuchBucketError(message, options);
    else if (status === 404 || code === 'NoSuchKey' || code === 'NotFound') result = new FileNotFoundError(message, options);
    else if (status === 412 && createOnly && CREATE_APIS.has(api)) result = new FileAlreadyExistsError(message, options);
    else if (status === 412) result = new RemoteFileChangedError(`${message} (the object changed since it was opened)`, options);
    else if (code === 'BadDigest' || code === 'InvalidDigest') result = new ChecksumError(message, options);
    else if (status === 403 || code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'ExpiredToken') result = new AccessDeniedError(message, options);
    else result = new IOError(message, answered ? 'EIO' : /timeout|timed out/i.test(`${code} ${firstLine}`) ? 'ETIMEDOUT' : 'ECONNRESET', options);
  }
  const retryable = !answered || RETRYABLE_CODES.has(code) || (status !== undefined && (status >= 500 || status === 429)) || NETWORK_CODES.test(code);
  return withStoreFacts(result, { storeCode: code, status: answered ? status : undefined, requestId }, { retryable, unanswered: !answered, unreachable });
}
