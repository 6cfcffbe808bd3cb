import { createRequire } from 'node:module';

/** The addon native/build.mjs compiles from native/crc64.c. */
export interface NativeCrc64 {
  /** Advances register[0] (the CRC's running register, not inverted) over `data`. */
  update(register: BigUint64Array, data: Uint8Array): void;
  /** Which code path the CPU allowed: 'vpclmulqdq', 'pclmul' or 'tables'. */
  kernel(): string;
  /** update() on a named path the CPU has ('tables', 'pclmul', 'vpclmulqdq'): for the tests. */
  updateWith(path: string, register: BigUint64Array, data: Uint8Array): void;
}

/** HADOOPFS_CRC64_KERNEL: unset for the fastest kernel present, or one of these to insist on one. */
export const CRC64_KERNEL_VARIABLE = 'HADOOPFS_CRC64_KERNEL';
export type Crc64KernelChoice = 'native' | 'wasm' | 'js' | undefined;

export function chosenCrc64Kernel(): Crc64KernelChoice {
  const value = process.env[CRC64_KERNEL_VARIABLE];
  if (value === undefined || value === '') return undefined;
  if (value === 'native' || value === 'wasm' || value === 'js') return value;
  throw new Error(`${CRC64_KERNEL_VARIABLE}=${JSON.stringify(value)}: expected native, wasm or js (or unset, for the fastest present)`);
}

/**
 * The native kernel if it was built (the package's install script and `pnpm build` build it where a C
 * compiler and Node's headers are), unless HADOOPFS_CRC64_KERNEL names another; undefined otherwise, and
 * the WebAssembly kernel computes the same values. Asked for by name and missing, it is an error.
 */
export const nativeCrc64: NativeCrc64 | undefined = (() => {
  const chosen = chosenCrc64Kernel();
  if (chosen === 'wasm' || chosen === 'js') return undefined;
  try {
    return createRequire(import.meta.url)('../native/build/crc64.node') as NativeCrc64;
  } catch (error) {
    if (chosen === 'native') {
      throw new Error(
        `${CRC64_KERNEL_VARIABLE}=native: the native CRC-64 kernel could not be loaded (${(error as Error).message.split('\n')[0]}); build it with node packages/core/native/build.mjs`,
      );
    }
    return undefined;
  }
})();
