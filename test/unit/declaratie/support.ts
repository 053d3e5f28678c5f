import { periodByNumber } from '../../../calendar';
import { loadContracts } from '../../../config/contracts';
import { loadProfiles } from '../../../config/profiles';
import type { Contract, Periode, ToewijzingVoorDeclaratie } from '../../../declaratie';

/** Shared inputs of the declaratie tests: the shipped contracts and small builders. */

const contracts = loadContracts(undefined, loadProfiles());
export const seedContract = contracts.contractFor('42420001', '1916') as Contract;
export const nationalContract = contracts.contractFor('42420001', '0384') as Contract;

export function maand(year: number, month: number): Periode {
  const p = periodByNumber('month', year, month);
  return { begindatum: p.start, einddatum: p.end };
}

/** Fictitious BSNs that pass the 11-proef (domain brief §8), then generated ones. */
export function bsnFor(i: number): string {
  for (let n = 100_000_000 + i * 97; ; n++) {
    const digits = String(n).split('').map(Number);
    const sum = digits.slice(0, 8).reduce((s, d, k) => s + d * (9 - k), 0) - (digits[8] as number);
    if (sum % 11 === 0) return String(n);
  }
}

export function hulpPerUur(overrides: Partial<ToewijzingVoorDeclaratie> = {}): ToewijzingVoorDeclaratie {
  return {
    toewijzingNummer: 1000,
    bsn: '999900006',
    product: { categorie: '01', code: '01A01' },
    ingangsdatum: '2026-01-07',
    einddatum: '2026-03-20',
    omvang: { volume: 4, eenheid: '04', frequentie: '2' },
    ...overrides,
  };
}

export function huishoudenCak(overrides: Partial<ToewijzingVoorDeclaratie> = {}): ToewijzingVoorDeclaratie {
  return {
    toewijzingNummer: 2000,
    bsn: '999900018',
    product: { categorie: '01', code: 'HO1' },
    ingangsdatum: '2019-01-01',
    einddatum: '2019-12-29',
    omvang: { volume: 22360, eenheid: '83', frequentie: '4' },
    ...overrides,
  };
}
