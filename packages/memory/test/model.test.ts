import fc from 'fast-check';
import { propertyRun } from '../../../test/fixtures/property-run.js';
import { describe, expect, it } from 'vitest';
import { FileSystem, Path } from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';

/**
 * The memory backend against a model of the tree small enough to be obviously right: random sequences of
 * create / append / mkdirs / delete / rename must give the same results, the same error classes and the
 * same tree as the model.
 */
type Node = { kind: 'dir' } | { kind: 'file'; data: string };
type Outcome = { ok: unknown } | { error: string };

class TreeModel {
  readonly nodes = new Map<string, Node>([['/', { kind: 'dir' }]]);

  private parentOf(p: string): string {
    const i = p.lastIndexOf('/');
    return i <= 0 ? '/' : p.slice(0, i);
  }

  private ancestors(p: string): string[] {
    const out: string[] = [];
    for (let q = this.parentOf(p); ; q = this.parentOf(q)) {
      out.unshift(q);
      if (q === '/') return out;
    }
  }

  /** What stat says: a node, or nothing (also when an ancestor is a file). */
  stat(p: string): Node | undefined {
    if (this.ancestors(p).some((a) => this.nodes.get(a)?.kind === 'file')) return undefined;
    return this.nodes.get(p);
  }

  private under(p: string): string[] {
    return [...this.nodes.keys()].filter((k) => k === p || k.startsWith(p === '/' ? '/' : `${p}/`));
  }

  create(p: string, data: string, overwrite: boolean): Outcome {
    if (this.ancestors(p).some((a) => this.nodes.get(a)?.kind === 'file')) return { error: 'ParentNotDirectoryError' };
    const existing = this.nodes.get(p);
    if (existing?.kind === 'dir' || (existing && !overwrite)) return { error: 'FileAlreadyExistsError' };
    for (const a of this.ancestors(p)) this.nodes.set(a, { kind: 'dir' });
    this.nodes.set(p, { kind: 'file', data });
    return { ok: true };
  }

  append(p: string, data: string): Outcome {
    const node = this.stat(p);
    if (!node) return { error: 'FileNotFoundError' };
    if (node.kind === 'dir') return { error: 'PathIsDirectoryError' };
    node.data += data;
    return { ok: true };
  }

  mkdirs(p: string): Outcome {
    if (this.ancestors(p).some((a) => this.nodes.get(a)?.kind === 'file')) return { error: 'ParentNotDirectoryError' };
    if (this.nodes.get(p)?.kind === 'file') return { error: 'FileAlreadyExistsError' };
    for (const a of [...this.ancestors(p), p]) this.nodes.set(a, { kind: 'dir' });
    return { ok: true };
  }

  delete(p: string, recursive: boolean): Outcome {
    const node = this.stat(p);
    if (!node) return { ok: false };
    const subtree = this.under(p);
    if (node.kind === 'dir' && subtree.length > 1 && !recursive) return { error: 'PathIsNotEmptyDirectoryError' };
    for (const k of subtree) this.nodes.delete(k);
    return { ok: true };
  }

  /** HDFS's rename (mem://'s default profile, hdfs.xml): false, changing nothing, where HDFS refuses. */
  rename(src: string, dst: string): Outcome {
    const source = this.stat(src);
    if (!source) return { ok: false };
    if (src === dst) return { ok: true };
    if (dst.startsWith(`${src}/`)) return { error: 'InvalidPathError' };
    let target = dst;
    const existing = this.stat(dst);
    if (existing?.kind === 'dir') {
      target = `${dst === '/' ? '' : dst}/${src.slice(src.lastIndexOf('/') + 1)}`;
      if (target === src) return { ok: true };
      if (this.stat(target)) return { ok: false };
    } else if (existing) {
      return { ok: false };
    } else {
      const parent = this.stat(this.parentOf(dst));
      if (!parent || parent.kind === 'file') return { ok: false };
    }
    for (const k of this.under(src)) {
      const node = this.nodes.get(k)!;
      this.nodes.delete(k);
      this.nodes.set(target + k.slice(src.length), node);
    }
    return { ok: true };
  }
}

const name = fc.constantFrom('a', 'b', 'c');
const pathArb = fc.array(name, { minLength: 1, maxLength: 3 }).map((els) => '/' + els.join('/'));
const dataArb = fc.string({ maxLength: 6 });

type Op =
  | { op: 'create'; path: string; data: string; overwrite: boolean }
  | { op: 'append'; path: string; data: string }
  | { op: 'mkdirs'; path: string }
  | { op: 'delete'; path: string; recursive: boolean }
  | { op: 'rename'; src: string; dst: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), path: pathArb, data: dataArb, overwrite: fc.boolean() }),
  fc.record({ op: fc.constant('append' as const), path: pathArb, data: dataArb }),
  fc.record({ op: fc.constant('mkdirs' as const), path: pathArb }),
  fc.record({ op: fc.constant('delete' as const), path: pathArb, recursive: fc.boolean() }),
  fc.record({ op: fc.constant('rename' as const), src: pathArb, dst: pathArb }),
);

async function outcome(action: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await action() };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

async function apply(fs: FileSystem, op: Op): Promise<Outcome> {
  switch (op.op) {
    case 'create':
      return outcome(async () => {
        const out = await fs.create(op.path, { overwrite: op.overwrite });
        await out.write(op.data);
        await out.close();
        return true;
      });
    case 'append':
      return outcome(async () => {
        const out = await fs.append(op.path);
        await out.write(op.data);
        await out.close();
        return true;
      });
    case 'mkdirs':
      return outcome(() => fs.mkdirs(op.path));
    case 'delete':
      return outcome(() => fs.delete(op.path, op.recursive));
    case 'rename':
      return outcome(() => fs.rename(op.src, op.dst));
  }
}

async function snapshot(fs: FileSystem): Promise<Map<string, Node>> {
  const out = new Map<string, Node>([['/', { kind: 'dir' }]]);
  const walk = async (dir: Path): Promise<void> => {
    for (const status of await fs.listStatus(dir)) {
      if (status.isDirectory()) {
        out.set(status.path.path, { kind: 'dir' });
        await walk(status.path);
      } else {
        await using input = await fs.open(status.path);
        const chunks: Uint8Array[] = [];
        for await (const chunk of input) chunks.push(chunk.slice());
        out.set(status.path.path, { kind: 'file', data: Buffer.concat(chunks).toString() });
        expect(status.length).toBe(Buffer.concat(chunks).length);
      }
    }
  };
  await walk(fs.makeQualified('/'));
  return out;
}

const sorted = (m: Map<string, Node>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

describe('memory backend against a tree model', () => {
  it('property: random operation sequences agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const fs = new MemoryFileSystem();
        await fs.initialize({ scheme: 'mem', authority: 'model' }, new (await import('@hadoopfs/core')).Configuration({ loadDefaults: false }));
        const model = new TreeModel();
        for (const op of ops) {
          const expected =
            op.op === 'create'
              ? model.create(op.path, op.data, op.overwrite)
              : op.op === 'append'
                ? model.append(op.path, op.data)
                : op.op === 'mkdirs'
                  ? model.mkdirs(op.path)
                  : op.op === 'delete'
                    ? model.delete(op.path, op.recursive)
                    : model.rename(op.src, op.dst);
          expect(await apply(fs, op), JSON.stringify(op)).toEqual(expected);
        }
        expect(sorted(await snapshot(fs))).toEqual(sorted(model.nodes));
        await fs.close();
      }),
      propertyRun('memory-model', { runs: 200, longRuns: 2000 }).parameters,
    );
  });
});
