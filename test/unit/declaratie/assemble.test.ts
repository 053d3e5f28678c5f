import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../calendar';
import {
  assembleDeclaratie,
  claimLines,
  type DeclaratieInput,
  type Declaratieregel,
  type RegelInBericht,
  referentieNummer,
  volgnummerOf,
} from '../../../declaratie';
import { validateDeclaratie } from '../../../declaratie/validate';
import { decode } from '../../../iwmo';
import { validateWithXsd } from '../../support/xmllint';
import { xsdOf } from '../iwmo/samples';
import { bsnFor, hulpPerUur, maand, nationalContract } from './support';

function toBericht(line: Declaratieregel, volgnummer = 0): RegelInBericht {
  return {
    ...line,
    debetCredit: 'D',
    referentieNummer: referentieNummer({
      gemeente: '0384',
      toewijzingNummer: line.toewijzingNummer,
      periode: line.productPeriode.begindatum,
      productCode: line.code,
      volgnummer,
    }),
  };
}

function input(regels: RegelInBericht[], month: [number, number], nr = 'D2026M1'): DeclaratieInput {
  const m = maand(...month);
  return {
    aanbieder: '42420001',
    gemeente: '0384',
    declaratieNummer: nr,
    berichtIdentificatie: { identificatie: nr, dagtekening: addDays(m.einddatum, 3) },
    maand: m,
    regels,
    periodsPerMessage: 'several',
  };
}

/** 20 toewijzingen of gemeente 0384 with different products and starts, all started (305 approved). */
const toewijzingen = Array.from({ length: 20 }, (_, i) => {
  const products = [
    { product: { categorie: '01', code: '01A01' }, omvang: { volume: 4, eenheid: '04', frequentie: '2' } },
    { product: { categorie: '01', code: '01A01' }, omvang: { volume: 10, eenheid: '01', frequentie: '1' } },
    { product: { categorie: '02', code: '02A01' }, omvang: { volume: 3, eenheid: '04', frequentie: '2' } },
    { product: { categorie: '05', code: '05A01' }, omvang: { volume: 1, eenheid: '82', frequentie: '4' } },
  ] as const;
  const variant = products[i % products.length] as (typeof products)[number];
  return hulpPerUur({
    toewijzingNummer: 5000 + i,
    bsn: bsnFor(i),
    ingangsdatum: addDays('2026-01-01', i),
    einddatum: '2026-12-31',
    product: variant.product,
    omvang: variant.omvang,
  });
});

describe('assembling 323s', () => {
  it('20 toewijzingen, 3 months: one XSD-valid 323 per month, totals = sum of lines, iwmo/ rules pass', () => {
    const eerder = new Map<number, { volume: number; bedrag: number }>();
    for (const month of [1, 2, 3]) {
      const lines = toewijzingen.flatMap((t) => {
        const before = eerder.get(t.toewijzingNummer) ?? { volume: 0, bedrag: 0 };
        const r = claimLines({
          toewijzing: t,
          leveringen: [{ begindatum: t.ingangsdatum, start: 'gemeld' }],
          maand: maand(2026, month),
          contract: nationalContract,
          eerder: before,
        });
        for (const l of r.lines)
          eerder.set(t.toewijzingNummer, {
            volume: before.volume + l.volume,
            bedrag: before.bedrag + l.bedrag,
          });
        return r.lines;
      });
      expect(lines).toHaveLength(20);
      const assembled = assembleDeclaratie(
        input(
          lines.map((l) => toBericht(l)),
          [2026, month],
          `D2026M${month}`,
        ),
      );
      if (!assembled.ok) throw new Error(JSON.stringify(assembled.findings));
      const decl = assembled.message.bericht.Declaratie;
      const sum = lines.reduce((s, l) => s + l.bedrag, 0);
      expect(decl.TotaalIngediendBedrag).toEqual({ TotaalBedrag: sum, DebetCredit: 'D' });
      expect(decl.Clienten.Client).toHaveLength(20);

      const validated = validateDeclaratie(assembled.message, '2026-12-31');
      if (!validated.ok) throw new Error(JSON.stringify(validated.findings));
      const xsd = validateWithXsd(validated.xml, xsdOf('323'));
      expect(xsd.valid, xsd.output).toBe(true);
      const back = decode(validated.xml);
      expect(back.ok && back.value.message).toEqual(assembled.message);
    }
  });

  it('a credit beside a debit of another toewijzing sums signed; a zero total is D (TR358, CS325)', () => {
    const [a, b] = toewijzingen.slice(0, 2).map((t) => {
      const r = claimLines({
        toewijzing: t,
        leveringen: [{ begindatum: t.ingangsdatum, start: 'gemeld' }],
        maand: maand(2026, 1),
        contract: nationalContract,
        eerder: { volume: 0, bedrag: 0 },
      });
      return toBericht(r.lines[0] as Declaratieregel);
    }) as [RegelInBericht, RegelInBericht];
    const credit: RegelInBericht = {
      ...a,
      debetCredit: 'C',
      vorigReferentieNummer: a.referentieNummer,
      referentieNummer: `${a.referentieNummer.slice(0, -2)}01`,
      correctie: true,
    };
    const res = assembleDeclaratie(input([credit, b], [2026, 2]));
    if (!res.ok) throw new Error(JSON.stringify(res.findings));
    expect(res.message.bericht.Declaratie.TotaalIngediendBedrag).toEqual({
      TotaalBedrag: Math.abs(b.bedrag - a.bedrag),
      DebetCredit: b.bedrag - a.bedrag < 0 ? 'C' : 'D',
    });
    const validated = validateDeclaratie(res.message);
    expect(validated.ok && validateWithXsd(validated.xml, xsdOf('323')).valid).toBe(true);
    const zero = assembleDeclaratie(
      input(
        [credit, { ...a, referentieNummer: `${a.referentieNummer.slice(0, -2)}02`, correctie: true }],
        [2026, 2],
      ),
    );
    expect(zero.ok && zero.message.bericht.Declaratie.TotaalIngediendBedrag).toEqual({
      TotaalBedrag: 0,
      DebetCredit: 'D',
    });
  });

  it('refuses a debit and its credit in one message (TR316), a bad number, a period that is no month', () => {
    const line = toBericht(
      claimLines({
        toewijzing: toewijzingen[0] as (typeof toewijzingen)[0],
        leveringen: [{ begindatum: '2026-01-01', start: 'gemeld' }],
        maand: maand(2026, 1),
        contract: nationalContract,
        eerder: { volume: 0, bedrag: 0 },
      }).lines[0] as Declaratieregel,
    );
    const credit = {
      ...line,
      debetCredit: 'C' as const,
      vorigReferentieNummer: line.referentieNummer,
      referentieNummer: 'X1',
    };
    const rules = (i: DeclaratieInput) => {
      const r = assembleDeclaratie(i);
      return r.ok ? [] : r.findings.map((f) => f.rule);
    };
    expect(rules(input([line, credit], [2026, 1]))).toEqual(['TR316']);
    expect(rules(input([line], [2026, 1], 'D-2026-01'))).toEqual(['TR333']);
    expect(
      rules({ ...input([line], [2026, 1]), maand: { begindatum: '2026-01-01', einddatum: '2026-01-28' } }),
    ).toContain('CS340');
    expect(rules(input([line], [2025, 12]))).toEqual(['TR319']);
    expect(rules(input([line, { ...line, referentieNummer: 'X2' }], [2026, 1]))).toEqual(['TR416']);
    expect(rules(input([], [2026, 1]))).toEqual(['XSD']);
  });

  it('one period per 323 (seed profile): new care of an earlier month is refused, a correction is not', () => {
    const line = toBericht(
      claimLines({
        toewijzing: toewijzingen[0] as (typeof toewijzingen)[0],
        leveringen: [{ begindatum: '2026-01-01', start: 'gemeld' }],
        maand: maand(2026, 1),
        contract: nationalContract,
        eerder: { volume: 0, bedrag: 0 },
      }).lines[0] as Declaratieregel,
    );
    const one = { ...input([line], [2026, 2]), periodsPerMessage: 'one' as const };
    expect(assembleDeclaratie(one)).toMatchObject({ ok: false, findings: [{ rule: 'profile' }] });
    expect(assembleDeclaratie({ ...one, regels: [{ ...line, correctie: true }] }).ok).toBe(true);
    expect(assembleDeclaratie({ ...one, periodsPerMessage: 'several' }).ok).toBe(true);
  });
});

describe('ReferentieNummer', () => {
  const parts = fc.record({
    gemeente: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    toewijzingNummer: fc.integer({ min: 0, max: 999_999_999 }),
    periode: fc.integer({ min: 0, max: 365 * 60 }).map((d) => addDays('2000-01-01', d)),
    productCode: fc.stringMatching(/^[A-Z0-9]{1,5}$/),
    volgnummer: fc.integer({ min: 0, max: 1295 }),
  });

  it('is at most 20 letters and digits, deterministic, and keeps its sequence number', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const ref = referentieNummer(p);
        expect(ref).toMatch(/^[A-Z0-9]{1,20}$/);
        expect(referentieNummer(p)).toBe(ref);
        expect(volgnummerOf(ref)).toBe(p.volgnummer);
      }),
    );
  });

  it('differs when any part differs (same month counts as the same period)', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const same =
          a.gemeente === b.gemeente &&
          a.toewijzingNummer === b.toewijzingNummer &&
          a.periode.slice(0, 7) === b.periode.slice(0, 7) &&
          a.productCode === b.productCode &&
          a.volgnummer === b.volgnummer;
        expect(referentieNummer(a) === referentieNummer(b)).toBe(same);
      }),
    );
  });
});
