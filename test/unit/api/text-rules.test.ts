import { describe, expect, it } from 'vitest';
import { safeText } from '../../../api/text';
import { carriableTextProblem } from '../../../iwmo/text-rules';

describe('text PostgreSQL and XML can carry (iwmo/text-rules.ts)', () => {
  it('names the rule a string breaks', () => {
    expect(carriableTextProblem('x\u0000y')).toBe('nul');
    expect(carriableTextProblem('\u001b[31m')).toBe('control-character');
    expect(carriableTextProblem('\u000b')).toBe('control-character');
    expect(carriableTextProblem('a\uD800')).toBe('lone-surrogate');
    expect(carriableTextProblem('\uDC00a')).toBe('lone-surrogate');
    expect(carriableTextProblem('\uFFFE')).toBe('non-character');
    expect(carriableTextProblem('abc', 2)).toBe('too-long');
  });

  it('takes tab, LF, CR, accents and surrogate pairs', () => {
    for (const ok of ['', 'a\tb\nc\rd', 'Çé ß €', '😀', '\u00a0\u2028'])
      expect(carriableTextProblem(ok)).toBeUndefined();
  });

  it('safeText refuses with a message naming the rule, not the text', () => {
    const result = safeText(10).safeParse('BSN\u0000');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['must not contain U+0000 (NUL)']);
    expect(safeText(3).safeParse('abcd').error?.issues[0]?.code).toBe('too_big');
  });
});
