export { HdfsEventSink, type HdfsSinkOptions, type ProcessResult, type SinkMetrics } from './hdfs-sink.js';
export { BucketWriter, type BucketWriterEvents } from './bucket-writer.js';
export { MemoryChannel, ChannelError, type ChannelTransaction } from './memory-channel.js';
export { parseSinkConfig, FlumeConfigurationError, type HdfsSinkConfig, type FileType, type SerializerKind } from './sink-config.js';
export { escapeString, needsTimestamp, roundDown, staticPrefix, MissingTimestampError, type EscapeOptions, type RoundUnit } from './escapes.js';
export { loadProperties, subContext, names } from './properties.js';
export { serialize } from './serializers.js';
export { textEvent, type FlumeEvent } from './event.js';
export { CallTimeoutError, withTimeout } from './timeouts.js';
