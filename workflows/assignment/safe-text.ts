import { defaultMaxTextLength, firstUncarriableChar } from '../../iwmo/text-rules';

/*
 * Text that may enter a workflow: every string in an update's or signal's argument, checked with the
 * one text rule (iwmo/text-rules.ts) and named as this workflow's rule 'Tekst'.
 */

/** The rule's name in a refusal, e.g. 'Tekst: eventId: contains control character U+0000'. */
export const safeTextRule = 'Tekst';
/** Longest text accepted in any field of an event or signal (the contract's own limits are tighter). */
export const maxTextLength = defaultMaxTextLength;

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with one string, never quoting it; undefined when it is fine. */
export function textProblem(value: string, max = maxTextLength): string | undefined {
  if (value.length > max) return `longer than ${max} characters`;
  const found = firstUncarriableChar(value);
  if (!found) return undefined;
  const at = `at position ${found.index}`;
  if (found.rule === 'lone-surrogate') return `contains a lone surrogate ${at}`;
  if (found.rule === 'non-character') return `contains non-character ${hex(found.code)} ${at}`;
  return `contains control character ${hex(found.code)} ${at}`;
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
