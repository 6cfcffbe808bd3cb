import { expect } from 'vitest';
import { FileSystem, IOError, Path } from '@hadoopfs/core';
import { isSupported, type ContractOptionKey, type ContractOptions } from './options.js';

export interface ContractTarget {
  fs: FileSystem;
  /** An existing, empty directory the tests may fill; tests never touch anything outside it but the root tests. */
  testDirectory: Path;
}

export interface ContractSuiteConfig {
  /** Shown in the test names, e.g. "memory". */
  name: string;
  options: ContractOptions;
  /** Called before each test: a filesystem and an empty test directory. */
  setup(): Promise<ContractTarget>;
  /** Called after each test; by default the test directory is deleted recursively. */
  teardown?(target: ContractTarget): Promise<void>;
}

/** Hadoop's TEST_FILE_LEN. */
export const TEST_FILE_LEN = 1024;

/** Hadoop's ContractTestUtils.dataset: byte i is base + (i % modulo). */
export function dataset(length: number, base = 0x40, modulo = 64): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = base + (i % modulo);
  return out;
}

export class ContractContext {
  #target: ContractTarget | undefined;

  constructor(readonly config: ContractSuiteConfig) {}

  get fs(): FileSystem {
    if (!this.#target) throw new Error('contract test used outside a test');
    return this.#target.fs;
  }

  get testDirectory(): Path {
    if (!this.#target) throw new Error('contract test used outside a test');
    return this.#target.testDirectory;
  }

  set target(target: ContractTarget | undefined) {
    this.#target = target;
  }

  get target(): ContractTarget | undefined {
    return this.#target;
  }

  isSupported(key: ContractOptionKey): boolean {
    return isSupported(this.config.options, key);
  }

  path(relative: string): Path {
    return new Path(this.testDirectory, relative);
  }

  async writeFile(path: Path, data: Uint8Array | string, overwrite = true): Promise<void> {
    const out = await this.fs.create(path, { overwrite });
    await out.write(data);
    await out.close();
  }

  async touch(path: Path): Promise<void> {
    await this.writeFile(path, new Uint8Array(0));
  }

  async readFile(path: Path): Promise<Uint8Array> {
    await using input = await this.fs.open(path);
    const chunks: Uint8Array[] = [];
    for await (const chunk of input) chunks.push(chunk.slice());
    return Buffer.concat(chunks);
  }

  async mkdirs(path: Path): Promise<void> {
    expect(await this.fs.mkdirs(path)).toBe(true);
  }

  async assertPathExists(path: Path): Promise<void> {
    expect(await this.fs.exists(path), `${path.toString()} should exist`).toBe(true);
  }

  async assertPathDoesNotExist(path: Path): Promise<void> {
    expect(await this.fs.exists(path), `${path.toString()} should not exist`).toBe(false);
  }

  async assertIsDirectory(path: Path): Promise<void> {
    const status = await this.fs.getFileStatus(path);
    expect(status.isDirectory(), `${path.toString()} should be a directory`).toBe(true);
  }

  async assertIsFile(path: Path): Promise<void> {
    const status = await this.fs.getFileStatus(path);
    expect(status.isFile(), `${path.toString()} should be a file`).toBe(true);
  }

  async assertDeleted(path: Path, recursive: boolean): Promise<void> {
    await this.assertPathExists(path);
    expect(await this.fs.delete(path, recursive)).toBe(true);
    await this.assertPathDoesNotExist(path);
  }

  async assertFileHasContent(path: Path, expected: Uint8Array): Promise<void> {
    const actual = await this.readFile(path);
    expect(actual.length, `length of ${path.toString()}`).toBe(expected.length);
    expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), `content of ${path.toString()}`).toBe(0);
  }

  /**
   * Hadoop's handleRelaxedException: the operation must fail with one of `expected`; a plain IOError of
   * another class is tolerated only when the store does not declare strict exceptions.
   */
  async expectFailure(operation: Promise<unknown>, ...expected: Array<abstract new (...args: never[]) => Error>): Promise<Error> {
    let error: unknown;
    try {
      const result = await operation;
      throw new ContractViolation(`expected ${expected.map((e) => e.name).join(' or ')}, but the call returned ${String(result)}`);
    } catch (e) {
      if (e instanceof ContractViolation) throw e;
      error = e;
    }
    if (expected.some((cls) => error instanceof cls)) return error as Error;
    if (!this.isSupported('supports-strict-exceptions') && error instanceof IOError) return error;
    throw new ContractViolation(
      `expected ${expected.map((e) => e.name).join(' or ')}, got ${(error as Error)?.name}: ${(error as Error)?.message}`,
    );
  }
}

class ContractViolation extends Error {
  override name = 'ContractViolation';
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
