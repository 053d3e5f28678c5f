import { describe, expect, it } from 'vitest';
import { carriableTextProblem } from '../../../iwmo/text-rules';
import { maxTextLength, textProblem } from '../../../workflows/assignment/safe-text';

/*
 * One text rule (iwmo/text-rules.ts): what the API refuses in a field and what the assignment workflow
 * refuses as 'Tekst' are the same strings, so a request the API takes is never refused later by the
 * workflow for its text, and the other way round.
 */
describe('the API and the workflow refuse the same text', () => {
  it('agree on every UTF-16 code unit alone and after a letter, and on the length bound', () => {
    const disagree: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      for (const text of [String.fromCharCode(code), `a${String.fromCharCode(code)}`]) {
        if ((textProblem(text) === undefined) !== (carriableTextProblem(text) === undefined))
          disagree.push(`U+${code.toString(16).padStart(4, '0')}`);
      }
    }
    expect(disagree).toEqual([]);
    const long = 'x'.repeat(maxTextLength + 1);
    expect([textProblem(long) === undefined, carriableTextProblem(long) === undefined]).toEqual([
      false,
      false,
    ]);
  });

  it('agree on surrogate pairs, taken whole', () => {
    for (const text of ['😀', 'a\ud83d\ude00b', '\ud83d', '\ude00', '\ude00\ud83d'])
      expect(textProblem(text) === undefined).toBe(carriableTextProblem(text) === undefined);
  });
});
