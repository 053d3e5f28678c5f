import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, periodByNumber, periodsOverlapping } from '../../../calendar';
import {
  claimLines,
  type Levering,
  splitByLargestRemainder,
  type ToewijzingVoorDeclaratie,
} from '../../../declaratie';
import { huishoudenCak, maand, seedContract } from './support';

const HO1 = 22360;

/** Every monthly claim of a toewijzing under the seed contract, in order, carrying earlier amounts. */
function yearOfClaims(t: ToewijzingVoorDeclaratie, leveringen: Levering[]) {
  const months = periodsOverlapping(t.ingangsdatum, t.einddatum as string, 'month');
  const eerder = { volume: 0, bedrag: 0 };
  return months.map((m) => {
    const r = claimLines({
      toewijzing: t,
      leveringen,
      maand: { begindatum: m.start, einddatum: m.end },
      contract: seedContract,
      eerder: { ...eerder },
    });
    for (const l of r.lines) {
      eerder.volume += l.volume;
      eerder.bedrag += l.bedrag;
    }
    return { month: m.start.slice(0, 7), lines: r.lines, findings: r.findings };
  });
}

const total = (claims: ReturnType<typeof yearOfClaims>) =>
  claims.flatMap((c) => c.lines).reduce((s, l) => s + l.bedrag, 0);

describe('seed protocol amounts under iWmo 3.2', () => {
  it('care every period of 2019: 12 monthly lines summing to 13 × tariff, in euro units (CS339)', () => {
    const claims = yearOfClaims(huishoudenCak(), [{ begindatum: '2019-01-01', start: 'gemeld' }]);
    expect(claims.map((c) => c.lines.length)).toEqual(Array(12).fill(1));
    expect(total(claims)).toBe(13 * HO1);
    for (const l of claims.flatMap((c) => c.lines)) {
      expect(l).toMatchObject({ eenheid: '83', volume: l.bedrag });
      expect(l.tarief).toBeUndefined();
    }
  });

  it('the 53-week year 2026: period 13 lasts 35 days and is still one tariff', () => {
    const p1 = periodByNumber('cak4w', 2026, 1);
    const p13 = periodByNumber('cak4w', 2026, 13);
    expect([p1.start, p13.start, p13.end]).toEqual(['2025-12-29', '2026-11-30', '2027-01-03']);
    const t = huishoudenCak({ ingangsdatum: p1.start, einddatum: p13.end });
    expect(total(yearOfClaims(t, [{ begindatum: p1.start, start: 'gemeld' }]))).toBe(13 * HO1);
  });

  it('a temporary stop over one whole CAK period leaves that period unbilled: 12 × tariff', () => {
    // P5 2019 = 22 Apr … 19 May. Stop (20) on Sunday 21 Apr, restart Monday 20 May.
    const leveringen: Levering[] = [
      {
        begindatum: '2019-01-01',
        start: 'gemeld',
        stop: { einddatum: '2019-04-21', redenBeeindiging: '20' },
      },
      { begindatum: '2019-05-20', start: 'gemeld' },
    ];
    expect(total(yearOfClaims(huishoudenCak(), leveringen))).toBe(12 * HO1);
    // One day of care inside P5 bills it whole again.
    const oneDay: Levering[] = [
      { ...(leveringen[0] as Levering), stop: { einddatum: '2019-04-22', redenBeeindiging: '20' } },
      leveringen[1] as Levering,
    ];
    expect(total(yearOfClaims(huishoudenCak(), oneDay))).toBe(13 * HO1);
  });

  it('a client who died mid-period is billed to the end of that period and not after', () => {
    // Died 5 June 2019, in P6 (20 May … 16 June): P1–P6 billed, June holds P6's June days only.
    const leveringen: Levering[] = [
      {
        begindatum: '2019-01-01',
        start: 'gemeld',
        stop: { einddatum: '2019-06-05', redenBeeindiging: '02' },
      },
    ];
    const claims = yearOfClaims(huishoudenCak(), leveringen);
    expect(total(claims)).toBe(6 * HO1);
    const june = claims.find((c) => c.month === '2019-06');
    expect(june?.lines[0]?.productPeriode).toEqual({ begindatum: '2019-06-01', einddatum: '2019-06-16' });
    expect(claims.filter((c) => c.month > '2019-06').every((c) => c.lines.length === 0)).toBe(true);
  });

  it('waits for the last CAK period touching the month to end before claiming it', () => {
    const r = claimLines({
      toewijzing: huishoudenCak(),
      leveringen: [{ begindatum: '2019-01-01', start: 'gemeld' }],
      maand: maand(2019, 1),
      contract: seedContract,
      eerder: { volume: 0, bedrag: 0 },
      peildatum: '2019-02-24', // P2 ends on 24 Feb: January's share of P2 is final only after it
    });
    expect(r.findings).toEqual([expect.objectContaining({ reason: 'periode-niet-gesloten' })]);
  });

  it('reports a product without a tariff (meal support before the contract started)', () => {
    const t = huishoudenCak({ product: { categorie: '06', code: 'MAO' }, ingangsdatum: '2018-12-01' });
    const r = claimLines({
      toewijzing: t,
      leveringen: [{ begindatum: '2018-12-01', start: 'gemeld' }],
      maand: maand(2018, 12),
      contract: seedContract,
      eerder: { volume: 0, bedrag: 0 },
    });
    // P13 2018 (3 Dec … 30 Dec) has no tariff; P1 2019's December share (31 Dec) has one.
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'TR418', reason: 'geen-tarief' }));
    expect(r.lines[0]?.bedrag).toBeGreaterThan(0);
  });
});

describe('splitting a period amount over months', () => {
  it('largest remainder: parts add up to the amount and differ from the exact share by less than a cent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc
          .array(fc.integer({ min: 0, max: 35 }), { minLength: 1, maxLength: 3 })
          .filter((w) => w.some((x) => x > 0)),
        (amount, weights) => {
          const parts = splitByLargestRemainder(amount, weights);
          const sum = weights.reduce((s, w) => s + w, 0);
          expect(parts.reduce((s, p) => s + p, 0)).toBe(amount);
          parts.forEach((p, i) => {
            expect(Math.abs(p - (amount * (weights[i] as number)) / sum)).toBeLessThan(1);
          });
        },
      ),
    );
  });

  it('over many years and start dates: billed total = tariff × periods with care, whatever the stops', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2019, max: 2040 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 20, max: 500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 70 })), {
          maxLength: 3,
        }),
        (year, offset, length, stops) => {
          const ingangsdatum = addDays(`${year}-01-01`, offset);
          const einddatum = addDays(ingangsdatum, length);
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
          const t = huishoudenCak({ ingangsdatum, einddatum });
          // Expected: the CAK periods holding at least one care day.
          const careDays = new Set<string>();
          for (const l of leveringen) {
            const end = l.stop?.einddatum ?? einddatum;
            for (let d = l.begindatum; d <= end; d = addDays(d, 1)) careDays.add(d);
          }
          const billed = periodsOverlapping(ingangsdatum, einddatum, 'cak4w').filter((p) =>
            [...careDays].some((d) => p.start <= d && d <= p.end),
          ).length;
          expect(total(yearOfClaims(t, leveringen))).toBe(billed * HO1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('every CAK year 2019–2060 with care throughout sums to exactly 13 × tariff', () => {
    for (let year = 2019; year <= 2060; year++) {
      const first = periodByNumber('cak4w', year, 1).start;
      const last = periodByNumber('cak4w', year, 13).end;
      const t = huishoudenCak({ ingangsdatum: first, einddatum: last });
      expect(total(yearOfClaims(t, [{ begindatum: first, start: 'gemeld' }])), String(year)).toBe(13 * HO1);
    }
  });
});
