import { describe, expect, it } from 'vitest';
import {
  buildDeclaratieAntwoord,
  buildRetour,
  checkRules,
  decode,
  encode,
  type Finding,
  type IwmoMessage,
  type RegistratieHeen,
} from '../../../iwmo';
import { validateWithXsd } from '../../support/xmllint';
import { decodedSample, xsdOf } from './samples';

const meta = { identificatie: 'R-0000001', dagtekening: '2026-11-25' };
const registratie: [RegistratieHeen, string][] = [
  ['WMO301', '302'],
  ['WMO305', '306'],
  ['WMO307', '308'],
  ['WMO315', '316'],
  ['WMO317', '318'],
  ['WMO319', '320'],
];

/** Encodes a retour, checks it against its (derived) XSD and decodes it back. */
function roundTrip(retour: IwmoMessage, nr: string) {
  const out = encode(retour, { rules: 'report' });
  if (!out.ok) throw new Error(JSON.stringify(out.findings));
  const xsd = validateWithXsd(out.xml, xsdOf(nr));
  expect(xsd.output, nr).toMatch(/validates/);
  const back = decode(out.xml);
  if (!back.ok) throw new Error(back.error.message);
  expect(back.value.message).toEqual(retour);
  return back.value.message;
}

function built(heen: IwmoMessage & { type: RegistratieHeen }, findings: Finding[]) {
  const res = buildRetour(heen, findings, meta);
  if (!res.ok) throw new Error(res.reason);
  return res.retour;
}

describe('registration retours 302/306/308/316/318/320', () => {
  it.each(registratie)('%s approved: a header without RetourCodes and no Client (IV028)', (type, nr) => {
    const retour = roundTrip(built(decodedSample(type), []), nr);
    expect(retour.type).toBe(`WMO${nr}`);
    expect(Object.keys(retour.bericht)).toEqual(['Header']);
    expect(retour.bericht.Header).not.toHaveProperty('RetourCodes');
  });

  it.each(registratie)('%s rejected on an in-message rule: header only, 0001 and XsltVersie', (type, nr) => {
    const finding: Finding = {
      rule: 'CS002',
      retourCode: '0001',
      path: '/Bericht/Client/Bsn',
      message: '',
      hint: '',
    };
    const retour = roundTrip(built(decodedSample(type), [finding]), nr);
    expect(Object.keys(retour.bericht)).toEqual(['Header']);
    expect(retour.bericht.Header).toMatchObject({
      RetourCodes: { RetourCode: ['0001'] },
      XsltVersie: '1.0.0',
    });
  });

  it('302 copies the heen header unchanged except BerichtCode (Afzender/Ontvanger not swapped)', () => {
    const heen = decodedSample('WMO301');
    const retour = built(heen, []);
    expect(retour.bericht.Header).toMatchObject({
      ...heen.bericht.Header,
      BerichtCode: '415',
      IdentificatieRetour: meta.identificatie,
      DagtekeningRetour: meta.dagtekening,
    });
  });

  it('a cross-message code on one product: the Client comes back whole, 0200 on every sound class', () => {
    const heen = decodedSample('WMO305');
    const path = '/Bericht/Client/StartProducten/StartProduct[2]/Begindatum';
    const retour = roundTrip(
      built(heen, [{ rule: 'TR019', retourCode: '9019', path, message: '', hint: '' }]),
      '306',
    );
    if (retour.type !== 'WMO306' || !retour.bericht.Client) throw new Error('expected a 306 with a Client');
    const [first, second] = retour.bericht.Client.StartProducten.StartProduct;
    expect(second?.RetourCodes.RetourCode).toEqual(['9019']);
    expect(first?.RetourCodes.RetourCode).toEqual(['0200']);
    expect(retour.bericht.Client.RetourCodes.RetourCode).toEqual(['0200']);
    expect(retour.bericht.Header.RetourCodes?.RetourCode).toEqual(['0200']);
    expect(second?.Begindatum).toBe(heen.bericht.Client.StartProducten.StartProduct[1]?.Begindatum);
  });

  it('an XSD-level problem gets no retour at all: the transport refuses it', () => {
    const res = buildRetour(
      decodedSample('WMO301'),
      [{ rule: 'XSD', path: '/Bericht', message: '', hint: '' }],
      meta,
    );
    expect(res.ok).toBe(false);
  });
});

describe('325 declaratie-antwoord', () => {
  const decl = () => decodedSample('WMO323');

  it('fully awarded: 8001, awarded = claimed, no Clienten', () => {
    const antwoord = roundTrip(buildDeclaratieAntwoord(decl(), {}, meta), '325');
    if (antwoord.type !== 'WMO325') throw new Error('expected 325');
    const a = antwoord.bericht.DeclaratieAntwoord;
    expect(a?.RetourCodes.RetourCode).toEqual(['8001']);
    expect(a?.TotaalToegekendBedrag).toEqual(a?.TotaalIngediendBedrag);
    expect(a?.Clienten).toBeUndefined();
    expect(antwoord.bericht.Header.DeclaratieIdentificatie).toEqual(
      decl().bericht.Header.BerichtIdentificatie,
    );
    expect(checkRules(antwoord)).toEqual([]);
  });

  it('one rejected line: only that line listed, awarded = claimed − line, TR342 holds', () => {
    const d = decl();
    const line = d.bericht.Declaratie.Clienten.Client[1]?.Prestaties.Prestatie[0];
    if (!line) throw new Error('sample has a second client');
    const prestaties = new Map([[line.ProductReferentie.ReferentieNummer, ['9307' as const]]]);
    const antwoord = roundTrip(buildDeclaratieAntwoord(d, { prestaties }, meta), '325');
    if (antwoord.type !== 'WMO325') throw new Error('expected 325');
    const a = antwoord.bericht.DeclaratieAntwoord;
    const claimed = d.bericht.Declaratie.TotaalIngediendBedrag.TotaalBedrag;
    expect(a?.TotaalToegekendBedrag.TotaalBedrag).toBe(claimed - line.IngediendBedrag.Bedrag);
    expect(a?.Clienten?.Client).toHaveLength(1);
    expect(a?.Clienten?.Client[0]?.Prestaties.Prestatie[0]?.RetourCodes.RetourCode).toEqual(['9307']);
    expect(a?.RetourCodes.RetourCode).toEqual(['0200']);
    expect(checkRules(antwoord)).toEqual([]);
  });

  it('a client-level code marks all its lines 0233 (not assessed)', () => {
    const d = decl();
    const client = d.bericht.Declaratie.Clienten.Client[0];
    if (!client) throw new Error('sample has a client');
    const antwoord = buildDeclaratieAntwoord(
      d,
      { clienten: new Map([[client.Bsn, ['8187' as const]]]) },
      meta,
    );
    const listed = antwoord.bericht.DeclaratieAntwoord?.Clienten?.Client[0];
    expect(listed?.RetourCodes.RetourCode).toEqual(['8187']);
    expect(listed?.Prestaties.Prestatie.every((p) => p.RetourCodes.RetourCode[0] === '0233')).toBe(true);
    roundTrip(antwoord, '325');
  });

  it('a Declaratie-class code (9333): awarded 0; an in-message rejection: header 0001 only', () => {
    const refused = roundTrip(buildDeclaratieAntwoord(decl(), { declaratie: '9333' }, meta), '325');
    if (refused.type !== 'WMO325') throw new Error('expected 325');
    expect(refused.bericht.DeclaratieAntwoord?.TotaalToegekendBedrag.TotaalBedrag).toBe(0);
    expect(checkRules(refused)).toEqual([]);
    const finding: Finding = { rule: 'CS340', retourCode: '0001', path: '/Bericht', message: '', hint: '' };
    const rejected = roundTrip(buildDeclaratieAntwoord(decl(), { findings: [finding] }, meta), '325');
    if (rejected.type !== 'WMO325') throw new Error('expected 325');
    expect(Object.keys(rejected.bericht)).toEqual(['Header']);
    expect(rejected.bericht.Header.RetourCodes.RetourCode).toEqual(['0001']);
  });
});
