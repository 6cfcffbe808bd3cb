/** The OSS API a request calls, from its method, whether it names a bucket and key, and its query. */
export function classifyApi(method: string, bucket: string | undefined, key: string | undefined, query: Map<string, string | null>, headers: Record<string, unknown>): string {
  const has = (name: string) => query.has(name);
  if (bucket === undefined) return method === 'GET' ? 'ListBuckets' : 'Unknown';
  if (key === undefined) {
    switch (method) {
      case 'PUT':
        return 'PutBucket';
      case 'DELETE':
        return 'DeleteBucket';
      case 'HEAD':
        return 'HeadBucket';
      case 'POST':
        return has('delete') ? 'DeleteMultipleObjects' : 'Unknown';
      case 'GET':
        if (has('bucketInfo')) return 'GetBucketInfo';
        if (has('location')) return 'GetBucketLocation';
        if (has('uploads')) return 'ListMultipartUploads';
        if (query.get('list-type') === '2') return 'ListObjectsV2';
        return 'ListObjects';
      default:
        return 'Unknown';
    }
  }
  const copy = headers['x-oss-copy-source'] !== undefined;
  switch (method) {
    case 'PUT':
      if (has('partNumber') && has('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart';
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (has('append')) return 'AppendObject';
      if (has('uploads')) return 'InitiateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      return 'Unknown';
    case 'DELETE':
      return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'GET':
      if (has('uploadId')) return 'ListParts';
      if (has('objectMeta')) return 'GetObjectMeta';
      return 'GetObject';
    case 'HEAD':
      return has('objectMeta') ? 'GetObjectMeta' : 'HeadObject';
    default:
      return 'Unknown';
  }
}
