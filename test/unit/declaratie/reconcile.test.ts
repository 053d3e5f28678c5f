import { describe, expect, it } from 'vitest';
import {
  assembleDeclaratie,
  claimLines,
  type Declaratieregel,
  proposeCreditEnDebet,
  proposeHerindiening,
  type RegelInBericht,
  reconcile325,
  referentieNummer,
  type Wmo323,
} from '../../../declaratie';
import { validateDeclaratie } from '../../../declaratie/validate';
import { buildDeclaratieAntwoord, decode, encode, type RetourCode } from '../../../iwmo';
import { validateWithXsd } from '../../support/xmllint';
import { xsdOf } from '../iwmo/samples';
import { bsnFor, hulpPerUur, maand, nationalContract } from './support';

const toewijzingen = Array.from({ length: 4 }, (_, i) =>
  hulpPerUur({
    toewijzingNummer: 7000 + i,
    bsn: bsnFor(i),
    ingangsdatum: '2026-01-05',
    einddatum: '2026-06-30',
  }),
);

function regelsVan(month: number): RegelInBericht[] {
  return toewijzingen.map((t) => {
    const line = claimLines({
      toewijzing: t,
      leveringen: [{ begindatum: t.ingangsdatum, start: 'gemeld' }],
      maand: maand(2026, month),
      contract: nationalContract,
      eerder: { volume: 0, bedrag: 0 },
    }).lines[0] as Declaratieregel;
    const ref = referentieNummer({
      gemeente: '0384',
      toewijzingNummer: t.toewijzingNummer,
      periode: line.productPeriode.begindatum,
      productCode: line.code,
      volgnummer: 0,
    });
    return { ...line, referentieNummer: ref, debetCredit: 'D' };
  });
}

function sent323(regels: RegelInBericht[], month: number, nr: string): Wmo323 {
  const res = assembleDeclaratie({
    aanbieder: '42420001',
    gemeente: '0384',
    declaratieNummer: nr,
    berichtIdentificatie: { identificatie: nr, dagtekening: `2026-0${month + 1}-03` },
    maand: maand(2026, month),
    regels,
    periodsPerMessage: 'several',
  });
  if (!res.ok) throw new Error(JSON.stringify(res.findings));
  return res.message;
}

/** The gemeente's 325 as the simulator builds it, sent through XML and back. */
function answer(decl: Wmo323, rejected: Record<string, RetourCode[]> = {}, declaratie?: RetourCode) {
  const built = buildDeclaratieAntwoord(
    decl,
    { prestaties: new Map(Object.entries(rejected)), ...(declaratie ? { declaratie } : {}) },
    { identificatie: 'A1', dagtekening: '2026-02-10' },
  );
  const xml = encode(built);
  if (!xml.ok) throw new Error(JSON.stringify(xml.findings));
  const back = decode(xml.xml);
  if (!back.ok || back.value.message.type !== 'WMO325') throw new Error('325 did not decode');
  return back.value.message;
}

const regels = regelsVan(1);
const decl = sent323(regels, 1, 'D1');
const [r0, r1, r2] = regels as [RegelInBericht, RegelInBericht, RegelInBericht];

describe('325 reconciliation', () => {
  it('fully awarded: every line toegekend', () => {
    const res = reconcile325(decl, answer(decl));
    expect(res.kind === 'beoordeeld' && res.lines.every((l) => l.status === 'toegekend')).toBe(true);
    expect(res.kind === 'beoordeeld' && res.totaalToegekend).toBe(regels.reduce((s, r) => s + r.bedrag, 0));
  });

  it('two lines rejected: those two afgewezen with their codes, the rest awarded', () => {
    const res = reconcile325(
      decl,
      answer(decl, { [r0.referentieNummer]: ['0611'], [r1.referentieNummer]: ['9308'] }),
    );
    expect(res).toEqual({
      kind: 'beoordeeld',
      totaalToegekend: regels.slice(2).reduce((s, r) => s + r.bedrag, 0),
      lines: regels.map((r, i) =>
        i === 0
          ? { referentieNummer: r.referentieNummer, status: 'afgewezen', retourCodes: ['0611'] }
          : i === 1
            ? { referentieNummer: r.referentieNummer, status: 'afgewezen', retourCodes: ['9308'] }
            : { referentieNummer: r.referentieNummer, status: 'toegekend' },
      ),
    });
  });

  it('a code on the Declaratie class (9333) or a technical 0001: the declaration counts as not sent', () => {
    expect(reconcile325(decl, answer(decl, {}, '9333'))).toEqual({
      kind: 'niet-verwerkt',
      retourCodes: ['9333'],
    });
    const technical = buildDeclaratieAntwoord(
      decl,
      { findings: [{ rule: 'TR358', retourCode: '0001', path: '/', message: 'x', hint: 'x' }] },
      { identificatie: 'A2', dagtekening: '2026-02-10' },
    );
    expect(reconcile325(decl, technical)).toEqual({ kind: 'niet-verwerkt', retourCodes: ['0001'] });
  });

  it('a 325 of another 323, another number or total, an unknown or changed line: mismatch naming the rule', () => {
    const other = sent323(regelsVan(2), 2, 'D2');
    const rules = (a: ReturnType<typeof answer>) => {
      const res = reconcile325(decl, a);
      return res.kind === 'mismatch' ? res.mismatches.map((m) => m.rule) : res.kind;
    };
    expect(rules(answer(other))).toEqual(expect.arrayContaining(['IV087', 'TR367']));
    const good = answer(decl, { [r2.referentieNummer]: ['9321'] });
    const da = good.bericht.DeclaratieAntwoord as NonNullable<typeof good.bericht.DeclaratieAntwoord>;
    const mutate = (change: (d: typeof da) => void) => {
      const copy = structuredClone(good);
      change(copy.bericht.DeclaratieAntwoord as typeof da);
      return copy;
    };
    expect(rules(mutate((d) => (d.DeclaratieNummer = 'D9')))).toEqual(['TR367']);
    expect(rules(mutate((d) => (d.TotaalIngediendBedrag.TotaalBedrag += 1)))).toContain('TR367');
    const firstLine = (d: typeof da) => {
      const p = d.Clienten?.Client[0]?.Prestaties.Prestatie[0];
      if (!p) throw new Error('the 325 lists no line');
      return p;
    };
    expect(rules(mutate((d) => (firstLine(d).ProductReferentie.ReferentieNummer = 'ONBEKEND')))).toEqual([
      'TR366',
    ]);
    expect(rules(mutate((d) => (firstLine(d).GeleverdVolume += 1)))).toEqual(['TR367']);
    expect(rules(mutate((d) => (d.TotaalToegekendBedrag.TotaalBedrag += 5)))).toEqual(['TR342']);
  });
});

describe('correction proposals', () => {
  const ctx = (i: number) => ({
    gemeente: '0384',
    toewijzing: toewijzingen[i] as (typeof toewijzingen)[0],
    contract: nationalContract,
  });

  it('0611: the contract tariff, amount = volume × tariff, a new ReferentieNummer', () => {
    const wrong: RegelInBericht = { ...r0, tarief: 3000, bedrag: r0.volume * 3000 };
    const p = proposeHerindiening(ctx(0), wrong, ['0611']);
    expect(p).toMatchObject({
      soort: 'herindienen',
      controleNodig: false,
      regel: { tarief: 3320, bedrag: r0.volume * 3320, correctie: true },
      wijzigingen: [{ veld: 'tarief', retourCode: '0611' }],
    });
    expect(p.soort === 'herindienen' && p.regel.referentieNummer).not.toBe(r0.referentieNummer);
  });

  it('9308/9387: the period clipped to the toewijzing, or the month inside it', () => {
    const late: RegelInBericht = {
      ...r1,
      productPeriode: { begindatum: '2026-01-02', einddatum: '2026-01-31' },
    };
    expect(proposeHerindiening(ctx(1), late, ['9307'])).toMatchObject({
      regel: { productPeriode: { begindatum: '2026-01-05', einddatum: '2026-01-31' } },
    });
    const short: RegelInBericht = {
      ...r1,
      productPeriode: { begindatum: '2026-01-10', einddatum: '2026-01-20' },
    };
    expect(proposeHerindiening(ctx(1), short, ['9387'])).toMatchObject({
      regel: { productPeriode: { begindatum: '2026-01-05', einddatum: '2026-01-31' } },
    });
  });

  it('volume codes need a person; hopeless codes propose giving up', () => {
    expect(proposeHerindiening(ctx(2), r2, ['9322'])).toMatchObject({
      soort: 'herindienen',
      controleNodig: true,
    });
    expect(proposeHerindiening(ctx(2), r2, ['9384'])).toMatchObject({ soort: 'opgeven-voorstel' });
  });

  it('a resubmitted rejected line and the rest of a later month make a valid 323', () => {
    const p = proposeHerindiening(ctx(0), { ...r0, tarief: 3000, bedrag: r0.volume * 3000 }, ['0611']);
    if (p.soort !== 'herindienen') throw new Error('expected a resubmission');
    const next = sent323([...regelsVan(2), p.regel], 2, 'D2');
    const v = validateDeclaratie(next);
    expect(v.ok && validateWithXsd(v.xml, xsdOf('323')).valid).toBe(true);
  });

  it('an awarded wrong line: credit with the same units and tariff, new debit, both in a later 323 (IV091, TR316)', () => {
    const c = proposeCreditEnDebet(ctx(3), regels[3] as RegelInBericht, { volume: 2 });
    if ('fout' in c) throw new Error(c.fout);
    const orig = regels[3] as RegelInBericht;
    expect(c.credit).toMatchObject({
      debetCredit: 'C',
      vorigReferentieNummer: orig.referentieNummer,
      volume: orig.volume,
      tarief: orig.tarief,
      bedrag: orig.bedrag,
      eenheid: orig.eenheid,
    });
    expect(c.debet).toMatchObject({
      debetCredit: 'D',
      volume: 2,
      tarief: orig.tarief,
      bedrag: 2 * (orig.tarief as number),
    });
    expect(c.debet.vorigReferentieNummer).toBeUndefined();
    // In the original's message the credit is refused (TR316); in a later one both fit and pass iwmo/ and the XSD.
    const same = assembleDeclaratie({
      aanbieder: '42420001',
      gemeente: '0384',
      declaratieNummer: 'D1',
      berichtIdentificatie: { identificatie: 'D1', dagtekening: '2026-02-03' },
      maand: maand(2026, 1),
      regels: [...regels, c.credit],
      periodsPerMessage: 'several',
    });
    expect(same.ok ? [] : same.findings.map((f) => f.rule)).toContain('TR316');
    const later = sent323([...regelsVan(2), c.credit, c.debet], 2, 'D2');
    const v = validateDeclaratie(later);
    if (!v.ok) throw new Error(JSON.stringify(v.findings));
    expect(validateWithXsd(v.xml, xsdOf('323')).valid).toBe(true);
  });
});
