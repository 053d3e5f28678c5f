import { decode, type Finding, type MessageOf, type RetourCode } from '../iwmo';
import type { RequestAnswer, VerzoekDecision } from './scenario';
import type { SimMessage } from './store';

/*
 * How the simulated gemeente answers a provider's request (315/317), pure: which retour codes the
 * 316/318 carries, and per requested product (315) or for the whole request (317) the content answer —
 * a 301 that honours it (its products carry the ReferentieAanbieder, TR379), a 319 that rejects it with
 * its reason, or a 319 "in onderzoek" followed later by the decision. The gemeente (gemeente.ts) turns
 * the plan into messages and timers. A 301 carries all current toewijzingen of the client (OP087), so
 * the ones the simulator issued before are read back from its own mailboxes.
 */

export type Verzoek = MessageOf<'WMO315'> | MessageOf<'WMO317'>;
type ToegewezenProduct =
  MessageOf<'WMO301'>['bericht']['Client']['ToegewezenProducten']['ToegewezenProduct'][number];

const verzoekPath = {
  WMO315: (i: number) => `/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[${i + 1}]`,
  WMO317: () => '/Bericht/Client/Verzoek',
};

/** The scenario's retour codes on every requested product (316) or on the Verzoek (318). */
export function verzoekFindings(heen: Verzoek, codes: RetourCode[]): Finding[] {
  const count =
    heen.type === 'WMO315' ? heen.bericht.Client.AangevraagdeProducten.AangevraagdProduct.length : 1;
  return Array.from({ length: count }, (_, i) =>
    codes.map((code) => ({
      rule: 'SIMULATOR',
      retourCode: code,
      path: verzoekPath[heen.type](i),
      message: `Afgewezen door de simulator (${code})`,
      hint: 'The scenario rejects this request.',
    })),
  ).flat();
}

/** One content answer: the referentie it answers and the decision the scenario made for it. */
export interface VerzoekPart {
  referentie: string;
  /** Index of the product in the 315 (always 0 for a 317). */
  index: number;
  decision: VerzoekDecision;
}

/** The content answers a request gets: per product of a 315 (the scenario's list, cycling), one per 317. */
export function verzoekParts(heen: Verzoek, answer: RequestAnswer): VerzoekPart[] {
  const pick = (i: number) => answer.answers[i % answer.answers.length] as VerzoekDecision;
  if (heen.type === 'WMO317')
    return [{ referentie: heen.bericht.Client.Verzoek.ReferentieAanbieder, index: 0, decision: pick(0) }];
  return heen.bericht.Client.AangevraagdeProducten.AangevraagdProduct.map((p, i) => ({
    referentie: p.ReferentieAanbieder,
    index: i,
    decision: pick(i),
  }));
}

export interface Meta {
  gemeente: string;
  aanbieder: string;
  identificatie: string;
  dagtekening: string;
  tijd: string;
}

/** A 319: rejected (VerzoekAntwoord 1, with its reason) or in onderzoek (2). */
export function build319(meta: Meta, referentie: string, reden?: string): MessageOf<'WMO319'> {
  return {
    type: 'WMO319',
    bericht: {
      Header: {
        BerichtCode: '482',
        BerichtVersie: 3,
        BerichtSubversie: 2,
        Afzender: meta.gemeente,
        Ontvanger: meta.aanbieder,
        BerichtIdentificatie: { Identificatie: meta.identificatie, Dagtekening: meta.dagtekening },
        XsdVersie: { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' },
      },
      Antwoord: {
        ReferentieAanbieder: referentie,
        VerzoekAntwoord: reden ? '1' : '2',
        ...(reden ? { RedenAfwijzingVerzoek: reden } : {}),
      },
    } as MessageOf<'WMO319'>['bericht'],
  };
}

type Client301 = MessageOf<'WMO301'>['bericht']['Client'];
export type ClientBase = Omit<Client301, 'ToegewezenProducten'>;

/**
 * The client as the latest 301 this gemeente sent this aanbieder for this BSN has it, with that 301's
 * toewijzingen keyed by ToewijzingNummer (a 301 lists all current ones, OP087); undefined when none.
 */
export function latestClient(
  messages: readonly SimMessage[],
  meta: Pick<Meta, 'gemeente' | 'aanbieder'>,
  bsn: string,
): { client: ClientBase; current: Map<number, ToegewezenProduct> } | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as SimMessage;
    if (m.afzender.code !== meta.gemeente || m.geadresseerde.code !== meta.aanbieder) continue;
    const decoded = decode(m.payload.toString('utf8'));
    if (!decoded.ok || decoded.value.message.type !== 'WMO301') continue;
    const { ToegewezenProducten, ...client } = decoded.value.message.bericht.Client;
    if (client.Bsn !== bsn) continue;
    return {
      client,
      current: new Map(ToegewezenProducten.ToegewezenProduct.map((p) => [p.ToewijzingNummer, p])),
    };
  }
  return undefined;
}

/** A client the simulator has not assigned before, from the 315 (its name plus a placeholder address). */
export function clientFrom315(heen: MessageOf<'WMO315'>): ClientBase {
  const c = heen.bericht.Client;
  return {
    Bsn: c.Bsn,
    Geboortedatum: c.Geboortedatum,
    Geslacht: c.Geslacht,
    Naam: { ...c.Naam, NaamGebruik: '1' },
    Contactgegevens: {
      Contact: [
        {
          Soort: '01',
          Adres: {
            Huis: { Huisnummer: 1 },
            Postcode: '9999ZZ',
            Straatnaam: 'Simulatiestraat',
            Plaatsnaam: 'Proefdorp',
            LandCode: 'NL',
          },
        },
      ],
    },
  } as ClientBase;
}

export interface Honour {
  meta: Meta;
  /** The client's current toewijzingen (latestClient). */
  current: Map<number, ToegewezenProduct>;
  /** Numbers for new toewijzingen. */
  nummer: () => number;
}

/** Strips what the previous 301 said about its own issue (date, time, reason) off a product. */
function carried(p: ToegewezenProduct): ToegewezenProduct {
  const { RedenWijziging: _r, ReferentieAanbieder: _ref, ...rest } = p;
  return rest;
}

/** New toewijzingen for the honoured products of a 315, beside the current ones. */
function honour315(heen: MessageOf<'WMO315'>, parts: VerzoekPart[], h: Honour): ToegewezenProduct[] {
  const products = heen.bericht.Client.AangevraagdeProducten.AangevraagdProduct;
  const added = parts.map((part) => {
    const p = products[part.index] as (typeof products)[number];
    return {
      ToewijzingNummer: h.nummer(),
      ReferentieAanbieder: p.ReferentieAanbieder,
      ...(p.Product ? { Product: p.Product } : {}),
      Toewijzingsdatum: h.meta.dagtekening,
      Toewijzingstijd: h.meta.tijd,
      Ingangsdatum: p.ToewijzingIngangsdatum,
      ...(p.ToewijzingEinddatum ? { Einddatum: p.ToewijzingEinddatum } : {}),
      ...(p.Omvang ? { Omvang: p.Omvang } : {}),
      ...(p.Budget !== undefined ? { Budget: p.Budget } : {}),
    } as ToegewezenProduct;
  });
  return [...[...h.current.values()].map(carried), ...added];
}

/**
 * A 317 describes the complete desired situation: unchanged products stay, changed ones get the new
 * Einddatum (RedenWijziging 12, initiated by the aanbieder), new ones get new numbers; the changed and
 * new ones carry the ReferentieAanbieder. Products the 317 does not name are ended (not current).
 */
function honour317(heen: MessageOf<'WMO317'>, h: Honour): ToegewezenProduct[] {
  const v = heen.bericht.Client.Verzoek;
  const stamp = { Toewijzingsdatum: h.meta.dagtekening, Toewijzingstijd: h.meta.tijd };
  const unchanged = (v.OngewijzigdeProducten?.OngewijzigdProduct ?? []).flatMap((o) => {
    const p = h.current.get(o.ToewijzingNummer);
    return p ? [carried(p)] : [];
  });
  const changed = (v.TeWijzigenProducten?.TeWijzigenProduct ?? []).flatMap((t) => {
    const p = h.current.get(t.ToewijzingNummer);
    if (!p) return [];
    return [
      {
        ...carried(p),
        ...stamp,
        ReferentieAanbieder: v.ReferentieAanbieder,
        RedenWijziging: '12',
        ...(t.Einddatum ? { Einddatum: t.Einddatum } : {}),
        ...(t.Omvang ? { Omvang: t.Omvang } : {}),
      } as ToegewezenProduct,
    ];
  });
  const added = (v.NieuweProducten?.NieuwProduct ?? []).map(
    (n) =>
      ({
        ToewijzingNummer: h.nummer(),
        ReferentieAanbieder: v.ReferentieAanbieder,
        Product: n.Product,
        ...stamp,
        Ingangsdatum: n.GewensteIngangsdatum,
        ...(n.Einddatum ? { Einddatum: n.Einddatum } : {}),
        ...(n.Omvang ? { Omvang: n.Omvang } : {}),
      }) as ToegewezenProduct,
  );
  return [...unchanged, ...changed, ...added];
}

/** The 301 that honours these parts of the request, for the client the request names. */
export function build301Honouring(
  heen: Verzoek,
  parts: VerzoekPart[],
  client: ClientBase,
  h: Honour,
): MessageOf<'WMO301'> {
  const products = heen.type === 'WMO315' ? honour315(heen, parts, h) : honour317(heen, h);
  return {
    type: 'WMO301',
    bericht: {
      Header: {
        BerichtCode: '414',
        BerichtVersie: 3,
        BerichtSubversie: 2,
        Afzender: h.meta.gemeente,
        Ontvanger: h.meta.aanbieder,
        BerichtIdentificatie: { Identificatie: h.meta.identificatie, Dagtekening: h.meta.dagtekening },
        XsdVersie: { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' },
      },
      Client: { ...client, ToegewezenProducten: { ToegewezenProduct: products } },
    } as MessageOf<'WMO301'>['bericht'],
  };
}
