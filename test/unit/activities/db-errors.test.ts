import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { databaseFailedType, databaseFailure, databaseRefusedType } from '../../../activities/db-errors';

/* The shapes drivers give: postgres.js (table_name, constraint_name), PGlite (table, constraint), wrapped by drizzle. */
class DrizzleQueryError extends Error {
  constructor(
    readonly query: string,
    readonly params: unknown[],
    override readonly cause?: unknown,
  ) {
    super(`Failed query: ${query}\nparams: ${params}`);
    this.name = 'DrizzleQueryError';
  }
}
const bsn = '999900006';
const pgError = (fields: Record<string, unknown>) =>
  Object.assign(new Error(`value "${bsn}" violates something`), {
    detail: `Failing row contains (${bsn})`,
    ...fields,
  });

describe('databaseFailure', () => {
  it('keeps SQLSTATE, table and constraint, drops message, detail, query and parameters', () => {
    const err = new DrizzleQueryError(
      'insert into outbox_messages …',
      [`<Bsn>${bsn}</Bsn>`],
      pgError({
        code: '23514',
        table_name: 'outbox_messages',
        constraint_name: 'no_305',
      }),
    );
    const failure = databaseFailure(err, 'sendMessage') as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: databaseRefusedType, nonRetryable: true });
    expect(failure.message).toBe(
      'sendMessage: database error SQLSTATE 23514 (table outbox_messages, constraint no_305)',
    );
    expect(JSON.stringify({ m: failure.message, d: failure.details, s: failure.stack })).not.toContain(bsn);
  });

  it('makes data exceptions and constraint violations non-retryable, anything else retryable', () => {
    for (const code of ['22021', '22P05', '22001', '23505', '23502'])
      expect(databaseFailure(pgError({ code }), 'x')).toMatchObject({ nonRetryable: true });
    for (const code of ['57P01', '40001', '42501', '08006'])
      expect(databaseFailure(pgError({ code, table: 't' }), 'x')).toMatchObject({
        type: databaseFailedType,
        nonRetryable: false,
      });
  });

  it('describes a lost connection by its code only; leaves our own failures and other errors alone', () => {
    const lost = new DrizzleQueryError(
      'select …',
      [bsn],
      Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    );
    expect(databaseFailure(lost, 'recordAssignment')).toMatchObject({
      type: databaseFailedType,
      message: 'recordAssignment: database unavailable (ECONNREFUSED)',
    });
    const own = ApplicationFailure.nonRetryable('refused', 'MessageRefused');
    expect(databaseFailure(own, 'x')).toBe(own);
    const other = new TypeError('boom');
    expect(databaseFailure(other, 'x')).toBe(other);
  });
});
