import { describe, expect, it } from 'vitest';
import { CONTACT, clone, first, found, rulesOf, toewijzing } from './rule-helpers';
import { decodedSample } from './samples';

/* 301 addresses (Contact rules) and birth dates (CS139, TR002), each broken once on a cloned sample. */

describe('301 addresses (Contact)', () => {
  it('CD005: LandCode goes with a Postcode, and only with one', () => {
    const { m, adres } = toewijzing();
    delete adres.LandCode;
    expect(found(m)).toContainEqual(['CD005', `${CONTACT}/Adres/LandCode`]);
    const b = toewijzing();
    delete b.adres.Postcode;
    expect(rulesOf(b.m)).toContain('CD005');
  });

  it('CD009: a Periode only on a temporary address (Soort 04)', () => {
    const { m, contact } = toewijzing();
    contact.Periode = { Begindatum: '2023-01-01' };
    expect(found(m)).toContainEqual(['CD009', `${CONTACT}/Periode`]);
    const b = toewijzing();
    b.client.Contactgegevens.Contact.push({
      ...clone(b.contact),
      Soort: '04',
      Periode: { Begindatum: '2023-01-01' },
    });
    expect(rulesOf(b.m)).toEqual([]);
  });

  it('CS003: a temporary address ending before it begins', () => {
    const { m, client, contact } = toewijzing();
    client.Contactgegevens.Contact.push({
      ...clone(contact),
      Soort: '04',
      Periode: { Begindatum: '2023-02-01', Einddatum: '2023-01-31' },
    });
    expect(found(m)).toContainEqual([
      'CS003',
      '/Bericht/Client/Contactgegevens/Contact[2]/Periode/Einddatum',
    ]);
  });

  it('CD025 and CS089: a Dutch address has a Huis and a postcode like 1234AB', () => {
    const { m, adres } = toewijzing();
    adres.LandCode = 'NL';
    expect(rulesOf(m)).toEqual([]); // the sample's 9999XX is a Dutch-format postcode
    delete adres.Huis;
    adres.Postcode = '1234 AB';
    expect(found(m)).toEqual(
      expect.arrayContaining([
        ['CD025', `${CONTACT}/Adres/Huis`],
        ['CS089', `${CONTACT}/Adres/Postcode`],
      ]),
    );
    adres.Postcode = '0123AB';
    expect(rulesOf(m)).toContain('CS089');
    adres.LandCode = 'BE';
    adres.Postcode = '1000';
    expect(rulesOf(m)).not.toContain('CS089');
  });

  it('CD034: a BRP (01) or residence (03) address needs a Postcode', () => {
    const { m, adres } = toewijzing();
    delete adres.Postcode;
    delete adres.LandCode;
    expect(found(m)).toContainEqual(['CD034', `${CONTACT}/Adres/Postcode`]);
    const b = toewijzing();
    b.contact.Soort = '02';
    delete b.adres.Postcode;
    delete b.adres.LandCode;
    b.contact.Telefoon = { Telefoon01: { Telefoonnummer: '0101234567', Landnummer: '0031' } };
    expect(rulesOf(b.m)).toEqual([]);
  });

  it("TR006: a contact with neither Telefoon nor Huis and Postcode (also a relation's contact)", () => {
    const { m, client } = toewijzing();
    const relatie = first(client.Relaties?.Relatie);
    relatie.Contact = { Soort: '02', Emailadres: 'x@y.nl' };
    expect(found(m)).toContainEqual(['TR006', '/Bericht/Client/Relaties/Relatie[1]/Contact']);
    relatie.Contact.Telefoon = { Telefoon01: { Telefoonnummer: '0101234567', Landnummer: '0031' } };
    expect(rulesOf(m)).toEqual([]);
  });

  it('CD007: Taal exactly when Communicatie/Vorm is 1 (interpreter)', () => {
    const { m, client } = toewijzing();
    if (!client.Communicatie) throw new Error('sample has Communicatie');
    client.Communicatie.Vorm = '2';
    expect(found(m)).toContainEqual(['CD007', '/Bericht/Client/Communicatie/Taal']);
    delete client.Communicatie.Taal;
    expect(rulesOf(m)).toEqual([]);
    client.Communicatie.Vorm = '1';
    expect(rulesOf(m)).toContain('CD007');
  });
});

describe('birth dates (CS139, TR002)', () => {
  it('CS139: DatumGebruik matches the date (1: day 01, 2: 01-01, 3: 1900-01-01)', () => {
    const { m, client } = toewijzing();
    client.Geboortedatum = { Datum: '1967-08-13', DatumGebruik: '1' };
    expect(found(m)).toContainEqual(['CS139', '/Bericht/Client/Geboortedatum/DatumGebruik']);
    client.Geboortedatum = { Datum: '1967-08-01', DatumGebruik: '1' };
    expect(rulesOf(m)).toEqual([]);
    client.Geboortedatum = { Datum: '1967-08-01', DatumGebruik: '2' };
    expect(rulesOf(m)).toContain('CS139');
    client.Geboortedatum = { Datum: '1967-01-01', DatumGebruik: '3' };
    expect(rulesOf(m)).toContain('CS139');
  });

  it('CS139 on a relation, and in the 305/307/315', () => {
    const { m, client } = toewijzing();
    first(client.Relaties?.Relatie).Geboortedatum = { Datum: '1967-01-13', DatumGebruik: '2' };
    expect(found(m)).toContainEqual([
      'CS139',
      '/Bericht/Client/Relaties/Relatie[1]/Geboortedatum/DatumGebruik',
    ]);
    for (const type of ['WMO305', 'WMO307', 'WMO315'] as const) {
      const other = clone(decodedSample(type));
      other.bericht.Client.Geboortedatum.DatumGebruik = '3';
      expect(rulesOf(other), type).toContain('CS139');
    }
  });

  it('TR002: no more than 120 years before the Dagtekening, unless unknown (3, 1900-01-01)', () => {
    const { m, client } = toewijzing(); // Dagtekening 2023-08-13
    client.Geboortedatum = { Datum: '1903-08-12' };
    expect(found(m)).toContainEqual(['TR002', '/Bericht/Client/Geboortedatum/Datum']);
    client.Geboortedatum = { Datum: '1903-08-13' };
    expect(rulesOf(m)).toEqual([]);
    client.Geboortedatum = { Datum: '1900-01-01', DatumGebruik: '3' };
    expect(rulesOf(m)).toEqual([]);
    client.Geboortedatum = { Datum: '1900-01-01', DatumGebruik: '2' };
    expect(rulesOf(m)).toContain('TR002');
    const start = clone(decodedSample('WMO305'));
    start.bericht.Client.Geboortedatum.Datum = '1850-05-01';
    expect(rulesOf(start)).toContain('TR002');
  });
});
