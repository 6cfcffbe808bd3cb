// The TypeScript consumer: type-checked strict under NodeNext and Bundler resolution against the installed
// declarations only. Nothing here may widen to any.
import { AbortError, Configuration, FileSystem, Path, type FileStatus, type IOStatistics, type RequestEvent } from '@hadoopfs/core';
import { runContractSuite, OBJECT_STORE_OPTIONS, type ContractOptions } from '@hadoopfs/contract';
import { MemoryFileSystem } from '@hadoopfs/memory';
import { JindoOssFileSystem, type RecoverReport } from '@hadoopfs/jindo';
import { AliyunOssFileSystem } from '@hadoopfs/oss';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';
import { HdfsEventSink, parseSinkConfig } from '@hadoopfs/flume';
import { runHadoopfs } from '@hadoopfs/shell';

export async function typed(): Promise<void> {
  const fs: MemoryFileSystem = await MemoryFileSystem.newInstance('mem://t/', new Configuration({ loadDefaults: false }));
  const statuses: FileStatus[] = await fs.listStatus(new Path('/'), { signal: AbortSignal.timeout(1000), filter: (p: Path) => p.getName() !== 'x' });
  const cancelled: boolean = (await fs.readFile('/a', { signal: new AbortController().signal }).catch((e: unknown) => e)) instanceof AbortError;
  fs.addRequestListener((e: RequestEvent) => void (e.bytesSent ?? e.bytesReceived));
  const stats: IOStatistics = fs.getIOStatistics();
  const jindo: JindoOssFileSystem = await JindoOssFileSystem.get('oss://b/');
  const reports: RecoverReport[] = await jindo.recoverAll('/', { recursive: true });
  const oss: AliyunOssFileSystem = jindo;
  const server: RunningOssServer = await startOssServer({ credentials: [], buckets: [] });
  const options: ContractOptions = OBJECT_STORE_OPTIONS;
  const code: number = await runHadoopfs(['fs', '-ls', '/']);
  const sink: HdfsEventSink = new HdfsEventSink(parseSinkConfig(new Map()).config, { conf: new Configuration() });
  void [statuses, cancelled, stats, reports, oss, server, options, code, sink, runContractSuite, FileSystem];
}
