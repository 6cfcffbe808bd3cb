import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';
import { BYTES_WRITABLE, pause, readSequenceFile, TEXT } from '@hadoopfs/core';
import { parseOptions, PathError, UsageError, type ShellCommand, type ShellContext } from '../command.js';
import { hexBytes } from '../formats.js';
import type { PathItem } from '../path-items.js';
import { forEachItem, mustExist } from '../shell.js';

function fileItem(item: PathItem): void {
  mustExist(item);
  if (item.status.isDirectory()) throw new PathError(item.display, 'Is a directory');
}

async function copyOut(ctx: ShellContext, item: PathItem): Promise<void> {
  await using input = await item.fs.open(item.path);
  await pipeline(input.toReadable(), ctx.io.stdout, { end: false });
}

/** Bytes [start, start + length) of the file, to stdout. */
async function rangeOut(ctx: ShellContext, item: PathItem, start: number, length: number): Promise<void> {
  await using input = await item.fs.open(item.path);
  const bytes = Buffer.allocUnsafe(length);
  await input.readFully(start, bytes);
  await new Promise<void>((resolve, reject) => ctx.io.stdout.write(bytes, (error) => (error ? reject(error) : resolve())));
}

export const cat: ShellCommand = {
  name: 'cat',
  usage: '[-ignoreCrc] <src> ...',
  description: 'Fetch all files that match the file pattern <src> and display their content on stdout.',
  async run(words, ctx) {
    const { args } = parseOptions(words, { flags: ['ignoreCrc'], min: 1 });
    await forEachItem(args, ctx, async (item) => {
      fileItem(item);
      await copyOut(ctx, item);
    });
  },
};

const ONE_KB = 1024;

export const head: ShellCommand = {
  name: 'head',
  usage: '<file>',
  description: 'Show the first 1KB of the file.',
  async run(words, ctx) {
    const { args } = parseOptions(words, { min: 1, max: 1 });
    await forEachItem(args, ctx, async (item) => {
      fileItem(item);
      if (item.status!.length > 0) await rangeOut(ctx, item, 0, Math.min(ONE_KB, item.status!.length));
    });
  },
};

export const tail: ShellCommand = {
  name: 'tail',
  usage: '[-f] [-s <sleep interval>] <file>',
  description: `Show the last 1KB of the file.
-f: Shows appended data as the file grows.
-s: With -f , defines the sleep interval between iterations in milliseconds.
(On an object store a file grows only when it is replaced or closed: -f shows it then.)`,
  async run(words, ctx) {
    const { flags, values, args } = parseOptions(words, { flags: ['f'], values: ['s'], min: 1, max: 1 });
    let followDelay = 5000;
    const sleep = values.get('s');
    if (sleep !== undefined && sleep !== '') {
      if (!/^-?\d+$/.test(sleep)) throw new UsageError(`-s: ${sleep} is not a number of milliseconds`);
      if (Number(sleep) > 0) followDelay = Number(sleep);
    }
    const item = await ctx.item(args[0]!);
    fileItem(item);
    let offset = await tailFrom(ctx, item, -ONE_KB);
    // Tail's follow loop: until the process is stopped (or its reader goes away).
    while (flags.has('f')) {
      await pause(followDelay, 'tail -f');
      offset = await tailFrom(ctx, item, offset);
    }
  },
};

/** Tail's dumpFromOffset: from `offset` (negative: from the end) to the end as it is now; the new offset. */
async function tailFrom(ctx: ShellContext, item: PathItem, offset: number): Promise<number> {
  const length = (await item.fs.getFileStatus(item.path)).length;
  if (offset > length) return length;
  const start = offset < 0 ? Math.max(length + offset, 0) : offset;
  if (length > start) await rangeOut(ctx, item, start, length - start);
  return length;
}

/** A Writable as Hadoop's toString() prints it. */
function writableText(className: string, value: bigint | Buffer): string {
  if (typeof value === 'bigint') return value.toString();
  if (className === TEXT) return value.toString('utf8');
  if (className === BYTES_WRITABLE) return hexBytes(value);
  // A class this reader does not decode: its serialised bytes (Hadoop would need the class itself).
  return hexBytes(value);
}

export const text: ShellCommand = {
  name: 'text',
  usage: '[-ignoreCrc] <src> ...',
  description: `Takes a source file and outputs the file in text format.
The allowed formats are zip (gzip), deflate and SequenceFile (key and value, a tab between, a line each).`,
  async run(words, ctx) {
    const { args } = parseOptions(words, { flags: ['ignoreCrc'], min: 1 });
    await forEachItem(args, ctx, async (item) => {
      fileItem(item);
      await using input = await item.fs.open(item.path);
      const magic = new Uint8Array(Math.min(3, item.status!.length));
      if (magic.length > 0) await input.readFully(0, magic);
      if (magic[0] === 0x1f && magic[1] === 0x8b) {
        await pipeline(input.toReadable(), createGunzip(), ctx.io.stdout, { end: false });
      } else if (magic.length === 3 && Buffer.from(magic).toString('latin1') === 'SEQ') {
        // The whole file is read, then printed: the reader is not a stream (yet).
        const chunks: Buffer[] = [];
        for await (const chunk of input.toReadable()) chunks.push(Buffer.from(chunk as Uint8Array));
        const contents = readSequenceFile(Buffer.concat(chunks));
        for (const { key, value } of contents.records) {
          ctx.io.out(`${writableText(contents.keyClass, key)}\t${writableText(contents.valueClass, value)}\n`);
        }
      } else if (item.path.getName().endsWith('.deflate')) {
        await pipeline(input.toReadable(), createInflate(), ctx.io.stdout, { end: false });
      } else {
        await pipeline(input.toReadable(), ctx.io.stdout, { end: false });
      }
    });
  },
};

export const checksum: ShellCommand = {
  name: 'checksum',
  usage: '[-v] <src> ...',
  description: `Dump checksum information for files that match the file pattern <src> to stdout: the path, the
algorithm (COMPOSITE-CRC64ECMA, equal for equal contents on every scheme; OSS answers from its stored
CRC-64 without reading) and the checksum in hex, a tab between.
-v  displays the block size for the file.`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['v'], min: 1 });
    await forEachItem(args, ctx, async (item) => {
      fileItem(item);
      const sum = await item.fs.getFileChecksum(item.path);
      const blockSize = flags.has('v') ? `\tBlockSize=${item.status!.blockSize}` : '';
      ctx.io.out(`${item.display}${blockSize}\t${sum.algorithmName}\t${sum.toHex()}\n`);
    });
  },
};
