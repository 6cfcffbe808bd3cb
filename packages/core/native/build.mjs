// Builds native/build/crc64.node from crc64.c with the machine's C compiler and Node's own headers: the
// CRC-64 kernel that folds with carry-less multiplies (see crc64.c). Run by the package's install script
// and by `pnpm build`. Optional by design: without a compiler or the headers nothing is built, this says
// so, and @hadoopfs/core computes the same CRCs with its WebAssembly kernel (crc64Kernel() tells which).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const NATIVE_CRC64_PATH = join(here, 'build', 'crc64.node');

/** Where node_api.h is: npm's nodedir, Node's own prefix, or node-gyp's cache. */
function nodeHeaders() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(dirname(process.execPath)), 'include', 'node'),
    process.config.variables?.node_prefix && join(process.config.variables.node_prefix, 'include', 'node'),
    join(homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
  ];
  return candidates.find((dir) => dir && existsSync(join(dir, 'node_api.h')));
}

/** Compiles the kernel; answers what happened (never throws: a missing compiler is not an install failure). */
export function buildNativeCrc64() {
  if (process.platform === 'win32') return { built: false, reason: 'not built on Windows (no cc)' };
  const headers = nodeHeaders();
  if (!headers) return { built: false, reason: "Node's headers (node_api.h) were not found" };
  mkdirSync(dirname(NATIVE_CRC64_PATH), { recursive: true });
  const partial = `${NATIVE_CRC64_PATH}.${process.pid}.tmp`;
  const flags = ['-O2', '-std=c11', '-Wall', '-shared', '-fPIC', ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : [])];
  const reasons = [];
  for (const compiler of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    // Without the AVX-512 path second: a compiler that does not know its target still builds the rest.
    for (const extra of [[], ['-DHADOOPFS_NO_AVX512']]) {
      const run = spawnSync(compiler, [...flags, ...extra, `-I${headers}`, '-o', partial, join(here, 'crc64.c')], { encoding: 'utf8' });
      if (run.status === 0) {
        // Renamed into place whole: a process loading the kernel never sees half a file.
        renameSync(partial, NATIVE_CRC64_PATH);
        return { built: true, compiler: `${compiler}${extra.length ? ', without AVX-512' : ''}` };
      }
      rmSync(partial, { force: true });
      if (run.error) {
        reasons.push(`${compiler}: ${run.error.message}`);
        break;
      }
      if (extra.length) reasons.push(`${compiler}: ${(run.stderr || `exit ${run.status}`).trim().split('\n').slice(0, 3).join(' ')}`);
    }
  }
  return { built: false, reason: `no C compiler built it (${reasons.join('; ')})` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = buildNativeCrc64();
  if (result.built) console.log(`@hadoopfs/core: built the native CRC-64 kernel (${result.compiler})`);
  else console.log(`@hadoopfs/core: the native CRC-64 kernel was not built: ${result.reason}; the WebAssembly kernel computes the same values, slower`);
}
