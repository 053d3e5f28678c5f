import type { RetourCode } from './codelists';
import type { MessageOf } from './messages';
import type { Finding } from './problems';
import { rulesVersion } from './retour';

/*
 * The 325 (Declaratie-antwoord) for a received 323 (IV087/IV088, TR342):
 *  - level 2 findings on the 323: Header 0001 only; the declaration counts as not sent;
 *  - an error on the Declaratie class (e.g. 9333 duplicate DeclaratieNummer): Header 0200, the code on
 *    DeclaratieAntwoord, TotaalToegekendBedrag 0;
 *  - otherwise: Header 0200; lines are awarded or rejected whole; only rejected lines are listed, each with
 *    its codes (a client-level code marks all that client's lines 0233); TotaalToegekendBedrag is the
 *    signed sum of the awarded lines; 8001 on DeclaratieAntwoord when everything was awarded.
 */

type Wmo323 = MessageOf<'WMO323'>['bericht'];
type Wmo325 = MessageOf<'WMO325'>['bericht'];
type Prestatie = Wmo323['Declaratie']['Clienten']['Client'][number]['Prestaties']['Prestatie'][number];

export interface Beoordeling {
  /** In-message findings on the 323 (level 2): the whole message is rejected with 0001. */
  findings?: Finding[];
  /** A code on the Declaratie class (level 3/4), e.g. 9333. */
  declaratie?: RetourCode;
  /** Rejected lines: ProductReferentie/ReferentieNummer → codes. */
  prestaties?: ReadonlyMap<string, RetourCode[]>;
  /** Client-level rejections: Bsn → codes; all the client's lines are then not assessed (0233). */
  clienten?: ReadonlyMap<string, RetourCode[]>;
}

export interface AntwoordMeta {
  identificatie: string;
  dagtekening: string;
}

const signed = (p: Prestatie) =>
  p.IngediendBedrag.DebetCredit === 'C' ? -p.IngediendBedrag.Bedrag : p.IngediendBedrag.Bedrag;

const totaal = (amount: number) =>
  ({ TotaalBedrag: Math.abs(amount), DebetCredit: amount < 0 ? 'C' : 'D' }) as const;

function header(decl: Wmo323, meta: AntwoordMeta, code: RetourCode, rejected: boolean): Wmo325['Header'] {
  return {
    BerichtCode: '485',
    BerichtVersie: 3,
    BerichtSubversie: 2,
    Afzender: decl.Header.Ontvanger,
    Ontvanger: decl.Header.Afzender,
    BerichtIdentificatie: { Identificatie: meta.identificatie, Dagtekening: meta.dagtekening },
    XsdVersie: { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' },
    DeclaratieIdentificatie: decl.Header.BerichtIdentificatie,
    ...(rejected ? { XsltVersie: rulesVersion } : {}),
    XsdVersieDeclaratie: decl.Header.XsdVersie,
    RetourCodes: { RetourCode: [code] },
  };
}

export function buildDeclaratieAntwoord(
  declaratie: MessageOf<'WMO323'>,
  beoordeling: Beoordeling,
  meta: AntwoordMeta,
): MessageOf<'WMO325'> {
  const decl = declaratie.bericht;
  if (beoordeling.findings?.some((f) => f.retourCode === '0001')) {
    return { type: 'WMO325', bericht: { Header: header(decl, meta, '0001', true) } };
  }
  const base = {
    DeclaratieNummer: decl.Declaratie.DeclaratieNummer,
    TotaalIngediendBedrag: decl.Declaratie.TotaalIngediendBedrag,
  };
  if (beoordeling.declaratie) {
    const DeclaratieAntwoord = {
      ...base,
      TotaalToegekendBedrag: totaal(0),
      RetourCodes: { RetourCode: [beoordeling.declaratie] },
    };
    return { type: 'WMO325', bericht: { Header: header(decl, meta, '0200', false), DeclaratieAntwoord } };
  }
  let awarded = 0;
  const clients: NonNullable<NonNullable<Wmo325['DeclaratieAntwoord']>['Clienten']>['Client'] = [];
  for (const client of decl.Declaratie.Clienten.Client) {
    const clientCodes = beoordeling.clienten?.get(client.Bsn);
    const rejected = [];
    for (const p of client.Prestaties.Prestatie) {
      const codes = clientCodes
        ? ['0233' as const]
        : beoordeling.prestaties?.get(p.ProductReferentie.ReferentieNummer);
      if (codes?.length) rejected.push({ ...p, RetourCodes: { RetourCode: codes } });
      else awarded += signed(p);
    }
    if (rejected.length) {
      clients.push({
        Bsn: client.Bsn,
        Prestaties: { Prestatie: rejected },
        RetourCodes: { RetourCode: clientCodes ?? ['0200'] },
      });
    }
  }
  const DeclaratieAntwoord = {
    ...base,
    TotaalToegekendBedrag: totaal(awarded),
    ...(clients.length ? { Clienten: { Client: clients } } : {}),
    RetourCodes: { RetourCode: [clients.length ? ('0200' as const) : ('8001' as const)] },
  };
  return { type: 'WMO325', bericht: { Header: header(decl, meta, '0200', false), DeclaratieAntwoord } };
}
