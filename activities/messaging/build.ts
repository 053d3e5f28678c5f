import type { OutgoingMessage } from '../../contract/assignment';
import { validateDeclaratie } from '../../declaratie/validate';
import {
  buildRetour,
  decode,
  encode,
  type Finding,
  type MessageOf,
  type MessageType,
  type RegistratieHeen,
  type RetourCode,
  retourCode,
  retourOf,
} from '../../iwmo';

/*
 * Outgoing XML from a stored heen message: the retour on it (302 on a 301), or a 305/307 for a
 * toewijzing of a 301. Pure functions of text in, plain data out, so the same code runs in the calling
 * thread or in a worker thread (codec-pool.ts). A refusal names the rules and paths, never the content.
 */

export type Built =
  | { ok: true; xml: string; type: MessageType; afzender: string; ontvanger: string }
  | { ok: false; findings: Finding[] };

export interface MessageMeta {
  /** Identificatie (or IdentificatieRetour): ≤ 12 chars, unique per type per sender (TR056). */
  identificatie: string;
  dagtekening: string;
}

function decodeStored<T extends MessageType>(xml: string, type: T): MessageOf<T> | Finding[] {
  const res = decode(xml);
  if (!res.ok) return res.error.findings ?? [res.error];
  if (res.value.message.type !== type) {
    return [
      {
        rule: 'STORED-TYPE',
        path: '/Bericht',
        message: `Opgeslagen bericht is een ${res.value.message.type}, verwacht ${type}`,
        hint: 'Pass the inbox id of the message this one answers.',
      },
    ];
  }
  return res.value.message as MessageOf<T>;
}

const unknownRetourCode = 'RETOURCODE-ONBEKEND';

/** Retour codes a workflow decided on, as findings on the header (it knows no class paths). */
export function retourCodeFindings(codes: readonly string[]): Finding[] {
  return codes
    .filter((c) => c !== '0200') // 0200 = no remarks: an approved retour carries no codes at all (IV028)
    .map((c) => {
      const known = retourCode.safeParse(c);
      return {
        rule: known.success ? 'RETOUR' : unknownRetourCode,
        ...(known.success ? { retourCode: known.data as RetourCode } : {}),
        path: '/Bericht/Header/RetourCodes',
        message: known.success ? `Retourcode ${c}` : 'Retourcode komt niet voor in WJ001',
        hint: known.success ? '' : 'Use a code from the WJ001 list (Basisschema LDT_RetourCode).',
      };
    });
}

/**
 * The retour (302, 306, …) on a stored heen message: approved without findings, header-only 0001 on a
 * level 2 finding, codes on the classes otherwise (iwmo/retour.ts). Refused when a finding has no retour
 * code: an XSD-invalid message gets no retour.
 */
export function buildRetourXml(heenXml: string, findings: Finding[], meta: MessageMeta): Built {
  const res = decode(heenXml);
  if (!res.ok) return { ok: false, findings: res.error.findings ?? [res.error] };
  const heen = res.value.message;
  if (!(heen.type.slice(3) in retourOf)) {
    const rule = { rule: 'RETOUR-TYPE', path: '/Bericht', hint: 'Only registration messages have a retour.' };
    return { ok: false, findings: [{ ...rule, message: `${heen.type} heeft geen retourbericht` }] };
  }
  const unknownCode = findings.filter((f) => f.rule === unknownRetourCode);
  if (unknownCode.length) return { ok: false, findings: unknownCode };
  const built = buildRetour(heen as MessageOf<RegistratieHeen>, findings, {
    identificatie: meta.identificatie,
    dagtekening: meta.dagtekening,
  });
  if (!built.ok) {
    return {
      ok: false,
      findings: [{ rule: 'RETOUR-XSD', path: '/Bericht', message: built.reason, hint: '' }],
    };
  }
  // A retour copies the heen content unchanged, faults included: its rules are reported, not enforced.
  const encoded = encode(built.retour, { rules: 'report' });
  if (!encoded.ok) return { ok: false, findings: encoded.findings };
  const { Afzender, Ontvanger } = heen.bericht.Header;
  // The header is the heen's, copied; the retour travels the other way: from its Ontvanger to its Afzender.
  return { ok: true, xml: encoded.xml, type: built.retour.type, afzender: Ontvanger, ontvanger: Afzender };
}

export type StartStopMessage = Exclude<OutgoingMessage, { type: 'WMO302' }>;

const xsdVersie = { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' };

/**
 * A 305 or 307 from the aanbieder to the gemeente for the client and toewijzing of a stored 301: one
 * StartProduct or StopProduct for the toewijzing. Refused (with the rules) when the 301 does not hold the
 * toewijzing or the message would break a rule.
 */
export function buildStartStopXml(toewijzingXml: string, msg: StartStopMessage, meta: MessageMeta): Built {
  const heen = decodeStored(toewijzingXml, 'WMO301');
  if (Array.isArray(heen)) return { ok: false, findings: heen };
  const { Header, Client } = heen.bericht;
  const product = Client.ToegewezenProducten.ToegewezenProduct.find(
    (p) => p.ToewijzingNummer === msg.toewijzingNummer,
  );
  if (!product) {
    const message = `ToewijzingNummer ${msg.toewijzingNummer} staat niet in de opgeslagen 301`;
    const hint = 'Pass the inbox id of the 301 that carried this toewijzing.';
    return { ok: false, findings: [{ rule: 'TR019', retourCode: '9019', path: '/Bericht', message, hint }] };
  }
  const base = {
    ToewijzingNummer: product.ToewijzingNummer,
    ...(product.Product ? { Product: product.Product } : {}),
    ToewijzingIngangsdatum: product.Ingangsdatum,
    Begindatum: msg.begindatum,
  };
  const client = {
    Bsn: Client.Bsn,
    Geboortedatum: Client.Geboortedatum,
    Geslacht: Client.Geslacht,
    Naam: {
      Geslachtsnaam: Client.Naam.Geslachtsnaam,
      ...(Client.Naam.Voornamen !== undefined ? { Voornamen: Client.Naam.Voornamen } : {}),
      ...(Client.Naam.Voorletters !== undefined ? { Voorletters: Client.Naam.Voorletters } : {}),
    },
  };
  const header = {
    BerichtVersie: 3,
    BerichtSubversie: 2,
    Afzender: Header.Ontvanger,
    Ontvanger: Header.Afzender,
    BerichtIdentificatie: { Identificatie: meta.identificatie, Dagtekening: meta.dagtekening },
    XsdVersie: xsdVersie,
  };
  const message =
    msg.type === 'WMO305'
      ? {
          type: msg.type,
          bericht: {
            Header: { BerichtCode: '418', ...header },
            Client: {
              ...client,
              StartProducten: { StartProduct: [{ ...base, StatusAanlevering: msg.statusAanlevering }] },
            },
          },
        }
      : {
          type: msg.type,
          bericht: {
            Header: { BerichtCode: '420', ...header },
            Client: {
              ...client,
              StopProducten: {
                StopProduct: [
                  {
                    ...base,
                    RedenBeeindiging: msg.redenBeeindiging,
                    Einddatum: msg.einddatum,
                    StatusAanlevering: msg.statusAanlevering,
                  },
                ],
              },
            },
          },
        };
  const encoded = encode(message as MessageOf<'WMO305' | 'WMO307'>);
  if (!encoded.ok) return { ok: false, findings: encoded.findings };
  return {
    ok: true,
    xml: encoded.xml,
    type: msg.type,
    afzender: Header.Ontvanger,
    ontvanger: Header.Afzender,
  };
}

/**
 * The XML of a batch's 323, assembled by declaratie/ with the BSNs from the stored 301s and the
 * Identificatie from the outbox sequence, checked by declaratie/validate.ts (every iwmo/ rule on encode,
 * decoded and checked again). Refused with the rules and paths, never the content.
 */
export function buildDeclaratieXml(message: MessageOf<'WMO323'>): Built {
  const { Header } = message.bericht;
  const validated = validateDeclaratie(message, Header.BerichtIdentificatie.Dagtekening);
  if (!validated.ok) return { ok: false, findings: validated.findings };
  return {
    ok: true,
    xml: validated.xml,
    type: 'WMO323',
    afzender: Header.Afzender,
    ontvanger: Header.Ontvanger,
  };
}
