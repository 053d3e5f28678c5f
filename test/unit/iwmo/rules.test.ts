import { describe, expect, it } from 'vitest';
import { checkRules, decode, encode, type IwmoMessage, rules } from '../../../iwmo';
import { decodedSample, heenNumbers, sample } from './samples';

/* Each in-message rule, broken once on a sample, is reported with its rule id, retour code and path. */

const rulesOf = (m: IwmoMessage, today?: string) => checkRules(m, today ? { today } : {}).map((f) => f.rule);
const clone = <T>(v: T): T => structuredClone(v);

function toewijzing() {
  const m = clone(decodedSample('WMO301'));
  const p = m.bericht.Client.ToegewezenProducten.ToegewezenProduct[0];
  if (!p) throw new Error('sample has a product');
  return { m, p };
}

function declaratie() {
  const m = clone(decodedSample('WMO323'));
  const p = m.bericht.Declaratie.Clienten.Client[0]?.Prestaties.Prestatie[0];
  if (!p) throw new Error('sample has a line');
  return { m, p };
}

describe('the samples pass every rule', () => {
  it.each(heenNumbers)('WMO%s has no findings', (nr) => {
    const res = decode(sample(nr), { today: '2026-11-25' });
    expect(res.ok && res.value.findings).toEqual([]);
  });

  it('every catalogued rule has a text, a hint and a retour code', () => {
    for (const [id, rule] of Object.entries(rules)) {
      expect(rule.id, id).toBe(id);
      expect(rule.text.length).toBeGreaterThan(10);
      expect(rule.hint.length).toBeGreaterThan(10);
    }
  });
});

describe('301 toewijzing', () => {
  it('CS002: a BSN that fails the 11-proef, reported as 0001 on its path', () => {
    const { m } = toewijzing();
    m.bericht.Client.Bsn = '999900007';
    const [f] = checkRules(m);
    expect(f).toMatchObject({ rule: 'CS002', retourCode: '0001', path: '/Bericht/Client/Bsn' });
    expect(f?.message).toMatch(/11-proef/);
    expect(JSON.stringify(f)).not.toContain('999900007');
  });

  it('CS003: Einddatum before Ingangsdatum', () => {
    const { m, p } = toewijzing();
    p.Einddatum = '2022-12-31';
    expect(rulesOf(m)).toContain('CS003');
  });

  it('CS335/CS336: RedenWijziging 13 needs Einddatum = Ingangsdatum; 01 is retired', () => {
    const { m, p } = toewijzing();
    p.RedenWijziging = '13';
    expect(rulesOf(m)).toContain('CS335');
    p.Einddatum = p.Ingangsdatum;
    expect(rulesOf(m)).not.toContain('CS335');
    p.RedenWijziging = '01';
    expect(rulesOf(m)).toContain('CS336');
  });

  it('CD041/CD077/CD078/CD079: Product, Omvang and Budget go together as the standard says', () => {
    const { m, p } = toewijzing();
    p.Budget = 10_000;
    expect(rulesOf(m)).toEqual(expect.arrayContaining(['CD077', 'CD078']));
    const a = toewijzing();
    delete a.p.Omvang;
    expect(rulesOf(a.m)).toContain('CD041');
    const b = toewijzing();
    delete b.p.Product;
    delete b.p.Omvang;
    expect(rulesOf(b.m)).toContain('CD079');
  });

  it('CD075/CD076: Einddatum required with a Budget or a weekly Frequentie', () => {
    const { m, p } = toewijzing();
    delete p.Einddatum;
    if (p.Omvang) p.Omvang.Frequentie = '2';
    expect(rulesOf(m)).toContain('CD076');
    delete p.Omvang;
    p.Budget = 500;
    expect(rulesOf(m)).toContain('CD075');
  });

  it('CS338: units per etmaal/dagdeel/euro/stuks need Frequentie 2, 4 or 6', () => {
    const { m, p } = toewijzing();
    p.Omvang = { Volume: 3, Eenheid: '14', Frequentie: '1' };
    expect(rulesOf(m)).toContain('CS338');
  });

  it('CS318/CS050 and TR061: NaamGebruik 6 for a client, and a client without a usable address', () => {
    const { m } = toewijzing();
    m.bericht.Client.Naam.NaamGebruik = '6';
    expect(rulesOf(m)).toEqual(expect.arrayContaining(['CS318', 'CS050']));
    for (const c of m.bericht.Client.Contactgegevens.Contact) c.Soort = '04';
    expect(rulesOf(m)).toContain('TR061');
  });

  it('TR135: a Dagtekening after today is 8848, and only when today is known', () => {
    const { m } = toewijzing();
    m.bericht.Header.BerichtIdentificatie.Dagtekening = '2030-01-01';
    expect(rulesOf(m)).not.toContain('TR135');
    expect(checkRules(m, { today: '2026-11-25' })).toContainEqual(
      expect.objectContaining({ rule: 'TR135', retourCode: '8848' }),
    );
  });
});

describe('305/307 start and stop', () => {
  it('CS058: StatusAanlevering 2 is not allowed', () => {
    const m = clone(decodedSample('WMO305'));
    const p = m.bericht.Client.StartProducten.StartProduct[0];
    if (p) p.StatusAanlevering = '2';
    expect(checkRules(m)[0]).toMatchObject({
      rule: 'CS058',
      path: '/Bericht/Client/StartProducten/StartProduct[1]/StatusAanlevering',
    });
  });

  it('TR018: a stop that ends before it began', () => {
    const m = clone(decodedSample('WMO307'));
    const p = m.bericht.Client.StopProducten.StopProduct[1];
    if (p) p.Einddatum = '2000-01-01';
    expect(checkRules(m).map((f) => [f.rule, f.path])).toContainEqual([
      'TR018',
      '/Bericht/Client/StopProducten/StopProduct[2]/Einddatum',
    ]);
  });
});

describe('315/317/319 requests and answer', () => {
  it('TR383: ReferentieAanbieder unique within a 315', () => {
    const m = clone(decodedSample('WMO315'));
    const [a, b] = m.bericht.Client.AangevraagdeProducten.AangevraagdProduct;
    if (a && b) b.ReferentieAanbieder = a.ReferentieAanbieder;
    expect(rulesOf(m)).toContain('TR383');
  });

  it('TR352/TR353: a 317 that names nothing to change', () => {
    const m = clone(decodedSample('WMO317'));
    const v = m.bericht.Client.Verzoek;
    delete v.TeWijzigenProducten;
    delete v.NieuweProducten;
    expect(rulesOf(m)).toContain('TR353');
  });

  it('CD085/CD086: a rejection needs a reason; "in onderzoek" has none', () => {
    const m = clone(decodedSample('WMO319'));
    delete m.bericht.Antwoord.RedenAfwijzingVerzoek;
    m.bericht.Antwoord.VerzoekAntwoord = '1';
    expect(rulesOf(m)).toContain('CD085');
    m.bericht.Antwoord.VerzoekAntwoord = '2';
    m.bericht.Antwoord.RedenAfwijzingVerzoek = '1';
    expect(rulesOf(m)).toContain('CD086');
  });
});

describe('323 declaratie', () => {
  it('CS340: the DeclaratiePeriode is one whole calendar month', () => {
    const { m } = declaratie();
    m.bericht.Declaratie.DeclaratiePeriode.Einddatum = m.bericht.Declaratie.DeclaratiePeriode.Begindatum;
    expect(rulesOf(m)).toContain('CS340');
  });

  it('CS337: a ProductPeriode crossing a month', () => {
    const { m, p } = declaratie();
    p.ProductPeriode.Einddatum = '2023-05-02';
    expect(rulesOf(m)).toContain('CS337');
  });

  it('TR346 (9346): amount ≠ volume × tariff; TR358: total ≠ sum of lines', () => {
    const { m, p } = declaratie();
    p.IngediendBedrag.Bedrag += 1;
    const found = checkRules(m);
    expect(found).toContainEqual(expect.objectContaining({ rule: 'TR346', retourCode: '9346' }));
    expect(found.map((f) => f.rule)).toContain('TR358');
  });

  it('CD087/CS339: euro lines carry no tariff and claim their volume', () => {
    const { m, p } = declaratie();
    p.Eenheid = '83';
    expect(rulesOf(m)).toContain('CD087');
    delete p.ProductTarief;
    p.GeleverdVolume = p.IngediendBedrag.Bedrag + 5;
    expect(rulesOf(m)).toContain('CS339');
  });

  it('CD060/TR316: a credit names the line it credits, and not one in the same message', () => {
    const { m, p } = declaratie();
    p.IngediendBedrag.DebetCredit = 'C';
    expect(rulesOf(m)).toContain('CD060');
    const other = m.bericht.Declaratie.Clienten.Client[0]?.Prestaties.Prestatie[1];
    p.ProductReferentie.VorigReferentieNummer = other?.ProductReferentie.ReferentieNummer ?? 'x';
    expect(rulesOf(m)).toContain('TR316');
  });

  it('TR416: two debit lines for the same toewijzing, product and period', () => {
    const { m, p } = declaratie();
    const lines = m.bericht.Declaratie.Clienten.Client[0]?.Prestaties.Prestatie;
    lines?.push({ ...clone(p), ProductReferentie: { ReferentieNummer: 'EXTRA-1' } });
    expect(rulesOf(m)).toContain('TR416');
  });

  it('encode refuses a declaration that would draw a 0001, naming rule and path', () => {
    const { m } = declaratie();
    m.bericht.Declaratie.DeclaratiePeriode.Begindatum = '2023-04-02';
    const out = encode(m);
    expect(out.ok).toBe(false);
    expect(out.findings[0]).toMatchObject({ rule: 'CS340', path: '/Bericht/Declaratie/DeclaratiePeriode' });
    expect(out.findings[0]?.hint.length).toBeGreaterThan(10);
  });
});
