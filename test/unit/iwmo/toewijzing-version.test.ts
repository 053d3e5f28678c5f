import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import * as iwmo from '../../../iwmo';
import {
  compareToewijzingVersions,
  isDeletedToewijzing,
  toewijzingVersionKey,
} from '../../../iwmo/toewijzing-version';

/*
 * The order of 301 versions (IV013: the latest Toewijzingsdatum + Toewijzingstijd is the current
 * toewijzing) and the test for a deleted one (RedenWijziging 13 with Einddatum = Ingangsdatum), as the
 * assignment workflow uses them (issue 7, item 4). The reference order is computed apart from the
 * module: Date.UTC for date and time (it reads hour 24 as the next day's midnight, as xs:dateTime
 * does), the fraction of a second compared as digits.
 */

const seed = 7_2026;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

interface Moment {
  datum: string;
  tijd: string;
  /** Reference order: milliseconds by Date.UTC, then the fraction of a second as nine digits. */
  epoch: number;
  digits: string;
}

const moment: fc.Arbitrary<Moment> = fc
  .record({
    y: fc.integer({ min: 1990, max: 2099 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{1,9}$/)),
    midnight24: fc.boolean(),
  })
  .filter(({ y, mo, d }) => new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d)
  .map(({ y, mo, d, h, mi, s, fraction, midnight24 }) => {
    const datum = `${y}-${pad(mo)}-${pad(d)}`;
    if (midnight24) {
      const tijd = fraction ? '24:00:00.0' : '24:00:00';
      return { datum, tijd, epoch: Date.UTC(y, mo - 1, d, 24, 0, 0), digits: '0'.repeat(9) };
    }
    const tijd = `${pad(h)}:${pad(mi)}:${pad(s)}${fraction ? `.${fraction}` : ''}`;
    return { datum, tijd, epoch: Date.UTC(y, mo - 1, d, h, mi, s), digits: fraction.padEnd(9, '0') };
  });

const referenceOrder = (a: Moment, b: Moment) =>
  Math.sign(a.epoch - b.epoch) || (a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0);

const version = (m: Moment) => ({ toewijzingsdatum: m.datum, toewijzingstijd: m.tijd });

describe('toewijzingVersionKey', () => {
  it('sorts as the moments do: lexicographic order of keys = chronological order', () => {
    fc.assert(
      fc.property(moment, moment, (a, b) => {
        const ka = toewijzingVersionKey(a.datum, a.tijd);
        const kb = toewijzingVersionKey(b.datum, b.tijd);
        const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
        expect(byKey).toBe(referenceOrder(a, b));
        expect(Math.sign(compareToewijzingVersions(version(a), version(b)))).toBe(referenceOrder(a, b));
      }),
      { numRuns: 2000, seed },
    );
  });

  it('24:00:00 is the first instant of the next day (also across a month, leap day and year end)', () => {
    const cases: [string, string][] = [
      ['2025-03-14', '2025-03-15'],
      ['2025-04-30', '2025-05-01'],
      ['2024-02-28', '2024-02-29'],
      ['2024-02-29', '2024-03-01'],
      ['2023-02-28', '2023-03-01'],
      ['2100-02-28', '2100-03-01'],
      ['2000-02-28', '2000-02-29'],
      ['2024-12-31', '2025-01-01'],
    ];
    for (const [day, next] of cases) {
      expect(toewijzingVersionKey(day, '24:00:00'), day).toBe(toewijzingVersionKey(next, '00:00:00'));
      expect(toewijzingVersionKey(day, '24:00:00.000'), day).toBe(toewijzingVersionKey(next, '00:00:00'));
      expect(toewijzingVersionKey(day, '24:00:00') > toewijzingVersionKey(day, '23:59:59.999999'), day).toBe(
        true,
      );
    }
  });

  it('the same instant written with or without trailing zeros gives the same key', () => {
    expect(toewijzingVersionKey('2025-03-14', '12:00:00')).toBe(
      toewijzingVersionKey('2025-03-14', '12:00:00.000'),
    );
    expect(toewijzingVersionKey('2025-03-14', '12:00:00.5')).toBe(
      toewijzingVersionKey('2025-03-14', '12:00:00.50'),
    );
    expect(
      toewijzingVersionKey('2025-03-14', '12:00:00.45') < toewijzingVersionKey('2025-03-14', '12:00:00.5'),
    ).toBe(true);
  });

  it('refuses what is no LDT_Datum or LDT_Tijd, naming the type and never the value', () => {
    const bad: [string, string, RegExp][] = [
      ['2025-02-30', '12:00:00', /Toewijzingsdatum .*LDT_Datum/],
      ['2025-2-3', '12:00:00', /LDT_Datum/],
      ['2025-03-14Z', '12:00:00', /LDT_Datum/],
      ['2025-03-14', '25:00:00', /Toewijzingstijd .*LDT_Tijd/],
      ['2025-03-14', '24:00:01', /LDT_Tijd/],
      ['2025-03-14', '24:00:00.5', /LDT_Tijd/],
      ['2025-03-14', '12:00', /LDT_Tijd/],
      ['2025-03-14', '12:00:00Z', /LDT_Tijd/],
      ['2025-03-14', ' 12:00:00', /LDT_Tijd/],
    ];
    for (const [datum, tijd, message] of bad) {
      expect(() => toewijzingVersionKey(datum, tijd), `${datum} ${tijd}`).toThrow(message);
      try {
        toewijzingVersionKey(datum, tijd);
      } catch (e) {
        expect(String(e)).not.toContain(datum === '2025-03-14' ? tijd.trim() : datum);
      }
    }
  });
});

describe('compareToewijzingVersions', () => {
  it('sorts versions oldest first and finds the current one, whatever the arrival order', () => {
    const versions = [
      { toewijzingsdatum: '2025-03-14', toewijzingstijd: '09:30:00', nr: 2 },
      { toewijzingsdatum: '2025-03-13', toewijzingstijd: '24:00:00', nr: 1 },
      { toewijzingsdatum: '2025-03-14', toewijzingstijd: '09:30:00.25', nr: 3 },
      { toewijzingsdatum: '2025-03-01', toewijzingstijd: '23:59:59', nr: 0 },
    ];
    expect([...versions].sort(compareToewijzingVersions).map((v) => v.nr)).toEqual([0, 1, 2, 3]);
    const [a, b] = [versions[1], { toewijzingsdatum: '2025-03-14', toewijzingstijd: '00:00:00' }];
    expect(a && compareToewijzingVersions(a, b)).toBe(0);
  });
});

describe('isDeletedToewijzing', () => {
  const start = '2025-03-01';
  it('RedenWijziging 13 with Einddatum = Ingangsdatum is a deleted toewijzing', () => {
    expect(isDeletedToewijzing({ redenWijziging: '13', ingangsdatum: start, einddatum: start })).toBe(true);
  });

  it('anything else is not: another end, no end, another reason, no reason, the retired 01', () => {
    const not = [
      { redenWijziging: '13', ingangsdatum: start, einddatum: '2025-03-02' }, // breaks CS335
      { redenWijziging: '13', ingangsdatum: start },
      { redenWijziging: '14', ingangsdatum: start, einddatum: start },
      { ingangsdatum: start, einddatum: start },
      { redenWijziging: undefined, ingangsdatum: start, einddatum: start },
      { redenWijziging: '01', ingangsdatum: start, einddatum: start }, // retired in 3.1, CS336
    ];
    for (const t of not) expect(isDeletedToewijzing(t), JSON.stringify(t)).toBe(false);
  });
});

describe('importable inside a Temporal workflow', () => {
  it('are exported from iwmo/ as the same functions', () => {
    expect(iwmo.toewijzingVersionKey).toBe(toewijzingVersionKey);
    expect(iwmo.compareToewijzingVersions).toBe(compareToewijzingVersions);
    expect(iwmo.isDeletedToewijzing).toBe(isDeletedToewijzing);
  });

  it('iwmo/toewijzing-version.ts imports no package and no Node built-in, not even through a relative import', () => {
    const seen = new Set<string>();
    const packages: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g,
      )) {
        if (!spec) continue;
        if (spec.startsWith('.')) visit(`${resolve(dirname(file), spec)}.ts`);
        else packages.push(`${file}: ${spec}`);
      }
      for (const [, spec] of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]/g))
        packages.push(`${file}: ${spec}`);
    };
    visit(join(repoRoot, 'iwmo', 'toewijzing-version.ts'));
    expect(packages).toEqual([]);
    expect(seen.size).toBeGreaterThan(0);
  });
});
