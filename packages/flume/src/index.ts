// The sink reaches stores by URI, as Flume's HDFS sink does through Hadoop's FileSystem: the backends an
// agent writes to are registered here, as the agent's classpath would hold them (oss:// with durable flush).
import '@hadoopfs/jindo';
import '@hadoopfs/s3';
import '@hadoopfs/local';
import '@hadoopfs/memory';

export { HdfsEventSink, type HdfsSinkOptions, type ProcessResult, type SinkMetrics } from './hdfs-sink.js';
export { BucketWriter, type BucketWriterEvents } from './bucket-writer.js';
export { ChannelError, TakeQueue, type Channel, type ChannelTransaction } from './channel.js';
export { MemoryChannel } from './memory-channel.js';
export { FileChannel, type FileChannelOptions } from './file-channel.js';
export { parseSinkConfig, FlumeConfigurationError, type HdfsSinkConfig, type FileType, type SerializerKind } from './sink-config.js';
export { escapeString, needsTimestamp, roundDown, staticPrefix, MissingTimestampError, type EscapeOptions, type RoundUnit } from './escapes.js';
export { loadProperties, subContext, names } from './properties.js';
export { serialize } from './serializers.js';
export { textEvent, type FlumeEvent, type LineBatch } from './event.js';
export { CallTimeoutError, withTimeout } from './timeouts.js';
export { Agent, type AgentMetrics, type AgentOptions } from './agent.js';
export { HttpSource, StdinSource, TailSource, timestampInterceptor, type Interceptor, type Source } from './sources.js';
export { FlumeSequenceFile, type SequenceFileWriteFormat } from './sequence-file.js';
