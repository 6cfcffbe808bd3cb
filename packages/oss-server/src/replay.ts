import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * What the 'late' and 'duplicate' faults need: a request read in full, so that it can be applied again
 * after its own connection is gone, and a response that goes nowhere (nobody waits for that answer).
 */
export async function readWholeBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A copy of `req` (method, URL, headers) whose body is `body`, complete once read. */
export function replayedRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from(body.length > 0 ? [body] : []) as Readable & Record<string, unknown>;
  copy['method'] = req.method;
  copy['url'] = req.url;
  copy['headers'] = { ...req.headers };
  copy['complete'] = false;
  copy.once('end', () => (copy['complete'] = true));
  copy['socket'] = { destroy() {} };
  return copy as unknown as IncomingMessage;
}

/** A response whose status, headers and body are dropped. */
export function discardedResponse(): ServerResponse {
  const sink = {
    headersSent: false,
    setHeader() {},
    writeHead() {
      sink.headersSent = true;
      return sink;
    },
    write() {
      return true;
    },
    end() {
      sink.headersSent = true;
    },
    destroy() {},
    on() {
      return sink;
    },
    once() {
      return sink;
    },
  };
  return sink as unknown as ServerResponse;
}
