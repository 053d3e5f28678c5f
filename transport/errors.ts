import type { Melding } from './metadata';

/*
 * What a transport call can fail with, as classes a caller (a Temporal activity) can tell apart:
 *  - TransportRetryableError: the other side or the network had a problem (5xx, 429, timeout, reset);
 *    the same request may succeed later. Temporal retries it.
 *  - TransportRefusedError: the request was understood and refused (a push answered 422, e.g. BRS114
 *    TraceerID not unique); sending the same again is refused again. Non-retryable.
 *  - TransportRequestError: the request itself is wrong (400, 401/403, bad metadata, a TLS handshake the
 *    server refused): configuration or code must change. Non-retryable.
 * `name` is the class name, so Temporal's ApplicationFailure type is too: list the last two in
 * nonRetryableErrorTypes. Messages carry status, operation and codes, never payload content.
 */

export type TransportOperation = 'send' | 'fetch' | 'payload' | 'confirm' | 'status';

export abstract class TransportError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly operation: TransportOperation,
    /** HTTP status, when there was an answer. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class TransportRetryableError extends TransportError {
  readonly retryable = true;
}

export class TransportRefusedError extends TransportError {
  readonly retryable = false;
  constructor(
    message: string,
    operation: TransportOperation,
    status: number | undefined,
    /** The receiver's reasons (VECOZO BRS codes), when it gave them. */
    readonly meldingen: Melding[] = [],
  ) {
    super(message, operation, status);
  }

  /** BRS114: the traceerId was used before — a resend of a message that did arrive, or a reused id. */
  get duplicateTraceerId(): boolean {
    return this.meldingen.some((m) => m.code === 'BRS114');
  }
}

export class TransportRequestError extends TransportError {
  readonly retryable = false;
}

export const nonRetryableTransportErrorTypes = ['TransportRefusedError', 'TransportRequestError'];

export function isRetryable(err: unknown): boolean {
  return err instanceof TransportError && err.retryable;
}
