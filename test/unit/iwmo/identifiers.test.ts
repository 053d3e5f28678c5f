import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isDeclaratieNummer,
  isIdentificatie,
  isReferentieNummer,
  isToewijzingNummer,
  isValidBsn,
  makeDeclaratieNummer,
  makeIdentificatie,
  makeReferentieNummer,
} from '../../../iwmo';

describe('BSN 11-proef (CS002)', () => {
  it('accepts the synthetic test BSNs and rejects near misses', () => {
    expect(isValidBsn('999900006')).toBe(true);
    expect(isValidBsn('999900018')).toBe(true);
    expect(isValidBsn('999900007')).toBe(false);
    expect(isValidBsn('000000000')).toBe(false);
    expect(isValidBsn('99990000')).toBe(false);
    expect(isValidBsn('99990000a')).toBe(false);
  });

  it('fails whenever one digit of a valid BSN changes', () => {
    fc.assert(
      fc.property(fc.nat(8), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const digits = '999900006'.split('');
        digits[pos] = String((Number(digits[pos]) + delta) % 10);
        expect(isValidBsn(digits.join(''))).toBe(false);
      }),
    );
  });
});

describe('identifiers', () => {
  it('builds distinct Identificaties of at most 12 characters per sequence number', () => {
    fc.assert(
      fc.property(fc.nat(36 ** 7 - 1), fc.nat(36 ** 7 - 1), (a, b) => {
        const [x, y] = [makeIdentificatie('301', a), makeIdentificatie('301', b)];
        expect(isIdentificatie(x)).toBe(true);
        expect(x.length).toBeLessThanOrEqual(12);
        expect(x === y).toBe(a === b);
      }),
    );
    expect(makeIdentificatie('301', 42)).toBe('301-0000016');
    expect(() => makeIdentificatie('301', 36 ** 8)).toThrow(/12-character/);
  });

  it('builds DeclaratieNummers (≤ 12 alphanumerics) and ReferentieNummers (≤ 20)', () => {
    expect(makeDeclaratieNummer('D', 1)).toBe('D00000000001');
    expect(isDeclaratieNummer('D-1')).toBe(false);
    expect(isReferentieNummer(makeReferentieNummer('12345678', 7))).toBe(true);
    expect(() => makeReferentieNummer('a-very-long-prefix', 1)).toThrow(/ReferentieNummer/);
  });

  it('keeps ToewijzingNummer within xs:integer 0..999 999 999', () => {
    expect(isToewijzingNummer(999_999_999)).toBe(true);
    expect(isToewijzingNummer(1_000_000_000)).toBe(false);
    expect(isToewijzingNummer(1.5)).toBe(false);
  });
});
