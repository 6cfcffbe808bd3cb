export { Path, type PathUri } from './path.js';
export {
  Configuration,
  MAX_SUBSTITUTION_DEPTH,
  isSensitiveKey,
  parseBytes,
  parseDuration,
  redactedValue,
  type ConfigurationOptions,
  type ConfigurationResource,
  type TimeUnit,
} from './configuration.js';
export {
  FileSystem,
  PathCapabilities,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_BUFFER_SIZE,
  HDFS_RENAME_RULES,
  POSIX_RENAME_RULES,
  STRICT_RENAME_RULES,
  type RenameRules,
  type CreateOptions,
  type FileSystemUri,
  type OpenOptions,
  type PathLike,
  type ResolvedCreateOptions,
  type ListOptions,
  type SignalOptions,
} from './file-system.js';
export { abortErrorFor, abortIn, currentSignal, pause, runCancellable, throwIfAborted, withoutSignal } from './cancellation.js';
export {
  CLEAR_TEXT_FALLBACK,
  CREDENTIAL_PROVIDER_PATH,
  registerCredentialProvider,
  UserCredentials,
  type CredentialProvider,
  type CredentialProviderFactory,
} from './credential-providers.js';
export type { FileSystemClass, FileSystemFactory, FileSystemProvider } from './registry.js';
export {
  FSDataOutputStreamBuilder,
  FutureDataInputStreamBuilder,
  OpenFileOptions,
  READ_POLICIES,
  type BuiltCreateOptions,
  type ResolvedOpenOptions,
} from './builders.js';
export { ContentSummary, FileStatus, FsPermission, LocatedFileStatus, type BlockLocation, type ContentSummaryInit, type FileStatusInit, type FsStatus } from './file-status.js';
export { FSDataOutputStream, StreamCapabilities, type StreamCallOptions } from './output-stream.js';
export { FSDataInputStream, DEFAULT_READ_BUFFER, type FileRange } from './input-stream.js';
export { expandBraces, globElementToRegExp, hasGlob, type PathFilter } from './glob.js';
export type { CreateArguments, Progressable } from './java-arguments.js';
export { IOUtils, type ByteSink, type ByteSource } from './io/io-utils.js';
export {
  AbortError,
  AccessDeniedError,
  AlreadyBeingCreatedError,
  ChecksumError,
  ClosedError,
  ConfigurationError,
  EOFError,
  IllegalArgumentError,
  FileAlreadyExistsError,
  FileNotFoundError,
  IOError,
  InvalidPathError,
  LeaseExpiredError,
  ParentNotDirectoryError,
  PathIsDirectoryError,
  PathIsNotEmptyDirectoryError,
  RemoteFileChangedError,
  UnsupportedOperationError,
  type IOErrorOptions,
} from './errors.js';
export { FileChecksum } from './file-checksum.js';
export {
  IOStatisticsStore,
  ioStatisticsToPrettyString,
  ioStatisticsToString,
  MeanStatistic,
  retrieveIOStatistics,
  snapshotIOStatistics,
  type IOStatistics,
  type IOStatisticsJson,
  type IOStatisticsSource,
} from './statistics/io-statistics.js';
export { StoreStatisticNames, StreamStatisticNames } from './statistics/statistic-names.js';
export { RequestListeners, type RequestEvent, type RequestListener } from './request-events.js';
export { copy, copyStream, type CopyOptions } from './copy.js';
export { COPYING_SUFFIX, type WholeWriteOptions } from './whole-write.js';
export { statOrUndefined } from './stat-or-undefined.js';
export { Trash, TRASH_CHECKPOINT_INTERVAL_KEY, TRASH_INTERVAL_KEY } from './trash.js';
export { Crc64, Crc64Js, crc64, crc64Combine, crc64Concat, crc64Kernel } from './crc64.js';
export { Crc64Offload, crc64Offloaded } from './crc64-offload.js';
export { PosixFileSystem } from './posix/posix-file-system.js';
export type { FsFileHandle, FsPromisesApi, FsStats } from './posix/fs-api.js';
export { translateErrno, errnoOf } from './posix/errno.js';
export { isProcessRunning } from './process.js';
export { currentUserName } from './user.js';
export { runBounded } from './bounded.js';
export {
  compressionCodecFor,
  DEFAULT_CODEC,
  DEFLATE_CODEC,
  GZIP_CODEC,
  type CompressionCodec,
} from './io/compression-codecs.js';
export {
  BYTES_WRITABLE,
  bytesWritable,
  LONG_WRITABLE,
  longWritable,
  readSequenceFile,
  SEQUENCE_FILE_BLOCK_SIZE,
  SEQUENCE_FILE_SYNC_INTERVAL,
  SEQUENCE_FILE_VERSION,
  SequenceFileFormatError,
  SequenceFileWriter,
  TEXT,
  textWritable,
  writableVLong,
  writeVLong,
  type SequenceFileCompression,
  type SequenceFileContents,
  type SequenceFileRecord,
  type SequenceFileWriterOptions,
} from './io/sequence-file.js';
