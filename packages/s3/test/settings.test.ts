import { describe, expect, it } from 'vitest';
import { Configuration } from '@hadoopfs/core';
import { readS3aSettings } from '@hadoopfs/s3';

// S3A's keys read as S3A reads them: per-bucket settings over the general ones, secrets never enumerable.

const conf = (entries: Record<string, string>) => {
  const c = new Configuration({ loadDefaults: false });
  for (const [k, v] of Object.entries(entries)) c.set(k, v);
  return c;
};

describe('s3a:// settings', () => {
  it('takes fs.s3a.bucket.NAME.* over the general keys, for that bucket only', () => {
    const c = conf({ 'fs.s3a.multipart.size': '16m', 'fs.s3a.bucket.special.multipart.size': '32m', 'fs.s3a.bucket.special.endpoint': 'http://127.0.0.1:1' });
    expect([readS3aSettings('special', c).partSize, readS3aSettings('special', c).endpoint]).toEqual([32 * 1024 * 1024, 'http://127.0.0.1:1']);
    expect([readS3aSettings('other', c).partSize, readS3aSettings('other', c).endpoint]).toEqual([16 * 1024 * 1024, undefined]);
  });

  it('keeps the secret and the session token out of enumerable properties, and refuses half a key pair naming the missing key', () => {
    const settings = readS3aSettings('b-1', conf({ 'fs.s3a.access.key': 'AKID', 'fs.s3a.secret.key': 'the-secret', 'fs.s3a.session.token': 'the-token' }));
    expect(settings.credentials?.secretAccessKey).toBe('the-secret');
    expect(JSON.stringify(settings)).not.toMatch(/the-secret|the-token/);
    expect(() => readS3aSettings('b-1', conf({ 'fs.s3a.access.key': 'AKID' }))).toThrow(/fs\.s3a\.secret\.key is missing/);
    expect(() => readS3aSettings('b-1', conf({ 'fs.s3a.multipart.size': '1m' }))).toThrow(/fs\.s3a\.multipart\.size must be between 5m and 5g/);
  });
});
