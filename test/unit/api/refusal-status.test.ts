import { describe, expect, it } from 'vitest';
import { refusalStatus } from '../../../api/assignment-access';
import { refusalClass, refusalRules } from '../../../contract/assignment';

/* Whether a refused event is 409 or 422 is decided once: by the rule's class in the contract's table. */
describe('refusal status', () => {
  it('conflicts with the assignment’s state are 409, events that break a rule by themselves 422', () => {
    const byStatus = (status: number) =>
      Object.keys(refusalRules)
        .filter((rule) => refusalStatus(refusalClass(rule)) === status)
        .sort();
    expect(byStatus(409)).toEqual(['TR063', 'TR071', 'TR074', 'TR326', 'TR382', 'TR413', 'TR414', 'TR415']);
    expect(byStatus(422)).toEqual(['CS058', 'RedenBeeindiging', 'TR018', 'TR019', 'Tekst', 'Toekomst']);
  });

  it('a rule outside the table (a malformed event: Schema) is invalid, so 422', () => {
    expect(refusalClass('Schema')).toBe('invalid');
    expect(refusalClass('toString')).toBe('invalid');
  });
});
