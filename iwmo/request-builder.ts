import { messages } from './catalogue';
import type { RetourCode } from './codelists';
import { berichtSchemas, type MessageOf, type Wmo315, type Wmo317 } from './messages';
import type { Finding } from './problems';
import { referentieProblem } from './referentie';
import { checkRules } from './rules';
import { schemaFindings } from './structure';
import { isDeletedToewijzing } from './toewijzing-version';

/*
 * The provider's request as JSON (what the API accepts) → the 315/317 message model, or a refusal naming
 * every rule it breaks. A request the gemeente would reject never leaves: besides the XSD and the
 * in-message rules (checkRules: TR383 unique ReferentieAanbieder within the message, CS003 dates, TR380,
 * TR352/TR353, …) the builder checks the cross-message rules the provider can know about itself:
 *   TR347 (9347)  ReferentieAanbieder unique for the aanbieder within the domain (given the ones used)
 *   TR349 (9349)  a 317 lists every current toewijzing of the client (given the current ones)
 *   TR350 (9350)  every OngewijzigdProduct is a current toewijzing
 *   TR351 (9351)  every TeWijzigenProduct is a current toewijzing
 *   TR357 (9357)  a TeWijzigenProduct that starts on or before the dagtekening keeps the original Ingangsdatum
 * and 'ReferentieAanbieder': printable and without a BSN, because it becomes part of a workflow id.
 * Pure: identificatie, dagtekening, used referenties and current toewijzingen come in as arguments.
 */

export type AangevraagdProduct = Wmo315['Client']['AangevraagdeProducten']['AangevraagdProduct'][number];

export interface VerzoekOmToewijzingJson {
  soort: '315';
  aanbieder: string;
  gemeente: string;
  client: Omit<Wmo315['Client'], 'AangevraagdeProducten'>;
  producten: AangevraagdProduct[];
}

export interface VerzoekOmWijzigingJson {
  soort: '317';
  aanbieder: string;
  gemeente: string;
  client: { Bsn: string };
  /** The complete desired situation: every current toewijzing unchanged or changed, plus new products. */
  verzoek: Wmo317['Client']['Verzoek'];
}

export type VerzoekJson = VerzoekOmToewijzingJson | VerzoekOmWijzigingJson;

/** A toewijzing of this client at this aanbieder as the provider holds it (from its assignments). */
export interface HuidigeToewijzing {
  toewijzingNummer: number;
  ingangsdatum: string;
  einddatum?: string;
  redenWijziging?: string;
}

export interface VerzoekContext {
  /** BerichtIdentificatie/Identificatie for the message (≤ 12, unique per type per sender, TR056). */
  identificatie: string;
  /** Dagtekening, YYYY-MM-DD (today, Europe/Amsterdam). */
  dagtekening: string;
  /** Every ReferentieAanbieder this aanbieder used before in the Wmo domain (TR347). */
  gebruikteReferenties?: readonly string[];
  /** 317 only, required: every toewijzing of this client at this aanbieder (TR349–TR351, TR357). */
  huidigeToewijzingen?: readonly HuidigeToewijzing[];
}

export type VerzoekBuilt =
  | {
      ok: true;
      message: MessageOf<'WMO315'> | MessageOf<'WMO317'>;
      /** The ReferentieAanbieder of each request workflow it starts: one per product (315), one (317). */
      referenties: string[];
    }
  | { ok: false; findings: Finding[] };

/** The cross-message rules the builder checks, with the standard's retour codes (WJ001). */
export const verzoekRules = {
  TR347: {
    retourCode: '9347',
    text: 'ReferentieAanbieder is uniek voor de aanbieder binnen het wettelijk domein.',
    hint: 'Give every request (every product of a 315) a ReferentieAanbieder never used before.',
  },
  TR349: {
    retourCode: '9349',
    text: 'Het verzoek om wijziging bevat alle actuele ToegewezenProducten van de client.',
    hint: 'List every current toewijzing as OngewijzigdProduct or TeWijzigenProduct: a 317 describes the complete desired situation.',
  },
  TR350: {
    retourCode: '9350',
    text: 'Ieder OngewijzigdProduct is gerelateerd aan een actueel toegewezen product op basis van het ToewijzingNummer.',
    hint: 'Name only current toewijzingen (not ended, not deleted) as OngewijzigdProduct.',
  },
  TR351: {
    retourCode: '9351',
    text: 'Ieder TeWijzigenProduct is gerelateerd aan een actueel ToegewezenProduct op basis van ToewijzingNummer.',
    hint: 'Name only current toewijzingen (not ended, not deleted) as TeWijzigenProduct; ask for a new product as NieuwProduct.',
  },
  TR357: {
    retourCode: '9357',
    text: 'Als GewensteIngangsdatum kleiner dan of gelijk is aan de dagtekening, dan is GewensteIngangsdatum gelijk aan de ingangsdatum van het originele ToegewezenProduct.',
    hint: 'A change that does not start in the future applies to the whole term: use the toewijzing’s own Ingangsdatum.',
  },
  ReferentieAanbieder: {
    retourCode: '0001',
    text: 'ReferentieAanbieder moet afdrukbaar zijn en mag geen BSN bevatten: het wordt deel van een workflow-id.',
    hint: 'Use the provider’s own request number, without client data.',
  },
} as const satisfies Record<string, { retourCode: RetourCode; text: string; hint: string }>;

type VerzoekRule = keyof typeof verzoekRules;

function finding(rule: VerzoekRule, path: string, detail?: string): Finding {
  const { retourCode, text, hint } = verzoekRules[rule];
  return { rule, retourCode, path, message: detail ? `${text} (${detail})` : text, hint };
}

const xsdVersie = { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' };

function header(nr: '315' | '317', json: VerzoekJson, ctx: VerzoekContext) {
  return {
    BerichtCode: messages[nr].berichtCode,
    BerichtVersie: 3,
    BerichtSubversie: 2,
    Afzender: json.aanbieder,
    Ontvanger: json.gemeente,
    BerichtIdentificatie: { Identificatie: ctx.identificatie, Dagtekening: ctx.dagtekening },
    XsdVersie: xsdVersie,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request's top level, before the message schema can say anything about the rest. */
function topLevelProblem(json: unknown): Finding | undefined {
  const problem = (message: string): Finding => ({
    rule: 'Schema',
    path: '/',
    message,
    hint: "Send { soort: '315', aanbieder, gemeente, client, producten } or { soort: '317', aanbieder, gemeente, client, verzoek }.",
  });
  if (!isObject(json)) return problem('Het verzoek moet een object zijn');
  if (json.soort !== '315' && json.soort !== '317') return problem("soort moet '315' of '317' zijn");
  if (!isObject(json.client)) return problem('client ontbreekt');
  if (json.soort === '315' && !Array.isArray(json.producten)) return problem('producten moet een lijst zijn');
  if (json.soort === '317' && !isObject(json.verzoek)) return problem('verzoek ontbreekt');
  return undefined;
}

function referentieFindings(
  referenties: string[],
  at: (i: number) => string,
  ctx: VerzoekContext,
): Finding[] {
  const used = new Set(ctx.gebruikteReferenties ?? []);
  const out: Finding[] = [];
  referenties.forEach((r, i) => {
    const problem = referentieProblem(r);
    if (problem) out.push(finding('ReferentieAanbieder', at(i), problem));
    else if (used.has(r)) out.push(finding('TR347', at(i)));
  });
  return out;
}

/** TR349 toelichting: current = valid on or after the dagtekening or starting later; a deletion (13) is not. */
export function isCurrentToewijzing(t: HuidigeToewijzing, dagtekening: string): boolean {
  if (isDeletedToewijzing(t) || (t.redenWijziging === '01' && t.einddatum === t.ingangsdatum)) return false;
  return t.einddatum === undefined || t.einddatum >= dagtekening || t.ingangsdatum > dagtekening;
}

function wijzigingFindings(verzoek: Wmo317['Client']['Verzoek'], ctx: VerzoekContext): Finding[] {
  if (!ctx.huidigeToewijzingen)
    throw new TypeError(
      'a 317 needs the current toewijzingen of the client (VerzoekContext.huidigeToewijzingen)',
    );
  const at = '/Bericht/Client/Verzoek';
  const current = new Map(
    ctx.huidigeToewijzingen
      .filter((t) => isCurrentToewijzing(t, ctx.dagtekening))
      .map((t) => [t.toewijzingNummer, t]),
  );
  const out: Finding[] = [];
  const ongewijzigd = verzoek.OngewijzigdeProducten?.OngewijzigdProduct ?? [];
  const teWijzigen = verzoek.TeWijzigenProducten?.TeWijzigenProduct ?? [];
  ongewijzigd.forEach((p, i) => {
    if (!current.has(p.ToewijzingNummer))
      out.push(finding('TR350', `${at}/OngewijzigdeProducten/OngewijzigdProduct[${i + 1}]/ToewijzingNummer`));
  });
  teWijzigen.forEach((p, i) => {
    const here = `${at}/TeWijzigenProducten/TeWijzigenProduct[${i + 1}]`;
    const original = current.get(p.ToewijzingNummer);
    if (!original) out.push(finding('TR351', `${here}/ToewijzingNummer`));
    else if (p.GewensteIngangsdatum <= ctx.dagtekening && p.GewensteIngangsdatum !== original.ingangsdatum)
      out.push(finding('TR357', `${here}/GewensteIngangsdatum`, `Ingangsdatum ${original.ingangsdatum}`));
  });
  const listed = new Set([...ongewijzigd, ...teWijzigen].map((p) => p.ToewijzingNummer));
  for (const nummer of current.keys()) {
    if (!listed.has(nummer)) out.push(finding('TR349', at, `ToewijzingNummer ${nummer} ontbreekt`));
  }
  return out;
}

function buildMessage(json: VerzoekJson, ctx: VerzoekContext): unknown {
  if (json.soort === '315') {
    const { AangevraagdeProducten: _ignored, ...client } = json.client as Wmo315['Client'];
    return {
      Header: header('315', json, ctx),
      Client: { ...client, AangevraagdeProducten: { AangevraagdProduct: json.producten } },
    };
  }
  return { Header: header('317', json, ctx), Client: { Bsn: json.client.Bsn, Verzoek: json.verzoek } };
}

/** Builds the 315/317 from the request JSON, or refuses it with every rule it breaks. */
export function buildVerzoek(json: unknown, ctx: VerzoekContext): VerzoekBuilt {
  const top = topLevelProblem(json);
  if (top) return { ok: false, findings: [top] };
  const request = json as VerzoekJson;
  const type = request.soort === '315' ? 'WMO315' : 'WMO317';
  const parsed = berichtSchemas[type].safeParse(buildMessage(request, ctx));
  if (!parsed.success) return { ok: false, findings: schemaFindings('/Bericht', parsed.error.issues) };
  const message = { type, bericht: parsed.data } as MessageOf<'WMO315'> | MessageOf<'WMO317'>;
  const findings = checkRules(message, { today: ctx.dagtekening });
  let referenties: string[];
  if (message.type === 'WMO315') {
    const products = message.bericht.Client.AangevraagdeProducten.AangevraagdProduct;
    referenties = products.map((p) => p.ReferentieAanbieder);
    const at = (i: number) =>
      `/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[${i + 1}]/ReferentieAanbieder`;
    findings.push(...referentieFindings(referenties, at, ctx));
  } else {
    referenties = [message.bericht.Client.Verzoek.ReferentieAanbieder];
    findings.push(
      ...referentieFindings(referenties, () => '/Bericht/Client/Verzoek/ReferentieAanbieder', ctx),
    );
    findings.push(...wijzigingFindings(message.bericht.Client.Verzoek, ctx));
  }
  return findings.length > 0 ? { ok: false, findings } : { ok: true, message, referenties };
}
