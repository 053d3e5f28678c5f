import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../calendar';
import { type ClaimInput, claimLines, type Levering, toewijzingMaximum } from '../../../declaratie';
import { hulpPerUur, maand, nationalContract } from './support';

const started: Levering[] = [{ begindatum: '2026-01-08', start: 'gemeld' }];
const nothingBefore = { volume: 0, bedrag: 0 };

function claim(overrides: Partial<ClaimInput> = {}) {
  return claimLines({
    toewijzing: hulpPerUur(),
    leveringen: started,
    maand: maand(2026, 1),
    contract: nationalContract,
    eerder: nothingBefore,
    ...overrides,
  });
}

/** Claims month after month, carrying the earlier volume and amount, like the workflow will. */
function claimMonths(input: Omit<ClaimInput, 'maand' | 'eerder'>, months: [number, number][]) {
  const eerder = { volume: 0, bedrag: 0 };
  return months.map(([y, m]) => {
    const result = claimLines({ ...input, maand: maand(y, m), eerder: { ...eerder } });
    for (const l of result.lines) {
      eerder.volume += l.volume;
      eerder.bedrag += l.bedrag;
    }
    return result;
  });
}

describe('what is claimed: only reported, not rejected care', () => {
  it('no 305, an owed 305 and a rejected 305 each claim nothing and say why', () => {
    expect(claim({ leveringen: [] })).toEqual({
      lines: [],
      findings: [{ rule: 'beleid', reason: 'geen-start', message: 'no start of care (305) was reported' }],
    });
    expect(
      claim({ leveringen: [{ begindatum: '2026-01-08', start: 'niet-gemeld' }] }).findings[0]?.reason,
    ).toBe('start-niet-gemeld');
    expect(
      claim({ leveringen: [{ begindatum: '2026-01-08', start: 'afgewezen' }] }).findings[0]?.reason,
    ).toBe('start-afgewezen');
  });

  it('a product without a contract tariff is reported, never claimed at €0 (TR418)', () => {
    const t = hulpPerUur({ product: { categorie: '03', code: '03A01' } });
    expect(claim({ toewijzing: t })).toMatchObject({
      lines: [],
      findings: [{ rule: 'TR418', reason: 'geen-tarief' }],
    });
    expect(claim({ contract: undefined })).toMatchObject({
      lines: [],
      findings: [{ reason: 'geen-contract' }],
    });
  });

  it('clips the product period to the month, the toewijzing and the care (IV089)', () => {
    const [line] = claim().lines;
    expect(line?.productPeriode).toEqual({ begindatum: '2026-01-08', einddatum: '2026-01-31' });
    const stopped: Levering[] = [
      { ...started[0], stop: { einddatum: '2026-02-11', redenBeeindiging: '19' } } as Levering,
    ];
    expect(claim({ leveringen: stopped, maand: maand(2026, 2) }).lines[0]?.productPeriode).toEqual({
      begindatum: '2026-02-01',
      einddatum: '2026-02-11',
    });
    expect(claim({ leveringen: stopped, maand: maand(2026, 3) }).findings[0]?.reason).toBe(
      'geen-zorg-in-periode',
    );
    expect(claim({ maand: maand(2026, 4) }).findings[0]).toMatchObject({
      rule: 'TR307/TR308',
      reason: 'buiten-toewijzing',
    });
  });

  it('amount = volume × contract tariff valid on the product period (TR346, TR418)', () => {
    const [line] = claim().lines;
    expect(line).toMatchObject({ eenheid: '04', tarief: 3320, volume: 12, bedrag: 12 * 3320 });
    const [old] = claim({
      toewijzing: hulpPerUur({ ingangsdatum: '2025-12-01', einddatum: '2025-12-31' }),
      leveringen: [{ begindatum: '2025-12-01', start: 'gemeld' }],
      maand: maand(2025, 12),
    }).lines;
    expect(old).toMatchObject({ tarief: 3180, bedrag: (old?.volume ?? 0) * 3180 });
  });
});

describe('counting rules', () => {
  it('per week: 11 ISO weeks of care claim 11 × 4 hours over three months, each week once', () => {
    const results = claimMonths(
      { toewijzing: hulpPerUur(), leveringen: started, contract: nationalContract },
      [
        [2026, 1],
        [2026, 2],
        [2026, 3],
      ],
    );
    expect(results.map((r) => r.lines[0]?.volume)).toEqual([12, 16, 16]);
    expect(toewijzingMaximum(hulpPerUur(), { volume: 4, eenheid: '04', frequentie: '2' })).toBe(44);
  });

  it('per week: registered delivered hours are claimed, capped at weeks touched × volume (IV076, TR321)', () => {
    expect(claim({ geleverd: 10 }).lines[0]?.volume).toBe(10);
    const capped = claim({ geleverd: 99 });
    expect(capped.lines[0]?.volume).toBe(16); // 8 Jan–31 Jan touches ISO weeks 2–5
    expect(capped.findings).toContainEqual(
      expect.objectContaining({ rule: 'TR321', reason: 'ingekort-tot-limiet' }),
    );
  });

  it('per day: care days × volume (sample 301: 10 minutes a day)', () => {
    const t = hulpPerUur({ omvang: { volume: 10, eenheid: '01', frequentie: '1' } });
    expect(claim({ toewijzing: t }).lines[0]).toMatchObject({
      volume: 24 * 10,
      tarief: 55,
      bedrag: 240 * 55,
    });
  });

  it('per month: one monthly volume for a month with care (IV077)', () => {
    const t = hulpPerUur({
      product: { categorie: '05', code: '05A01' },
      omvang: { volume: 1, eenheid: '82', frequentie: '4' },
    });
    expect(claim({ toewijzing: t }).lines[0]).toMatchObject({ volume: 1, tarief: 41500, bedrag: 41500 });
  });

  it('per week, output: weeks by their Sunday, the broken last week in the month of the last Sunday (IV076)', () => {
    const t = hulpPerUur({
      product: { categorie: '05', code: '05A01' },
      ingangsdatum: '2025-07-07',
      einddatum: '2025-09-06',
      omvang: { volume: 1, eenheid: '82', frequentie: '2' },
    });
    const results = claimMonths(
      {
        toewijzing: t,
        leveringen: [{ begindatum: '2025-07-07', start: 'gemeld' }],
        contract: nationalContract,
      },
      [
        [2025, 7],
        [2025, 8],
        [2025, 9],
      ],
    );
    // IV076 example 2: July 3, August 5 + 1, September nothing more.
    expect(results.map((r) => r.lines[0]?.volume ?? 0)).toEqual([3, 6, 0]);
  });

  it('totaal: spread over the toewijzing by days, adding up to the total exactly (IV078)', () => {
    const t = hulpPerUur({ omvang: { volume: 50, eenheid: '04', frequentie: '6' } });
    const results = claimMonths(
      {
        toewijzing: t,
        leveringen: [{ begindatum: '2026-01-07', start: 'gemeld' }],
        contract: nationalContract,
      },
      [
        [2026, 1],
        [2026, 2],
        [2026, 3],
      ],
    );
    const volumes = results.map((r) => r.lines[0]?.volume ?? 0);
    expect(volumes.reduce((s, v) => s + v, 0)).toBe(50);
    expect(
      claim({ toewijzing: hulpPerUur({ einddatum: undefined, omvang: t.omvang }) }).findings[0],
    ).toMatchObject({
      rule: 'IV078',
      reason: 'niet-telbaar',
    });
  });

  it('never claims beyond the toewijzing over all earlier lines (TR322)', () => {
    expect(claim({ eerder: { volume: 40, bedrag: 0 } }).lines[0]?.volume).toBe(4);
    expect(claim({ eerder: { volume: 44, bedrag: 0 } })).toMatchObject({
      lines: [],
      findings: [{ rule: 'TR322', reason: 'limiet-bereikt' }],
    });
  });
});

describe('properties', () => {
  const anyToewijzing = fc
    .record({
      start: fc.integer({ min: 0, max: 700 }),
      length: fc.integer({ min: 0, max: 500 }),
      volume: fc.integer({ min: 1, max: 20 }),
      frequentie: fc.constantFrom('1', '2', '4', '6'),
      stops: fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 60 })), {
        maxLength: 3,
      }),
    })
    .map(({ start, length, volume, frequentie, stops }) => {
      const ingangsdatum = addDays('2023-01-01', start);
      const einddatum = addDays(ingangsdatum, length);
      // Deliveries: a start at the ingangsdatum, temporary stops and restarts at random offsets.
      const leveringen: Levering[] = [];
      let from = ingangsdatum;
      for (const [gap, pause] of [...stops].sort((a, b) => a[0] - b[0])) {
        const stopAt = addDays(ingangsdatum, gap);
        if (stopAt < from || stopAt > einddatum) continue;
        leveringen.push({
          begindatum: from,
          start: 'gemeld',
          stop: { einddatum: stopAt, redenBeeindiging: '20' },
        });
        from = addDays(stopAt, pause);
      }
      if (from <= einddatum) leveringen.push({ begindatum: from, start: 'gemeld' });
      const toewijzing = hulpPerUur({
        ingangsdatum,
        einddatum,
        omvang: { volume, eenheid: '04', frequentie: frequentie as '1' | '2' | '4' | '6' },
      });
      return { toewijzing, leveringen };
    });

  it('lines stay inside month, toewijzing and limit; amount = volume × tariff', () => {
    fc.assert(
      fc.property(anyToewijzing, ({ toewijzing, leveringen }) => {
        const months: [number, number][] = [];
        for (let d = `${toewijzing.ingangsdatum.slice(0, 8)}01`; d <= (toewijzing.einddatum as string); ) {
          months.push([Number(d.slice(0, 4)), Number(d.slice(5, 7))]);
          d = addDays(maand(Number(d.slice(0, 4)), Number(d.slice(5, 7))).einddatum, 1);
        }
        const results = claimMonths({ toewijzing, leveringen, contract: nationalContract }, months);
        const lines = results.flatMap((r) => r.lines);
        const max = toewijzingMaximum(toewijzing, toewijzing.omvang as NonNullable<typeof toewijzing.omvang>);
        expect(lines.reduce((s, l) => s + l.volume, 0)).toBeLessThanOrEqual(max as number);
        for (const l of lines) {
          expect(l.volume).toBeGreaterThan(0);
          expect(l.bedrag).toBe(l.volume * (l.tarief as number));
          expect(l.productPeriode.begindatum.slice(0, 7)).toBe(l.productPeriode.einddatum.slice(0, 7));
          expect(l.productPeriode.begindatum >= toewijzing.ingangsdatum).toBe(true);
          expect(l.productPeriode.einddatum <= (toewijzing.einddatum as string)).toBe(true);
        }
        if (toewijzing.omvang?.frequentie === '6' && leveringen.length > 0) {
          // Only while care runs is anything claimed, so the total is reached only when care reaches the end.
          expect(lines.reduce((s, l) => s + l.volume, 0)).toBeLessThanOrEqual(toewijzing.omvang.volume);
        }
      }),
      { numRuns: 150 },
    );
  });
});
