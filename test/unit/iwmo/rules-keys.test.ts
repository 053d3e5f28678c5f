import { describe, expect, it } from 'vitest';
import { buildDeclaratieAntwoord, checkRules } from '../../../iwmo';
import { clone, first, found, PRODUCT, rulesOf, toewijzing } from './rule-helpers';
import { decodedSample } from './samples';

/*
 * TR101 (logical keys), the overlap rules TR302/TR386/TR410, the 315 referrer, the VOW's dates and the
 * 323/325 periods: each broken once on a cloned sample; subtle valid variants shown to pass.
 */

describe('TR101: no logical key twice', () => {
  it('301: ToegewezenProduct by ToewijzingNummer, Relatie by Nummer, Contact by Soort', () => {
    const { m, client, contact } = toewijzing();
    const p = first(client.ToegewezenProducten.ToegewezenProduct);
    client.ToegewezenProducten.ToegewezenProduct.push({
      ...clone(p),
      Ingangsdatum: '2024-01-01',
      Einddatum: '2024-12-31',
    });
    expect(found(m)).toEqual([['TR101', `${PRODUCT}[2]`]]);
    const b = toewijzing();
    const relaties = b.client.Relaties?.Relatie ?? [];
    const [r1, r2] = relaties;
    if (r1 && r2) r2.Nummer = r1.Nummer;
    b.client.Contactgegevens.Contact.push(clone(contact));
    expect(found(b.m)).toEqual(
      expect.arrayContaining([
        ['TR101', '/Bericht/Client/Relaties/Relatie[2]'],
        ['TR101', '/Bericht/Client/Contactgegevens/Contact[2]'],
      ]),
    );
  });

  it('305/307: the same start or stop twice; a different Begindatum is another key', () => {
    const start = clone(decodedSample('WMO305'));
    const starts = start.bericht.Client.StartProducten.StartProduct;
    starts.push(clone(first(starts)));
    expect(found(start)).toContainEqual(['TR101', '/Bericht/Client/StartProducten/StartProduct[3]']);
    const last = starts[2];
    if (last) last.Begindatum = '2025-04-10';
    expect(rulesOf(start)).toEqual([]);
    const stop = clone(decodedSample('WMO307'));
    const stops = stop.bericht.Client.StopProducten.StopProduct;
    stops.push(clone(first(stops)));
    expect(rulesOf(stop)).toContain('TR101');
  });

  it('315 by ReferentieAanbieder; 317 by ToewijzingNummer and by Product + GewensteIngangsdatum', () => {
    const vot = clone(decodedSample('WMO315'));
    const [a, b] = vot.bericht.Client.AangevraagdeProducten.AangevraagdProduct;
    if (a && b) b.ReferentieAanbieder = a.ReferentieAanbieder;
    expect(rulesOf(vot)).toEqual(expect.arrayContaining(['TR101', 'TR383']));
    const vow = clone(decodedSample('WMO317'));
    const v = vow.bericht.Client.Verzoek;
    const ongewijzigd = v.OngewijzigdeProducten?.OngewijzigdProduct;
    ongewijzigd?.push(clone(first(ongewijzigd)));
    const te = v.TeWijzigenProducten?.TeWijzigenProduct;
    te?.push(clone(first(te)));
    expect(found(vow)).toEqual([
      ['TR101', '/Bericht/Client/Verzoek/OngewijzigdeProducten/OngewijzigdProduct[2]'],
      ['TR101', '/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[2]'],
    ]);
    const vow2 = clone(decodedSample('WMO317'));
    const nieuw = vow2.bericht.Client.Verzoek.NieuweProducten?.NieuwProduct;
    nieuw?.push(clone(first(nieuw)));
    expect(rulesOf(vow2)).toEqual(expect.arrayContaining(['TR101', 'TR410']));
  });

  it('323: a client twice (Bsn) and a ReferentieNummer twice, also across clients', () => {
    const m = clone(decodedSample('WMO323'));
    const [c1, c2] = m.bericht.Declaratie.Clienten.Client;
    if (!c1 || !c2) throw new Error('sample has two clients');
    first(c2.Prestaties.Prestatie).ProductReferentie.ReferentieNummer = first(
      c1.Prestaties.Prestatie,
    ).ProductReferentie.ReferentieNummer;
    expect(found(m)).toEqual([
      [
        'TR101',
        '/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[1]/ProductReferentie/ReferentieNummer',
      ],
    ]);
    c2.Bsn = c1.Bsn;
    expect(found(m)).toContainEqual(['TR101', '/Bericht/Declaratie/Clienten/Client[2]']);
  });
});

describe('overlapping care periods (TR302, TR386, TR410)', () => {
  function twoProducts() {
    const t = toewijzing();
    const p = first(t.client.ToegewezenProducten.ToegewezenProduct); // 01/01A01, 2023-01-01 … 2023-12-31
    const q = { ...clone(p), ToewijzingNummer: 102, Ingangsdatum: '2023-07-01', Einddatum: '2024-06-30' };
    t.client.ToegewezenProducten.ToegewezenProduct.push(q);
    return { ...t, p, q };
  }

  it('TR302: the same product twice with overlapping periods', () => {
    const { m } = twoProducts();
    expect(found(m)).toEqual([['TR302', `${PRODUCT}[2]`]]);
  });

  it('TR302: adjacent periods, another code, hulpmiddelen and a deleted toewijzing do not clash', () => {
    const a = twoProducts();
    a.q.Ingangsdatum = '2024-01-01';
    expect(rulesOf(a.m)).toEqual([]);
    const b = twoProducts();
    if (b.q.Product) b.q.Product.Code = '01A02';
    expect(rulesOf(b.m)).toEqual([]);
    const c = twoProducts();
    c.p.Product = { Categorie: '12', Code: '12A01' };
    c.q.Product = { Categorie: '12', Code: '12A01' };
    expect(rulesOf(c.m)).toEqual([]);
    const d = twoProducts();
    d.q.Ingangsdatum = '2023-07-01';
    d.q.Einddatum = '2023-07-01';
    d.q.RedenWijziging = '13';
    expect(rulesOf(d.m)).toEqual([]);
  });

  it('TR302: without a code by category; an open end overlaps everything after it', () => {
    const a = twoProducts();
    if (a.q.Product) delete a.q.Product.Code;
    delete a.q.Omvang; // an aspecific toewijzing carries no Omvang (CD080)
    expect(rulesOf(a.m)).toEqual(['TR302']);
    const b = twoProducts();
    delete b.p.Einddatum;
    b.q.Ingangsdatum = '2030-01-01';
    b.q.Einddatum = '2030-12-31';
    expect(found(b.m)).toEqual([['TR302', `${PRODUCT}[2]`]]);
  });

  it('TR386: a VOT asking the same product twice for overlapping periods', () => {
    const m = clone(decodedSample('WMO315'));
    const [a, b] = m.bericht.Client.AangevraagdeProducten.AangevraagdProduct;
    if (!a || !b) throw new Error('sample has two products');
    b.Product = clone(a.Product);
    expect(found(m)).toEqual([['TR386', '/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[2]']]);
    b.ToewijzingIngangsdatum = '2023-07-01';
    b.ToewijzingEinddatum = '2023-07-31';
    expect(rulesOf(m)).toEqual([]);
  });

  it('TR410: two new products in a VOW, the second a budget (no Product) over the first', () => {
    const m = clone(decodedSample('WMO317'));
    const nieuw = m.bericht.Client.Verzoek.NieuweProducten?.NieuwProduct ?? [];
    nieuw.push({ GewensteIngangsdatum: '2023-06-01', Einddatum: '2023-06-30', Budget: 50_000 });
    expect(found(m)).toEqual([['TR410', '/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[2]']]);
  });
});

describe('315 VOT', () => {
  const vot = () => {
    const m = clone(decodedSample('WMO315'));
    return { m, p: first(m.bericht.Client.AangevraagdeProducten.AangevraagdProduct) };
  };
  const AT = '/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[1]';

  it('CD043: BeschikkingIngangsdatum exactly when there is a BeschikkingNummer', () => {
    const { m, p } = vot();
    delete p.BeschikkingIngangsdatum;
    expect(found(m)).toContainEqual(['CD043', `${AT}/BeschikkingIngangsdatum`]);
    delete p.BeschikkingNummer;
    expect(rulesOf(m)).toEqual([]);
    p.BeschikkingIngangsdatum = '2023-06-01';
    expect(rulesOf(m)).toContain('CD043');
  });

  it('CD066/CD067/CD068: a referrer of type 02–05 has an AGB code or a name, not both; others no code', () => {
    const { m, p } = vot();
    p.Verwijzer = { Type: '02', Naam: 'Huisarts', ZorgverlenerCode: '01234567' };
    expect(found(m)).toContainEqual(['CD066', `${AT}/Verwijzer/Naam`]);
    p.Verwijzer = { Type: '03' };
    expect(found(m)).toContainEqual(['CD067', `${AT}/Verwijzer/Naam`]);
    p.Verwijzer = { Type: '05', ZorgverlenerCode: '01234567' };
    expect(rulesOf(m)).toEqual([]);
    p.Verwijzer = { Type: '01', ZorgverlenerCode: '01234567' };
    expect(found(m)).toContainEqual(['CD068', `${AT}/Verwijzer/ZorgverlenerCode`]);
    p.Verwijzer = { Type: '01' };
    expect(rulesOf(m)).toEqual([]);
  });

  it('CS343 (not CS338) for a 315 unit per etmaal with Frequentie per day', () => {
    const { m, p } = vot();
    p.Omvang = { Volume: 3, Eenheid: '14', Frequentie: '1' };
    expect(found(m)).toEqual([['CS343', `${AT}/Omvang/Frequentie`]]);
  });
});

describe('317 VOW: TR380', () => {
  it('a requested Einddatum on or before the Dagtekening (GewensteIngangsdatum may equal it)', () => {
    const m = clone(decodedSample('WMO317')); // Dagtekening 2023-04-02 = both GewensteIngangsdatums
    expect(rulesOf(m)).toEqual([]);
    const v = m.bericht.Client.Verzoek;
    const te = first(v.TeWijzigenProducten?.TeWijzigenProduct);
    te.Einddatum = '2023-04-02';
    expect(found(m)).toEqual([
      ['TR380', '/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[1]/Einddatum'],
    ]);
    const nieuw = first(v.NieuweProducten?.NieuwProduct);
    nieuw.Einddatum = '2023-04-01';
    nieuw.GewensteIngangsdatum = '2023-03-01';
    expect(found(m)).toContainEqual([
      'TR380',
      '/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[1]/Einddatum',
    ]);
  });
});

describe('323/325 periods (TR137, TR335)', () => {
  const declaratie = () => clone(decodedSample('WMO323')); // Dagtekening 2023-05-06, April 2023

  it('TR137: the DeclaratiePeriode may not end after the Dagtekening', () => {
    const m = declaratie();
    m.bericht.Header.BerichtIdentificatie.Dagtekening = '2023-04-29';
    m.bericht.Declaratie.DeclaratieDagtekening = '2023-04-29';
    expect(found(m)).toEqual(
      expect.arrayContaining([
        ['TR137', '/Bericht/Declaratie/DeclaratiePeriode/Einddatum'],
        ['TR137', '/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]/ProductPeriode/Einddatum'],
      ]),
    );
    m.bericht.Header.BerichtIdentificatie.Dagtekening = '2023-04-30';
    expect(rulesOf(m)).toEqual([]);
  });

  it('TR137 on a 325 line: its ProductPeriode ends by the 325 Dagtekening', () => {
    const d = declaratie();
    const line = first(d.bericht.Declaratie.Clienten.Client[0]?.Prestaties.Prestatie);
    const prestaties = new Map([[line.ProductReferentie.ReferentieNummer, ['9307' as const]]]);
    const antwoord = buildDeclaratieAntwoord(
      d,
      { prestaties },
      { identificatie: 'A1', dagtekening: '2023-05-10' },
    );
    expect(rulesOf(antwoord)).toEqual([]);
    antwoord.bericht.Header.BerichtIdentificatie.Dagtekening = '2023-04-15';
    expect(rulesOf(antwoord)).toContain('TR137');
  });

  it('TR335: a line ending more than five years before the DeclaratieDagtekening', () => {
    const m = declaratie();
    m.bericht.Declaratie.DeclaratieDagtekening = '2028-05-01';
    expect(found(m)).toContainEqual([
      'TR335',
      '/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]/ProductPeriode/Einddatum',
    ]);
    m.bericht.Declaratie.DeclaratieDagtekening = '2028-04-30';
    expect(rulesOf(m)).not.toContain('TR335');
  });
});

describe('the new findings carry no message content', () => {
  it('a 301 broken in many ways names rules and paths only', () => {
    const { m, client, adres } = toewijzing();
    adres.LandCode = 'NL';
    adres.Postcode = 'GEHEIM';
    client.Geboortedatum = { Datum: '1850-01-13', DatumGebruik: '1' };
    const text = JSON.stringify(checkRules(m));
    for (const secret of ['GEHEIM', '1850', client.Bsn, 'Wit', 'Deens']) expect(text).not.toContain(secret);
  });
});
