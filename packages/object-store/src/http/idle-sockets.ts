import type { Agent } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Destroys a socket of `agent` on which a request has gone `idleMs` without a byte moving either way
 * (Hadoop's socket timeout; `key`, the backend's name for it, is named in the error). A deadline on the whole request would fail a
 * large part on a slow link however steadily it moved; this fails only a stall, whether before the
 * answer, in the middle of a streamed body or while the server sits on a request.
 *
 * Polled rather than socket.setTimeout(): a client may reset a socket's timeout to its own response timer.
 */
export function watchIdleSockets(agent: Agent, idleMs: number, key: string): void {
  const connect = (agent as unknown as { createConnection: (...args: unknown[]) => Socket }).createConnection.bind(agent);
  (agent as unknown as { createConnection: (...args: unknown[]) => Socket }).createConnection = (...args: unknown[]) => {
    const socket = connect(...args);
    watch(socket, idleMs, key);
    return socket;
  };
}

function watch(socket: Socket, idleMs: number, key: string): void {
  let moved = -1;
  let since = Date.now();
  const timer = setInterval(() => {
    const now = socket.bytesRead + bytesFlushed(socket);
    // A pooled socket between requests is the agent's to time out, not ours.
    const busy = (socket as unknown as { _httpMessage?: unknown })._httpMessage != null;
    if (now !== moved || !busy) {
      moved = now;
      since = Date.now();
      return;
    }
    if (Date.now() - since >= idleMs) {
      clearInterval(timer);
      socket.destroy(Object.assign(new Error(`timed out: no byte moved for ${idleMs} ms (${key})`), { code: 'ETIMEDOUT' }));
    }
  }, Math.max(5, Math.min(1_000, Math.floor(idleMs / 4))));
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}

/** Bytes handed to the kernel: bytesWritten counts what is still queued in Node and libuv as written. */
function bytesFlushed(socket: Socket): number {
  const queued = (socket as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize ?? 0;
  return socket.bytesWritten - socket.writableLength - queued;
}
