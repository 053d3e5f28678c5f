import {
  type DecodeErrorKind,
  decode,
  type Finding,
  type MessageOf,
  type MessageType,
  type Wmo301,
} from '../../iwmo';

/*
 * What routing needs of a received message, decoded and checked: the header, the rule findings and, per
 * type, the products of a 301 or the retour codes of a 306/308. Pure, and plain data out, so it runs in a
 * worker thread (codec-pool.ts) and only this summary crosses back, not the whole decoded message.
 */

export interface HeaderSummary {
  afzender: string;
  ontvanger: string;
  /** BerichtIdentificatie/Identificatie (for a retour: the heen message's). */
  identificatie: string;
  dagtekening: string;
}

/** One ToegewezenProduct of a 301, in the field names of the assignment contract. */
export interface ProductSummary {
  toewijzingNummer: number;
  referentieAanbieder?: string;
  product?: { categorie: string; code?: string };
  toewijzingsdatum: string;
  toewijzingstijd: string;
  ingangsdatum: string;
  einddatum?: string;
  redenWijziging?: string;
  omvang?: { volume: number; eenheid: string; frequentie: string };
  budget?: number;
}

/** What routing needs of a received message; the full decoded message stays in the thread that decoded it. */
export type Inspection =
  | { ok: false; kind: DecodeErrorKind; findings: Finding[] }
  | {
      ok: true;
      type: MessageType;
      header: HeaderSummary;
      /** Level 2 (and TR135) findings; empty when the message passes. */
      findings: Finding[];
      /** WMO301: the client's BSN (turned into a clientRef by the caller, never stored elsewhere) and products. */
      toewijzing?: { bsn: string; products: ProductSummary[] };
      /** A retour: every RetourCode in it, header and body. */
      retour?: { retourCodes: string[] };
      /** WMO325: the decoded answer, BSNs included (pseudonymised by the router before it leaves). */
      declaratieAntwoord?: MessageOf<'WMO325'>;
      /** WMO319: the gemeente's answer to a request (no client data in it). */
      antwoord?: { referentieAanbieder: string; verzoekAntwoord: string; redenAfwijzingVerzoek?: string };
    };

type Header = MessageOf<MessageType>['bericht']['Header'];

function headerSummary(header: Header): HeaderSummary {
  return {
    afzender: header.Afzender,
    ontvanger: header.Ontvanger,
    identificatie: header.BerichtIdentificatie.Identificatie,
    dagtekening: header.BerichtIdentificatie.Dagtekening,
  };
}

function productSummary(p: Wmo301['Client']['ToegewezenProducten']['ToegewezenProduct'][number]) {
  const summary: ProductSummary = {
    toewijzingNummer: p.ToewijzingNummer,
    toewijzingsdatum: p.Toewijzingsdatum,
    toewijzingstijd: p.Toewijzingstijd,
    ingangsdatum: p.Ingangsdatum,
  };
  if (p.ReferentieAanbieder !== undefined) summary.referentieAanbieder = p.ReferentieAanbieder;
  if (p.Product) {
    summary.product = { categorie: p.Product.Categorie };
    if (p.Product.Code !== undefined) summary.product.code = p.Product.Code;
  }
  if (p.Einddatum !== undefined) summary.einddatum = p.Einddatum;
  if (p.RedenWijziging !== undefined) summary.redenWijziging = p.RedenWijziging;
  if (p.Omvang)
    summary.omvang = { volume: p.Omvang.Volume, eenheid: p.Omvang.Eenheid, frequentie: p.Omvang.Frequentie };
  if (p.Budget !== undefined) summary.budget = p.Budget;
  return summary;
}

/** Every RetourCode anywhere in a decoded retour (header, client, products), each once. */
function retourCodesIn(value: unknown, found = new Set<string>()): string[] {
  if (Array.isArray(value)) for (const v of value) retourCodesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'RetourCodes') for (const c of (v as { RetourCode: string[] }).RetourCode) found.add(c);
      else retourCodesIn(v, found);
    }
  }
  return [...found];
}

/** Decodes and checks a received message (`today` for TR135) and extracts what routing needs. */
export function inspectMessage(xml: string, today: string): Inspection {
  const res = decode(xml, { today });
  if (!res.ok) {
    const { kind, findings, ...first } = res.error;
    return { ok: false, kind, findings: findings ?? [first] };
  }
  const { message, findings } = res.value;
  const inspection: Inspection = {
    ok: true,
    type: message.type,
    header: headerSummary(message.bericht.Header),
    findings,
  };
  if (message.type === 'WMO301') {
    const client = message.bericht.Client;
    inspection.toewijzing = {
      bsn: client.Bsn,
      products: client.ToegewezenProducten.ToegewezenProduct.map(productSummary),
    };
  }
  if (['WMO306', 'WMO308', 'WMO316', 'WMO318'].includes(message.type)) {
    inspection.retour = { retourCodes: retourCodesIn(message.bericht) };
  }
  if (message.type === 'WMO325') inspection.declaratieAntwoord = message;
  if (message.type === 'WMO319') {
    const a = message.bericht.Antwoord;
    inspection.antwoord = {
      referentieAanbieder: a.ReferentieAanbieder,
      verzoekAntwoord: a.VerzoekAntwoord,
      ...(a.RedenAfwijzingVerzoek !== undefined ? { redenAfwijzingVerzoek: a.RedenAfwijzingVerzoek } : {}),
    };
  }
  return inspection;
}
