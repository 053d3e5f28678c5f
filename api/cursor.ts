import { z } from '@hono/zod-openapi';
import { safeText } from './text';

/*
 * Opaque page cursors: a keyset position as base64url JSON. The client only hands back what a page gave
 * it; anything else fails the query schema with "must be a nextCursor from an earlier page" (422). A
 * cursor is client input like any other: its position schema must hold each value to what PostgreSQL
 * accepts (a time in range, a code, an int4), or a forged cursor becomes a 500 from the database.
 */

/** Longest cursor accepted; every position the API hands out is far shorter. */
export const maxCursorLength = 300;

export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(schema: z.ZodType<T>, cursor: string): T | undefined {
  if (cursor.length > maxCursorLength || !/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The `cursor` query parameter for a position schema. */
export function cursorParam<T>(schema: z.ZodType<T>) {
  return z
    .string()
    .max(maxCursorLength)
    .refine((c) => decodeCursor(schema, c) !== undefined, 'must be a nextCursor from an earlier page')
    .optional();
}

/** `?overdue=true|false` as a boolean (z.coerce.boolean would read 'false' as true). */
export const booleanParam = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

// PostgreSQL reads years 1–9999 written this way; year 0 and six-digit years are out of its input range.
const firstInstant = Date.parse('0001-01-01T00:00:00Z');
const lastInstant = Date.parse('9999-12-31T23:59:59.999Z');
const inRange = (text: string) => {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= firstInstant && ms <= lastInstant;
};
const rangeMessage = 'must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z';

/** An ISO 8601 date-time with offset that PostgreSQL's timestamptz can hold (query filters). */
export const timestampParam = z.iso.datetime({ offset: true }).refine(inRange, rangeMessage);

/**
 * A position's time as a query wrote it: fixed-width UTC (db/queries/messages.ts) or PostgreSQL's own
 * timestamptz text ('2026-11-20 10:00:00.123456+00', db/queries/escalations.ts). Years 1–9999 only.
 */
export const positionTime = z
  .string()
  .regex(
    /^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}(:[0-9]{2})?)$/,
  )
  .refine((t) => inRange(t.replace(' ', 'T').replace(/([+-][0-9]{2})$/, '$1:00')));

/** A position's date (YYYY-MM-DD, years 1–9999). */
export const positionDate = z.iso.date().refine((d) => inRange(`${d}T00:00:00Z`));

/** A position's text: carriable, bounded. */
export const positionText = (max: number) => safeText(max).min(1);

/** A position's int4 (PostgreSQL integer). */
export const positionInt = z.number().int().min(-2147483648).max(2147483647);
