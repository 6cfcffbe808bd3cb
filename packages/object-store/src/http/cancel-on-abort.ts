import type { Agent, ClientRequest } from 'node:http';
import type { Readable } from 'node:stream';
import { abortErrorFor, currentSignal } from '@hadoopfs/core';

/**
 * Cuts a request when the signal of the call that made it fires. A store's HTTP client may take no AbortSignal,
 * but every request they make goes through the client's agent, and the agent is handed the request
 * synchronously inside the call: that is where the call's signal (async context) is still known. A
 * streamed answer (a ranged GET read later) is cut with its request, so a reader stuck on a server that
 * went quiet is let go at once, not after the socket timeout.
 */
export function cancelRequestsOnAbort(agent: Agent): void {
  const target = agent as unknown as { addRequest: (req: ClientRequest, ...rest: unknown[]) => void };
  const add = target.addRequest.bind(agent);
  target.addRequest = (req: ClientRequest, ...rest: unknown[]) => {
    const signal = currentSignal();
    if (signal) {
      // A streamed body (UploadPart) may be piped in by the client's pump, which reports any failure of the
      // pipe; the request's own 'error' would be a second report (a client may warn "callback twice"). While the body
      // is still going, the cut goes through its source; once it is written, through the request.
      let source: Readable | undefined;
      req.once('pipe', (piped: Readable) => (source = piped));
      const cancel = () => {
        // The path without its query: a presigned or multipart query is noise in an error, if not worse.
        const error = abortErrorFor(signal, `${req.method} ${req.path.split('?')[0]}`);
        if (source && !req.writableFinished) source.destroy(error);
        else req.destroy(error);
      };
      if (signal.aborted) queueMicrotask(cancel);
      else {
        signal.addEventListener('abort', cancel, { once: true });
        req.once('close', () => signal.removeEventListener('abort', cancel));
      }
    }
    add(req, ...rest);
  };
}
