import { Context } from '@temporalio/activity';

/*
 * Heartbeats for the poller's activities. The workflow gives them a heartbeat timeout of seconds
 * (workflows/messaging/poll.ts): when the worker running an attempt dies (SIGKILL, OOM, a lost host), the
 * server notices the missing heartbeats and retries the attempt elsewhere within that timeout, instead of
 * after the start-to-close timeout (minutes), during which the poll loop would wait on a dead attempt.
 * A timer beats while the activity runs, so a single long request (a 25 MB push) still beats; the
 * activities also beat per message with their progress. Outside an activity (unit tests) nothing happens.
 */

/** Beat period: well inside the 10 s heartbeat timeout, and the SDK throttles what it sends anyway. */
const beatEveryMs = 2_000;

function context(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Records a heartbeat (with optional progress details) when running as an activity. */
export function beat(details?: unknown): void {
  context()?.heartbeat(details);
}

/** Runs `fn` while beating every few seconds. */
export async function whileBeating<T>(fn: () => Promise<T>): Promise<T> {
  const ctx = context();
  if (!ctx) return fn();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), beatEveryMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** The same activities, each beating while it runs (see above). */
export function withHeartbeats<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  activities: T,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities))
    wrapped[name] = (...args: never[]) => whileBeating(() => fn(...args));
  return wrapped as T;
}
