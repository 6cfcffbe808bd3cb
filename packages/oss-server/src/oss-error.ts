/** An error answered to the client the way OSS answers it: status, code, message, request id in XML. */
export class OssError extends Error {
  override name = 'OssError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra elements for the XML body (e.g. StringToSign for SignatureDoesNotMatch). */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const Errors = {
  accessDenied: (message = 'You have no right to access this object.') => new OssError(403, 'AccessDenied', message),
  invalidAccessKeyId: () => new OssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.'),
  signatureDoesNotMatch: (stringToSign: string) =>
    new OssError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      StringToSign: stringToSign,
    }),
  requestTimeTooSkewed: () =>
    new OssError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'),
  invalidBucketName: (name: string) => new OssError(400, 'InvalidBucketName', `The specified bucket is not valid: ${name}`),
  invalidObjectName: (message: string) => new OssError(400, 'InvalidObjectName', message),
  noSuchBucket: (bucket: string) => new OssError(404, 'NoSuchBucket', `The specified bucket does not exist: ${bucket}`),
  noSuchKey: () => new OssError(404, 'NoSuchKey', 'The specified key does not exist.'),
  noSuchUpload: () =>
    new OssError(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'),
  bucketAlreadyExists: () => new OssError(409, 'BucketAlreadyExists', 'The requested bucket name is not available.'),
  bucketNotEmpty: (what = 'objects') => new OssError(409, 'BucketNotEmpty', `The bucket you tried to delete is not empty (it holds ${what}).`),
  fileAlreadyExists: () => new OssError(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.'),
  positionNotEqualToLength: () => new OssError(409, 'PositionNotEqualToLength', 'Position is not equal to file length'),
  objectNotAppendable: () => new OssError(409, 'ObjectNotAppendable', 'The object is not appendable'),
  invalidArgument: (message: string) => new OssError(400, 'InvalidArgument', message),
  invalidDigest: () => new OssError(400, 'InvalidDigest', 'The Content-MD5 you specified did not match what we received.'),
  malformedXml: (message = 'The XML you provided was not well-formed or did not validate against our published schema.') =>
    new OssError(400, 'MalformedXML', message),
  preconditionFailed: (condition: string) => new OssError(412, 'PreconditionFailed', `At least one of the pre-conditions you specified did not hold (${condition}).`),
  invalidRange: () => new OssError(416, 'InvalidRange', 'The requested range cannot be satisfied'),
  entityTooSmall: () => new OssError(400, 'EntityTooSmall', 'Your proposed upload smaller than the minimum allowed size.'),
  entityTooLarge: () => new OssError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.'),
  invalidPart: () =>
    new OssError(400, 'InvalidPart', 'One or more of the specified parts could not be found or the specified entity tag might not have matched the part\'s entity tag.'),
  invalidPartOrder: () => new OssError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.'),
  incompleteBody: () => new OssError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'),
  missingContentLength: () => new OssError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
  methodNotAllowed: () => new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.'),
  notImplemented: (what: string) => new OssError(501, 'NotImplemented', `${what} is not implemented by this server.`),
  internalError: (message = 'We encountered an internal error. Please try again.') => new OssError(500, 'InternalError', message),
};
