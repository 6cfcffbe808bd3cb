/**
 * Hadoop's FileChecksum: an algorithm name, and bytes that are equal for equal file contents under that
 * algorithm. hadoopfs's one algorithm is the CRC-64/ECMA-182 of the whole file — what OSS keeps for every
 * object (x-oss-hash-crc64ecma) — so that a file on mem://, file:// and oss:// compares equal to itself
 * anywhere, and OSS answers without reading a byte.
 */
export class FileChecksum {
  static readonly CRC64: string = 'COMPOSITE-CRC64ECMA';

  constructor(
    readonly algorithmName: string,
    /** Big-endian. */
    readonly bytes: Uint8Array,
  ) {}

  static ofCrc64(value: bigint): FileChecksum {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value));
    return new FileChecksum(FileChecksum.CRC64, bytes);
  }

  /** Hadoop's getLength(): the size of the checksum bytes. */
  get length(): number {
    return this.bytes.length;
  }

  /** The bytes in hex, as `hadoop fs -checksum` prints them. */
  toHex(): string {
    return Array.from(this.bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  equals(other: unknown): boolean {
    return other instanceof FileChecksum && other.algorithmName === this.algorithmName && other.toHex() === this.toHex();
  }

  toString(): string {
    return `${this.algorithmName}:${this.toHex()}`;
  }
}
