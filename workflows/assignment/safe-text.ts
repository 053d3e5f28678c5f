/*
 * Text that may enter a workflow: every string in an update's or signal's argument. PostgreSQL cannot
 * store U+0000 in text, other C0 control characters have no place in an iWmo value, and a lone surrogate
 * is not valid UTF-8 — each of them, once in an idempotency key or a message, fails every write of it for
 * ever. Pure and dependency free: the workflow bundle imports it, so can the API.
 */

/** The rule's name in a refusal, e.g. 'Tekst: eventId: contains control character U+0000'. */
export const safeTextRule = 'Tekst';
/** Longest text accepted in any field of an event or signal (the contract's own limits are tighter). */
export const maxTextLength = 1000;

/** What is wrong with one string, never quoting it; undefined when it is fine. */
export function textProblem(value: string, max = maxTextLength): string | undefined {
  if (value.length > max) return `longer than ${max} characters`;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f)
      return `contains control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i}`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `contains a lone surrogate at position ${i}`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `contains a lone surrogate at position ${i}`;
  }
  return undefined;
}

/**
 * The first unsafe string anywhere in `value` (object keys too), as 'path: problem'; undefined when
 * every string is fine. Depth-bounded: the contract's shapes are shallow.
 */
export function unsafeTextIn(value: unknown, path = '', depth = 0): string | undefined {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && `${path || 'value'}: ${problem}`;
  }
  if (depth > 8) return `${path || 'value'}: nested too deeply`;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = unsafeTextIn(item, at(String(i)), depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key, 100);
      if (keyProblem) return `${path || 'value'}: a field name ${keyProblem}`;
      const problem = unsafeTextIn(item, at(key), depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}
