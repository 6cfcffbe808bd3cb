import { Readable, Writable } from 'node:stream';
import type { ShellIo } from '@hadoopfs/shell';

export interface Captured extends ShellIo {
  text(): string;
  errors(): string;
}

/** A ShellIo that keeps what a command printed (text and raw bytes, in order of the calls of each kind). */
export function capture(stdin?: string): Captured {
  let out = '';
  let err = '';
  const raw: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _e, callback) {
      raw.push(Buffer.from(chunk));
      callback();
    },
  });
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stdout,
    ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}),
    isTTY: false,
    text: () => out + Buffer.concat(raw).toString(),
    errors: () => err,
  };
}

