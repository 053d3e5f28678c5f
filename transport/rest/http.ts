import type { IncomingHttpHeaders } from 'node:http';
import { type Agent, request } from 'node:https';
import {
  type TransportError,
  type TransportOperation,
  TransportRefusedError,
  TransportRequestError,
  TransportRetryableError,
} from '../errors';
import { type Melding, type ProblemDetails, problemDetails } from '../metadata';

/*
 * One HTTPS exchange over an agent that carries the client certificate (node:https, because the global
 * fetch cannot present a client certificate without undici's Agent, which is not a dependency here).
 * Failures become the transport's typed errors: what retrying can fix (5xx, 429, timeouts, resets) and
 * what it cannot (4xx, a refused TLS handshake).
 */

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: Uint8Array;
  timeoutMs: number;
  /** A larger answer is cut off: a bug or an attack, not something to hold in memory. */
  maxResponseBytes: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Error codes of a TLS handshake that failed on certificates: configuration, not a passing fault.
const tlsCodes =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/;

function networkError(err: unknown, op: TransportOperation, req: HttpRequest): TransportError {
  const e = err as NodeJS.ErrnoException;
  const where = `${req.method} ${req.url.pathname}`;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new TransportRetryableError(`${where} timed out after ${req.timeoutMs} ms`, op, undefined, {
      cause: err,
    });
  }
  if (e.code && tlsCodes.test(e.code)) {
    return new TransportRequestError(`${where}: TLS handshake failed (${e.code})`, op, undefined, {
      cause: err,
    });
  }
  return new TransportRetryableError(`${where}: ${e.code ?? e.message}`, op, undefined, { cause: err });
}

/**
 * A reused keep-alive connection the server had already closed: the request never reached it, so it is
 * sent once more on a fresh connection (Node's documented pattern; a push carries its traceerId, so even
 * a request that did arrive is recognised as BRS114).
 */
function staleSocket(err: unknown, reused: boolean): boolean {
  const e = err as NodeJS.ErrnoException;
  return reused && (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.message === 'socket hang up');
}

export async function send(agent: Agent, req: HttpRequest, op: TransportOperation): Promise<HttpResponse> {
  const attempt = () =>
    sendOnce(agent, req, op).catch((err: unknown) => {
      throw err instanceof NetworkFailure ? err : networkError(err, op, req);
    });
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof NetworkFailure)) throw err;
    if (!staleSocket(err.cause, err.reused)) throw networkError(err.cause, op, req);
  }
  try {
    return await attempt();
  } catch (err) {
    throw err instanceof NetworkFailure ? networkError(err.cause, op, req) : err;
  }
}

/** A network failure of one attempt, and whether it ran on a reused keep-alive socket. */
class NetworkFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly reused: boolean,
  ) {
    super('network failure');
  }
}

function sendOnce(agent: Agent, req: HttpRequest, op: TransportOperation): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.byteLength);
    const outgoing = request(
      req.url,
      { method: req.method, agent, headers, signal: AbortSignal.timeout(req.timeoutMs) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > req.maxResponseBytes) {
            res.destroy();
            const msg = `${req.method} ${req.url.pathname}: answer larger than ${req.maxResponseBytes} bytes`;
            reject(new TransportRequestError(msg, op, res.statusCode));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        // An answer cut off halfway is not retried here: the request did reach the server.
        res.on('error', (err) => reject(new NetworkFailure(err, false)));
      },
    );
    outgoing.on('error', (err) => reject(new NetworkFailure(err, outgoing.reusedSocket)));
    outgoing.end(req.body);
  });
}

function problemOf(res: HttpResponse): ProblemDetails | undefined {
  if (!String(res.headers['content-type'] ?? '').includes('json')) return undefined;
  try {
    const parsed = problemDetails.safeParse(JSON.parse(res.body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const codesOf = (meldingen: Melding[]) => meldingen.map((m) => `${m.code} ${m.omschrijving}`).join('; ');

/** The typed error for an answer that is not the success the caller expected. */
export function statusError(res: HttpResponse, op: TransportOperation, what: string): TransportError {
  const problem = problemOf(res);
  const meldingen = problem?.meldingen ?? [];
  const reason = codesOf(meldingen) || problem?.title || problem?.detail || '';
  const message = `${what} answered ${res.status}${reason ? `: ${reason}` : ''}`;
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    return new TransportRetryableError(message, op, res.status);
  }
  if (res.status === 422) return new TransportRefusedError(message, op, res.status, meldingen);
  return new TransportRequestError(message, op, res.status);
}
