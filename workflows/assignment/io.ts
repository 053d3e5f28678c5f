import type { IoState } from './contract';

/*
 * How an assignment's I/O is doing, for operators (state `io`, search attribute WmoIoFailing). Each
 * activity call retries a few times inside Temporal (a short database hiccup never shows); a call that
 * still fails, or fails non-retryably, lands here. The workflow then keeps running: it says it is
 * failing, waits `retryDelay` and tries again (a transient outage heals by itself), and sets aside a
 * message whose write can never succeed, so the messages behind it still go out. We chose bounded
 * attempts per call over a heartbeat of attempts: a workflow cannot see the attempts of an activity that
 * is still retrying, so only a call that ends can tell the state; and a few attempts per call keep the
 * history small (one failed call per round of up to `retryDelay`). Pure: time comes in as an argument.
 */

/** First pause after a failed call; it doubles per failed call up to `maxRetryDelayMs`. */
const firstRetryDelayMs = 5 * 60_000;
const maxRetryDelayMs = 6 * 60 * 60_000;

export function retryDelay(attempts: number): number {
  return Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** Math.max(0, attempts - 1));
}

export interface IoFailure {
  activity: string;
  /** The failure's type (ApplicationFailure type, or the failure's class: TimeoutFailure). */
  errorType: string;
  /** Non-retryable: this call can never succeed as it is. */
  permanent: boolean;
}

/** Records a failed call; a transient one also sets when to try again. */
export function ioFailed(io: IoState | undefined, f: IoFailure, now: number): IoState {
  const continuing = io?.failing === true;
  const attempts = (continuing ? io.attempts : 0) + 1;
  return {
    failing: true,
    activity: f.activity,
    since: continuing && io.since ? io.since : new Date(now).toISOString(),
    attempts,
    lastErrorType: f.errorType,
    ...(f.permanent ? {} : { retryAt: new Date(now + retryDelay(attempts)).toISOString() }),
    ...(io?.setAside?.length ? { setAside: io.setAside } : {}),
  };
}

/** A call of `activity` succeeded: failing ends, unless a message was set aside (an operator must look). */
export function ioSucceeded(io: IoState | undefined, activity: string): IoState | undefined {
  if (!io?.failing || io.activity !== activity) return io;
  if (io.setAside?.length) {
    const { retryAt: _, ...rest } = io;
    return rest;
  }
  return { failing: false, attempts: 0, ...(io.lastErrorType ? { lastErrorType: io.lastErrorType } : {}) };
}

/** The key of a message whose write can never succeed, kept for operators. */
export function setAside(io: IoState, key: string): IoState {
  return { ...io, setAside: [...(io.setAside ?? []), key].slice(-20) };
}

/** True while the workflow waits before it tries I/O again. */
export function ioWaiting(io: IoState | undefined, now: number): boolean {
  return io?.retryAt !== undefined && Date.parse(io.retryAt) > now;
}
