import { describe, expect, it } from 'vitest';
import {
  buildRetourXml,
  buildStartStopXml,
  retourCodeFindings,
  type StartStopMessage,
} from '../../../activities/messaging/build';
import { inspectMessage } from '../../../activities/messaging/inspect';
import { partiesOf, sniffHeader } from '../../../activities/messaging/sniff';
import {
  decodeAs,
  sampleAanbieder,
  sampleBsn,
  sampleGemeente,
  sampleXml,
  wmo301,
  xsdPath,
} from '../../support/messages';
import { validateWithXsd } from '../../support/xmllint';

const meta = { identificatie: '305-0000001', dagtekening: '2026-11-20' };
const start: StartStopMessage = {
  type: 'WMO305',
  toewijzingMessageId: 'irrelevant-here',
  toewijzingNummer: 101,
  begindatum: '2023-02-01',
  statusAanlevering: '1',
};
const stop: StartStopMessage = {
  type: 'WMO307',
  toewijzingMessageId: 'irrelevant-here',
  toewijzingNummer: 101,
  begindatum: '2023-02-01',
  einddatum: '2023-06-30',
  redenBeeindiging: '19',
  statusAanlevering: '1',
};

function builtXml(result: ReturnType<typeof buildStartStopXml>): string {
  if (!result.ok) throw new Error(JSON.stringify(result.findings.map((f) => f.rule)));
  return result.xml;
}

describe('305/307 from a stored 301', () => {
  it('a 305 for the toewijzing: client from the 301, aanbieder → gemeente, valid against WMO305.xsd', () => {
    const result = buildStartStopXml(sampleXml('301'), start, meta);
    const xml = builtXml(result);
    expect(validateWithXsd(xml, xsdPath('305')).output).toMatch(/validates/);
    const { Header, Client } = decodeAs(xml, 'WMO305').bericht;
    expect(Header).toMatchObject({
      BerichtCode: '418',
      Afzender: sampleAanbieder,
      Ontvanger: sampleGemeente,
      BerichtIdentificatie: { Identificatie: meta.identificatie, Dagtekening: meta.dagtekening },
    });
    const heen = decodeAs(sampleXml('301'), 'WMO301').bericht.Client;
    expect(Client.Bsn).toBe(heen.Bsn);
    expect(Client.Geboortedatum).toEqual(heen.Geboortedatum);
    expect(Client.Geslacht).toBe(heen.Geslacht);
    // CDT_VerkorteNaam: own surname, first names and initials; no partner name, no NaamGebruik.
    expect(Client.Naam).toEqual({
      Geslachtsnaam: heen.Naam.Geslachtsnaam,
      Voornamen: heen.Naam.Voornamen,
      Voorletters: heen.Naam.Voorletters,
    });
    const product = heen.ToegewezenProducten.ToegewezenProduct[0];
    expect(Client.StartProducten.StartProduct).toEqual([
      {
        ToewijzingNummer: 101,
        Product: product?.Product,
        ToewijzingIngangsdatum: product?.Ingangsdatum,
        Begindatum: start.begindatum,
        StatusAanlevering: '1',
      },
    ]);
  });

  it('a 307 carries Einddatum and RedenBeeindiging, valid against WMO307.xsd', () => {
    const xml = builtXml(
      buildStartStopXml(sampleXml('301'), stop, { ...meta, identificatie: '307-0000002' }),
    );
    expect(validateWithXsd(xml, xsdPath('307')).output).toMatch(/validates/);
    const stopped = decodeAs(xml, 'WMO307').bericht.Client.StopProducten.StopProduct;
    expect(stopped).toEqual([
      expect.objectContaining({ Begindatum: '2023-02-01', Einddatum: '2023-06-30', RedenBeeindiging: '19' }),
    ]);
  });

  it('picks the named toewijzing of a 301 with several', () => {
    const xml = builtXml(buildStartStopXml(wmo301('ID-2', [7, 8]), { ...start, toewijzingNummer: 8 }, meta));
    const products = decodeAs(xml, 'WMO305').bericht.Client.StartProducten.StartProduct;
    expect(products.map((p) => p.ToewijzingNummer)).toEqual([8]);
  });

  it('refuses a stop before its start with TR018, without client data in the findings', () => {
    const result = buildStartStopXml(sampleXml('301'), { ...stop, einddatum: '2023-01-15' }, meta);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.findings.map((f) => f.rule)).toEqual(['TR018']);
    expect(JSON.stringify(result.findings)).not.toContain(sampleBsn);
  });

  it('refuses a toewijzing the 301 does not carry (TR019) and a StatusAanlevering 2 (CS058)', () => {
    const missing = buildStartStopXml(sampleXml('301'), { ...start, toewijzingNummer: 999 }, meta);
    expect(missing.ok ? [] : missing.findings.map((f) => f.rule)).toEqual(['TR019']);
    const status2 = { ...start, statusAanlevering: '2' } as unknown as StartStopMessage;
    const refused = buildStartStopXml(sampleXml('301'), status2, meta);
    expect(refused.ok ? [] : refused.findings.map((f) => f.rule)).toEqual(['CS058']);
  });
});

describe('302 on a stored 301', () => {
  it('approved: header only, no RetourCodes, valid against WMO302.xsd, sent from aanbieder to gemeente', () => {
    const result = buildRetourXml(sampleXml('301'), retourCodeFindings([]), meta);
    if (!result.ok) throw new Error('not built');
    expect(result).toMatchObject({ type: 'WMO302', afzender: sampleAanbieder, ontvanger: sampleGemeente });
    expect(validateWithXsd(result.xml, xsdPath('302')).output).toMatch(/validates/);
    const retour = decodeAs(result.xml, 'WMO302').bericht;
    expect(Object.keys(retour)).toEqual(['Header']);
    expect(retour.Header).not.toHaveProperty('RetourCodes');
    expect(retour.Header.IdentificatieRetour).toBe(meta.identificatie);
  });

  it('0200 alone is an approval; 0001 is a header-only rejection', () => {
    const approved = buildRetourXml(sampleXml('301'), retourCodeFindings(['0200']), meta);
    expect(approved.ok && decodeAs(approved.xml, 'WMO302').bericht.Header.RetourCodes).toBeUndefined();
    const rejected = buildRetourXml(sampleXml('301'), retourCodeFindings(['0001']), meta);
    if (!rejected.ok) throw new Error('not built');
    const retour = decodeAs(rejected.xml, 'WMO302').bericht;
    expect(Object.keys(retour)).toEqual(['Header']);
    expect(retour.Header.RetourCodes?.RetourCode).toEqual(['0001']);
  });

  it('refuses a retour code that is not in WJ001', () => {
    const result = buildRetourXml(sampleXml('301'), retourCodeFindings(['1234']), meta);
    expect(result.ok ? [] : result.findings.map((f) => f.rule)).toEqual(['RETOURCODE-ONBEKEND']);
  });
});

describe('inspectMessage', () => {
  it('a 301: header, products in contract field names and the BSN for the clientRef', () => {
    const inspection = inspectMessage(wmo301('ID-3', [11, 12]), '2026-11-20');
    if (!inspection.ok) throw new Error(inspection.kind);
    expect(inspection.header).toEqual({
      afzender: sampleGemeente,
      ontvanger: sampleAanbieder,
      identificatie: 'ID-3',
      dagtekening: '2023-08-13',
    });
    expect(inspection.toewijzing?.bsn).toBe(sampleBsn);
    expect(inspection.toewijzing?.products.map((p) => p.toewijzingNummer)).toEqual([11, 12]);
    expect(inspection.toewijzing?.products[0]).toEqual({
      toewijzingNummer: 11,
      referentieAanbieder: '42420002',
      product: { categorie: '01', code: '01A01' },
      toewijzingsdatum: '2023-08-13',
      toewijzingstijd: '12:34:56',
      ingangsdatum: '2023-01-01',
      einddatum: '2023-12-31',
      omvang: { volume: 10, eenheid: '01', frequentie: '1' },
    });
  });

  it('TR135 with today: a dagtekening after today is a finding (8848)', () => {
    const inspection = inspectMessage(sampleXml('301'), '2023-08-12');
    expect(inspection.ok && inspection.findings.map((f) => [f.rule, f.retourCode])).toEqual([
      ['TR135', '8848'],
    ]);
  });

  it('a retour: every RetourCode in it', () => {
    const built = buildRetourXml(
      sampleXml('305'),
      [
        {
          rule: 'TR019',
          retourCode: '9019',
          path: '/Bericht/Client/StartProducten/StartProduct[1]',
          message: '',
          hint: '',
        },
      ],
      meta,
    );
    if (!built.ok) throw new Error('not built');
    const inspection = inspectMessage(built.xml, '2026-11-20');
    expect(inspection.ok && inspection.type).toBe('WMO306');
    expect(inspection.ok && [...(inspection.retour?.retourCodes ?? [])].sort()).toEqual(['0200', '9019']);
  });

  it('an unreadable message: the kind and the findings, nothing of the content', () => {
    const inspection = inspectMessage(`<a>${sampleBsn}</b>`, '2026-11-20');
    expect(inspection).toMatchObject({ ok: false, kind: 'malformed-xml' });
    expect(JSON.stringify(inspection)).not.toContain(sampleBsn);
  });
});

describe('sniffHeader', () => {
  it('reads Afzender, Ontvanger and the type from the header text', () => {
    expect(sniffHeader(sampleXml('301'))).toEqual({
      afzender: sampleGemeente,
      ontvanger: sampleAanbieder,
      messageType: 'WMO301',
    });
    expect(sniffHeader(sampleXml('305'))).toMatchObject({ messageType: 'WMO305' });
  });

  it('ignores codes inside comments and finds nothing without a header', () => {
    const commented = sampleXml('301').replace(
      '<wmo301:Header>',
      '<wmo301:Header><!-- <Ontvanger>99999999</Ontvanger> -->',
    );
    expect(sniffHeader(commented).ontvanger).toBe(sampleAanbieder);
    expect(sniffHeader('not xml')).toEqual({});
  });

  it('partiesOf tells the gemeente (4 digits) from the aanbieder (8 digits) on either side', () => {
    expect(partiesOf({ afzender: '0384', ontvanger: '42420001' })).toEqual({
      gemeente: '0384',
      aanbieder: '42420001',
    });
    expect(partiesOf({ afzender: '42420001', ontvanger: '0384' })).toEqual({
      gemeente: '0384',
      aanbieder: '42420001',
    });
    expect(partiesOf({ afzender: null, ontvanger: undefined })).toEqual({});
  });
});
