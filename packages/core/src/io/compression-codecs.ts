import { promisify } from 'node:util';
import { deflate, deflateSync, gunzipSync, gzip, gzipSync, inflateSync } from 'node:zlib';

/**
 * The Hadoop compression codecs that Node's zlib can speak, under their Hadoop class names (written into
 * SequenceFile headers) and default extensions. DefaultCodec and DeflateCodec are the zlib format (a
 * 2-byte header, deflate, Adler-32), GzipCodec the gzip format; all at zlib's default level, as Hadoop's
 * ZlibCompressor. Each `compress` call is one complete stream (Hadoop's resetState() … finish()).
 */
export interface CompressionCodec {
  /** The class name Hadoop writes and looks up: org.apache.hadoop.io.compress.GzipCodec. */
  readonly className: string;
  /** CompressionCodec.getDefaultExtension(): `.gz`, `.deflate`. */
  readonly extension: string;
  /** Off the event loop (libuv's pool). */
  compress(data: Uint8Array): Promise<Buffer>;
  compressSync(data: Uint8Array): Buffer;
  /** One complete stream; gzip also takes concatenated members. */
  decompressSync(data: Uint8Array): Buffer;
}

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);

function zlibCodec(className: string): CompressionCodec {
  return {
    className,
    extension: '.deflate',
    compress: (data) => deflateAsync(data),
    compressSync: (data) => deflateSync(data),
    decompressSync: (data) => inflateSync(data),
  };
}

export const GZIP_CODEC: CompressionCodec = {
  className: 'org.apache.hadoop.io.compress.GzipCodec',
  extension: '.gz',
  compress: (data) => gzipAsync(data),
  compressSync: (data) => gzipSync(data),
  decompressSync: (data) => gunzipSync(data),
};
export const DEFAULT_CODEC: CompressionCodec = zlibCodec('org.apache.hadoop.io.compress.DefaultCodec');
export const DEFLATE_CODEC: CompressionCodec = zlibCodec('org.apache.hadoop.io.compress.DeflateCodec');

const CODECS = [GZIP_CODEC, DEFAULT_CODEC, DEFLATE_CODEC];
/** Hadoop codecs that exist but that this library cannot run (no pure-JS implementation here). */
const KNOWN_ELSEWHERE = ['BZip2Codec', 'SnappyCodec', 'Lz4Codec', 'ZStandardCodec', 'LzoCodec', 'LzopCodec', 'PassthroughCodec'];

/**
 * A codec by Hadoop's class name, or by the names Flume's hdfs.codeC and CompressionCodecFactory accept:
 * the simple class name or it without "Codec", in any case (gzip, GzipCodec, deflate, default).
 * Undefined when the name is no codec at all; throws naming the codec when it is one this library lacks.
 */
export function compressionCodecFor(name: string): CompressionCodec | undefined {
  const wanted = name.trim().toLowerCase();
  for (const codec of CODECS) {
    const simple = codec.className.slice(codec.className.lastIndexOf('.') + 1).toLowerCase();
    if (codec.className.toLowerCase() === wanted || simple === wanted || simple === `${wanted}codec`) return codec;
  }
  const missing = KNOWN_ELSEWHERE.find((simple) => {
    const s = simple.toLowerCase();
    return s === wanted || s === `${wanted}codec` || `org.apache.hadoop.io.compress.${s}` === wanted;
  });
  if (missing) throw new RangeError(`compression codec ${missing} is not available here (gzip, deflate and default are)`);
  return undefined;
}
