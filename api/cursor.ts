import { z } from '@hono/zod-openapi';

/*
 * Opaque page cursors: a keyset position as base64url JSON. The client only hands back what a page gave
 * it; anything else fails the query schema with "must be a nextCursor from an earlier page" (422).
 */

export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(schema: z.ZodType<T>, cursor: string): T | undefined {
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
    .max(300)
    .refine((c) => decodeCursor(schema, c) !== undefined, 'must be a nextCursor from an earlier page')
    .optional();
}

/** `?overdue=true|false` as a boolean (z.coerce.boolean would read 'false' as true). */
export const booleanParam = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
