import { agbCodePattern, gemeenteCodePattern } from '../iwmo/identifiers';
import { isValidDate } from '../iwmo/lexical';

/*
 * Shape checks without zod, for code that runs in the workflow sandbox: is this argument the JSON shape
 * a contract describes? Callers outside already checked with the zod schemas in `schemas.ts`; these
 * guard the workflow against any other caller, so bad input is refused and never fails a workflow task.
 * Each check returns the first problem as 'field: what is wrong', or undefined. The problem text names
 * fields and expectations only, never the value (it could be a BSN).
 */

export type Problem = string | undefined;
export type Check = (value: unknown) => Problem;
type Fields = Record<string, { check: Check; optional?: boolean }>;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const text =
  (min: number, max = Number.POSITIVE_INFINITY, pattern?: RegExp): Check =>
  (v) => {
    if (typeof v !== 'string') return 'must be text';
    if (v.length < min || v.length > max) return `must be ${min}–${max} characters`;
    return pattern && !pattern.test(v) ? `does not match ${pattern}` : undefined;
  };

export const date: Check = (v) =>
  typeof v === 'string' && isValidDate(v) ? undefined : 'must be a date YYYY-MM-DD';

export const integer =
  (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be a whole number ${min}–${max}`;

export const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `must be one of ${values.join(', ')}`;

export const list =
  (item: Check, min = 0, max = Number.POSITIVE_INFINITY): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'must be a list';
    if (v.length < min || v.length > max) return `must hold ${min}–${max} items`;
    for (const [i, x] of v.entries()) {
      const problem = item(x);
      if (problem) return `${i}: ${problem}`;
    }
    return undefined;
  };

/** With `strict`, a key `fields` does not list is refused with `unknownField` as the problem. */
export const object =
  (fields: Fields, strict = false, unknownField = 'is not a field here'): Check =>
  (v) => {
    if (!isObject(v)) return 'must be an object';
    if (strict) {
      const extra = Object.keys(v).find((k) => !(k in fields));
      // A key is caller data too (it could be a BSN): name it only when it is a plain word.
      if (extra) return `${/^[A-Za-z_]{1,40}$/.test(extra) ? extra : 'a field'}: ${unknownField}`;
    }
    for (const [name, { check, optional }] of Object.entries(fields)) {
      if (v[name] === undefined) {
        if (optional) continue;
        return `${name}: is required`;
      }
      const problem = check(v[name]);
      if (problem) return `${name}: ${problem}`;
    }
    return undefined;
  };

/** Both checks must pass. */
export const both =
  (a: Check, b: Check): Check =>
  (v) =>
    a(v) ?? b(v);

export const opt = (check: Check) => ({ check, optional: true });
export const req = (check: Check) => ({ check });

export const agbCode = text(8, 8, agbCodePattern);
export const gemeenteCode = text(4, 4, gemeenteCodePattern);
