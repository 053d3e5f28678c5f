import { describe, expect, it } from 'vitest';
import { maxTextLength, textProblem, unsafeTextIn } from '../../../workflows/assignment/safe-text';

describe('safe text (what PostgreSQL and iWmo can store)', () => {
  it('takes ordinary text, tab, LF, CR and paired surrogates', () => {
    for (const ok of ['e-1', 'a\tb\nc\r', 'emoji 😀', 'Zoë', ''.padEnd(maxTextLength, 'x')])
      expect(textProblem(ok)).toBeUndefined();
  });

  it('refuses NUL, other C0 controls, DEL, lone surrogates and overlong text, without quoting it', () => {
    expect(textProblem('x\u0000y')).toBe('contains control character U+0000 at position 1');
    expect(textProblem('\u001b[31m')).toMatch(/U\+001B/);
    expect(textProblem('a\u007f')).toMatch(/U\+007F/);
    expect(textProblem('a\ud800')).toBe('contains a lone surrogate at position 1');
    expect(textProblem('\udc00a')).toBe('contains a lone surrogate at position 0');
    expect(textProblem(''.padEnd(maxTextLength + 1, 'x'))).toBe(`longer than ${maxTextLength} characters`);
  });

  it('finds the first unsafe string anywhere in an argument, field names included, by path', () => {
    expect(unsafeTextIn({ eventId: 'ok', replacement: { redenBeeindiging: '1\u00009' } })).toBe(
      'replacement.redenBeeindiging: contains control character U+0000 at position 1',
    );
    expect(unsafeTextIn({ retourCodes: ['0200', '\ud83d'] })).toMatch(/^retourCodes\.1: /);
    expect(unsafeTextIn({ 'a\u0000': 1 })).toMatch(/a field name contains control character/);
    expect(unsafeTextIn({ eventId: 'e', n: 1, b: true, x: null })).toBeUndefined();
  });
});
