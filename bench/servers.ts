import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Credentials and bucket every benchmark server is started with. */
export const BENCH = { id: 'bench', secret: 'bench-secret', bucket: 'bench', adminToken: 'bench-admin-token' } as const;
export const OSS_SERVER_CLI = fileURLToPath(new URL('../packages/oss-server/dist/cli.js', import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  endpoint: string;
}

/** Starts `node <args>` and resolves with the endpoint the server prints on its first line. */
export async function spawnServer(args: string[]): Promise<ChildServer> {
  // A profiled bench (node --cpu-prof --cpu-prof-dir=D) profiles its servers too, into the same folder.
  const profiling = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
  const child = spawn(process.execPath, [...profiling, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`server ${args[0]} exited with ${code}`)));
  });
  return { child, endpoint };
}

/** The OSS-protocol server (built CLI) with memory storage, or disk storage under `dataDir`. */
export function spawnOssServer(dataDir?: string): Promise<ChildServer> {
  return spawnServer([
    OSS_SERVER_CLI,
    ...(dataDir ? ['--data', dataDir] : ['--memory']),
    '--access-key-id',
    BENCH.id,
    '--access-key-secret',
    BENCH.secret,
    '--bucket',
    BENCH.bucket,
    '--admin-token',
    BENCH.adminToken,
  ]);
}
