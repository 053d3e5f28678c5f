import { describe, expect, it } from 'vitest';
import {
  type AangevraagdProduct,
  buildRetour,
  buildVerzoek,
  decode,
  encode,
  type HuidigeToewijzing,
  type VerzoekContext,
  type VerzoekOmToewijzingJson,
  type VerzoekOmWijzigingJson,
} from '../../../iwmo';
import { validateWithXsd } from '../../support/xmllint';
import { decodedSample, xsdOf } from './samples';

/*
 * iwmo/request-builder.ts: request JSON → 315/317, refused with the rule it breaks. What it builds is
 * encoded and checked against the XSD with xmllint, as the codec tests do.
 */

const bsn = '999900006'; // a test BSN that passes the 11-proef

const product = (referentie: string, fields: Partial<AangevraagdProduct> = {}): AangevraagdProduct => ({
  ReferentieAanbieder: referentie,
  Product: { Categorie: '02', Code: '02A01' },
  ToewijzingIngangsdatum: '2030-03-11',
  ToewijzingEinddatum: '2030-12-31',
  Omvang: { Volume: 4, Eenheid: '04', Frequentie: '2' },
  Verwijzer: { Type: '01' },
  ...fields,
});

const vot = (producten: AangevraagdProduct[]): VerzoekOmToewijzingJson => ({
  soort: '315',
  aanbieder: '42420001',
  gemeente: '0384',
  client: {
    Bsn: bsn,
    Geboortedatum: { Datum: '1950-02-01' },
    Geslacht: '2',
    Naam: { Geslachtsnaam: { Achternaam: 'Jansen' }, Voorletters: 'A' },
  },
  producten,
});

const ctx: VerzoekContext = { identificatie: 'VOT-0000001', dagtekening: '2030-03-04' };

const huidige: HuidigeToewijzing[] = [
  { toewijzingNummer: 101, ingangsdatum: '2030-01-01', einddatum: '2030-12-31' },
  { toewijzingNummer: 102, ingangsdatum: '2030-01-01' },
  // ended before the dagtekening, and a deletion: neither is current
  { toewijzingNummer: 103, ingangsdatum: '2029-01-01', einddatum: '2029-12-31' },
  { toewijzingNummer: 104, ingangsdatum: '2030-02-01', einddatum: '2030-02-01', redenWijziging: '13' },
];

const vow = (verzoek: Partial<VerzoekOmWijzigingJson['verzoek']> = {}): VerzoekOmWijzigingJson => ({
  soort: '317',
  aanbieder: '42420001',
  gemeente: '0384',
  client: { Bsn: bsn },
  verzoek: {
    ReferentieAanbieder: 'VOW-2030-7',
    RedenVerzoek: '1',
    OngewijzigdeProducten: { OngewijzigdProduct: [{ ToewijzingNummer: 101 }] },
    TeWijzigenProducten: {
      TeWijzigenProduct: [
        {
          ToewijzingNummer: 102,
          GewensteIngangsdatum: '2030-04-01',
          Einddatum: '2030-12-31',
          Omvang: { Volume: 6, Eenheid: '04', Frequentie: '2' },
        },
      ],
    },
    ...verzoek,
  },
});

function xsdValid(built: ReturnType<typeof buildVerzoek>, nr: '315' | '317') {
  if (!built.ok) throw new Error(JSON.stringify(built.findings));
  const out = encode(built.message);
  if (!out.ok) throw new Error(JSON.stringify(out.findings));
  const xsd = validateWithXsd(out.xml, xsdOf(nr));
  expect(xsd.output).toMatch(/validates/);
  return out.xml;
}

const rulesOf = (built: ReturnType<typeof buildVerzoek>) =>
  built.ok ? [] : built.findings.map((f) => f.rule);

describe('315 verzoek om toewijzing', () => {
  it('two products: builds an XSD-valid 315 that decodes back, one ReferentieAanbieder per product', () => {
    const built = buildVerzoek(
      vot([product('VOT-2030-1'), product('VOT-2030-2', { Product: { Categorie: '04', Code: '04A01' } })]),
      ctx,
    );
    const xml = xsdValid(built, '315');
    expect(built.ok && built.referenties).toEqual(['VOT-2030-1', 'VOT-2030-2']);
    const back = decode(xml);
    expect(back.ok && back.value.findings).toEqual([]);
    expect(back.ok && back.value.message.type).toBe('WMO315');
  });

  it('refuses a ReferentieAanbieder used twice in the message (TR383) or used before (TR347, 9347)', () => {
    expect(
      rulesOf(
        buildVerzoek(
          vot([product('R1'), product('R1', { Product: { Categorie: '04', Code: '04A01' } })]),
          ctx,
        ),
      ),
    ).toContain('TR383');
    const used = buildVerzoek(
      vot([product('R1'), product('R2', { Product: { Categorie: '04', Code: '04A01' } })]),
      {
        ...ctx,
        gebruikteReferenties: ['R2'],
      },
    );
    expect(used.ok ? [] : used.findings.map((f) => [f.rule, f.retourCode, f.path])).toEqual([
      ['TR347', '9347', '/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[2]/ReferentieAanbieder'],
    ]);
  });

  it('refuses a ReferentieAanbieder holding a BSN or a control character, without quoting it', () => {
    for (const bad of [`client-${bsn}`, 'VOT\u00071']) {
      const built = buildVerzoek(vot([product(bad)]), ctx);
      expect(rulesOf(built)).toEqual(['ReferentieAanbieder']);
      expect(JSON.stringify(built)).not.toContain(bsn);
      expect(JSON.stringify(built)).not.toContain('\u0007');
    }
    // too long and only blanks are the XSD's (LDT_Referentie)
    expect(rulesOf(buildVerzoek(vot([product('x'.repeat(37))]), ctx))[0]).toMatch(/^XSD/);
  });

  it('refuses an Einddatum before the Ingangsdatum (CS003) and a BSN failing the 11-proef (CS002)', () => {
    expect(rulesOf(buildVerzoek(vot([product('R1', { ToewijzingEinddatum: '2030-03-01' })]), ctx))).toContain(
      'CS003',
    );
    const wrongBsn = vot([product('R1')]);
    wrongBsn.client.Bsn = '123456789';
    const built = buildVerzoek(wrongBsn, ctx);
    expect(rulesOf(built)).toContain('CS002');
    expect(JSON.stringify(built)).not.toContain('123456789');
  });

  it('refuses what is not a request at all, naming the rule', () => {
    expect(rulesOf(buildVerzoek(null, ctx))).toEqual(['Schema']);
    expect(rulesOf(buildVerzoek({ soort: '315', client: {}, producten: 'x' }, ctx))).toEqual(['Schema']);
    expect(rulesOf(buildVerzoek({ soort: '316', client: {} }, ctx))).toEqual(['Schema']);
  });
});

describe('317 verzoek om wijziging: the complete desired situation', () => {
  const wctx = { ...ctx, identificatie: 'VOW-0000001', huidigeToewijzingen: huidige };

  it('listing every current toewijzing: an XSD-valid 317', () => {
    const built = buildVerzoek(vow(), wctx);
    xsdValid(built, '317');
    expect(built.ok && built.referenties).toEqual(['VOW-2030-7']);
  });

  it('a current toewijzing left out is refused with TR349 (9349); ended and deleted ones need not be listed', () => {
    const built = buildVerzoek(vow({ OngewijzigdeProducten: undefined }), wctx);
    expect(built.ok ? [] : built.findings.map((f) => [f.rule, f.retourCode, f.message])).toEqual([
      ['TR349', '9349', expect.stringContaining('ToewijzingNummer 101 ontbreekt')],
    ]);
  });

  it('an OngewijzigdProduct or TeWijzigenProduct that is not current: TR350 (9350), TR351 (9351)', () => {
    const built = buildVerzoek(
      vow({
        OngewijzigdeProducten: { OngewijzigdProduct: [{ ToewijzingNummer: 101 }, { ToewijzingNummer: 103 }] },
        TeWijzigenProducten: {
          TeWijzigenProduct: [
            { ToewijzingNummer: 102, GewensteIngangsdatum: '2030-04-01' },
            { ToewijzingNummer: 104, GewensteIngangsdatum: '2030-04-01' },
          ],
        },
      }),
      wctx,
    );
    expect(built.ok ? [] : built.findings.map((f) => [f.rule, f.retourCode])).toEqual([
      ['TR350', '9350'],
      ['TR351', '9351'],
    ]);
  });

  it('a change starting on or before the dagtekening must keep the original Ingangsdatum (TR357, 9357)', () => {
    const change = (GewensteIngangsdatum: string) =>
      vow({ TeWijzigenProducten: { TeWijzigenProduct: [{ ToewijzingNummer: 102, GewensteIngangsdatum }] } });
    expect(rulesOf(buildVerzoek(change('2030-02-15'), wctx))).toEqual(['TR357']);
    expect(buildVerzoek(change('2030-01-01'), wctx).ok).toBe(true);
  });

  it('a 317 without the current toewijzingen is a programming error, not a refusal', () => {
    expect(() => buildVerzoek(vow(), ctx)).toThrow(/current toewijzingen/);
  });
});

describe('320 on a received 319', () => {
  it('iwmo/retour.ts builds it: approved (header only) and with a cross-message code on the Antwoord', () => {
    const heen = decodedSample('WMO319');
    const meta = {
      identificatie: 'R320-1',
      dagtekening: heen.bericht.Header.BerichtIdentificatie.Dagtekening,
    };
    const approved = buildRetour(heen, [], meta);
    if (!approved.ok) throw new Error(approved.reason);
    const ok = encode(approved.retour, { rules: 'report' });
    expect(ok.ok && validateWithXsd(ok.xml, xsdOf('320')).output).toMatch(/validates/);
    const coded = buildRetour(
      heen,
      [{ rule: 'TR360', retourCode: '9360', path: '/Bericht/Antwoord', message: '', hint: '' }],
      meta,
    );
    if (!coded.ok) throw new Error(coded.reason);
    const out = encode(coded.retour, { rules: 'report' });
    expect(out.ok && validateWithXsd(out.xml, xsdOf('320')).output).toMatch(/validates/);
    expect(out.ok && out.xml).toContain('9360');
  });
});
