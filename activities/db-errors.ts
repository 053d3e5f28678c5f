import { ApplicationFailure } from '@temporalio/common';

/*
 * Database errors as activity failures that carry no data. drizzle's DrizzleQueryError puts the query
 * and its parameters in its message (a whole 301 with BSN, name and birth date), and PostgreSQL's own
 * message and detail can quote a value; Temporal would copy any of them into the workflow history and
 * the worker's log. `databaseFailure` keeps what an operator needs — SQLSTATE, table, constraint, the
 * operation — and drops the rest. An error that retrying cannot fix (bad data, a constraint) becomes
 * non-retryable, so the workflow hears at once that this call will never succeed.
 */

/** Error type of a statement PostgreSQL refused for good (data exception, constraint, …): never retried. */
export const databaseRefusedType = 'DatabaseRefused';
/** Error type of any other database failure (connection lost, server stopping, privileges): retried. */
export const databaseFailedType = 'DatabaseFailed';

/** SQLSTATE classes retrying cannot fix: 22 data exception, 23 integrity constraint violation. */
const permanentClasses = new Set(['22', '23']);
const sqlState = /^[0-9A-Z]{5}$/;

interface PgErrorFields {
  code: string;
  table?: string;
  constraint?: string;
}

/** The PostgreSQL error in an error's cause chain (postgres.js, PGlite, or drizzle's wrapper around them). */
function pgError(err: unknown): PgErrorFields | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const o = e as Record<string, unknown>;
    if (typeof o.code === 'string' && sqlState.test(o.code)) {
      const table = o.table_name ?? o.table;
      const constraint = o.constraint_name ?? o.constraint;
      return {
        code: o.code,
        ...(typeof table === 'string' ? { table } : {}),
        ...(typeof constraint === 'string' ? { constraint } : {}),
      };
    }
    e = o.cause;
  }
  return undefined;
}

/** A driver-level failure without SQLSTATE (connection refused, closed): its code or class name only. */
function driverCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const o = e as Record<string, unknown>;
    if (typeof o.code === 'string' && /^[A-Z_]{3,40}$/.test(o.code)) return o.code;
    e = o.cause;
  }
  return undefined;
}

const isDrizzleQueryError = (err: unknown) =>
  err instanceof Error && (err.name === 'DrizzleQueryError' || err.constructor.name === 'DrizzleQueryError');

/**
 * The failure to throw for `err` raised while doing `operation`, or `err` itself when it is not a
 * database error (our own ApplicationFailures pass through untouched).
 */
export function databaseFailure(err: unknown, operation: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  const pg = pgError(err);
  if (pg) {
    const where = [pg.table && `table ${pg.table}`, pg.constraint && `constraint ${pg.constraint}`]
      .filter(Boolean)
      .join(', ');
    const message = `${operation}: database error SQLSTATE ${pg.code}${where ? ` (${where})` : ''}`;
    const details = [{ sqlState: pg.code, table: pg.table ?? null, constraint: pg.constraint ?? null }];
    return permanentClasses.has(pg.code.slice(0, 2))
      ? ApplicationFailure.create({ type: databaseRefusedType, message, details, nonRetryable: true })
      : ApplicationFailure.create({ type: databaseFailedType, message, details });
  }
  if (isDrizzleQueryError(err)) {
    const code = driverCode(err) ?? 'no SQLSTATE';
    return ApplicationFailure.create({
      type: databaseFailedType,
      message: `${operation}: database unavailable (${code})`,
    });
  }
  return err;
}

/** Runs `fn`; a database error leaves it as `databaseFailure` describes. */
export async function withDatabase<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw databaseFailure(err, operation);
  }
}

/** The same activities, each guarded by `withDatabase` under its own name. */
export function guardDatabase<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  activities: T,
): T {
  const guarded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities))
    guarded[name] = (...args: never[]) => withDatabase(name, () => fn(...args));
  return guarded as T;
}
