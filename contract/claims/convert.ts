import type { DeclaratieInput, RegelInBericht } from '../../declaratie/assemble';
import type { MessageOf } from '../../iwmo/messages';
import type { Antwoord325, ClaimLine, SubmitDeclaratieInput } from './index';

/*
 * Pure conversions both sides of the claims contract use, so the workflow and the activity assemble the
 * same 323 from the same lines (declaratie/assembleDeclaratie): the workflow with client references, the
 * activity with the BSNs from the stored 301s. And the 325 between its decoded form and the
 * pseudonymised one the batch receives (Client/Bsn ↔ clientRef).
 */

/** A handed-over line as declaratie/ takes it; `bsn` is what the client is known by on this side. */
export function regelOf(l: ClaimLine, bsn: string): RegelInBericht {
  return {
    referentieNummer: l.referentieNummer,
    toewijzingNummer: l.toewijzingNummer,
    bsn,
    categorie: l.categorie,
    code: l.code,
    productPeriode: { begindatum: l.productPeriode.begindatum, einddatum: l.productPeriode.einddatum },
    volume: l.volume,
    eenheid: l.eenheid,
    ...(l.tarief === undefined ? {} : { tarief: l.tarief }),
    bedrag: l.bedrag,
    debetCredit: l.debetCredit,
    ...(l.vorigReferentieNummer === undefined ? {} : { vorigReferentieNummer: l.vorigReferentieNummer }),
    ...(l.correctie ? { correctie: true } : {}),
  };
}

/** The assembly input of a batch's 323; `bsnOf` maps a clientRef (identity in the workflow). */
export function declaratieInputOf(
  s: SubmitDeclaratieInput,
  bsnOf: (clientRef: string) => string,
  identificatie: string,
): DeclaratieInput {
  const [y, m] = s.maand.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return {
    aanbieder: s.aanbieder,
    gemeente: s.gemeente,
    declaratieNummer: s.declaratieNummer,
    berichtIdentificatie: { identificatie, dagtekening: s.dagtekening },
    maand: { begindatum: `${s.maand}-01`, einddatum: `${s.maand}-${String(last).padStart(2, '0')}` },
    regels: s.lines.map((l) => regelOf(l, bsnOf(l.clientRef))),
    periodsPerMessage: s.periodsPerMessage,
  };
}

/** The 325 as reconcile325 reads it, with the client references in the Bsn fields (as in the workflow's 323). */
export function wmo325Of(a: Antwoord325): MessageOf<'WMO325'> {
  const da = a.DeclaratieAntwoord;
  if (!da) return { type: 'WMO325', bericht: { Header: a.Header } };
  const { Clienten, ...rest } = da;
  const clienten = Clienten && {
    Client: Clienten.Client.map(({ clientRef, ...c }) => ({ ...c, Bsn: clientRef })),
  };
  return {
    type: 'WMO325',
    bericht: {
      Header: a.Header,
      DeclaratieAntwoord: { ...rest, ...(clienten ? { Clienten: clienten } : {}) },
    },
  } as MessageOf<'WMO325'>;
}

/** What the inbox router signals: the decoded 325 with each Bsn replaced by `refOf(bsn)` (the keyed hash). */
export function pseudonymise325(m: MessageOf<'WMO325'>, refOf: (bsn: string) => string): Antwoord325 {
  const da = m.bericht.DeclaratieAntwoord;
  if (!da) return { Header: m.bericht.Header };
  const { Clienten, ...rest } = da;
  return {
    Header: m.bericht.Header,
    DeclaratieAntwoord: {
      ...rest,
      ...(Clienten
        ? { Clienten: { Client: Clienten.Client.map(({ Bsn, ...c }) => ({ ...c, clientRef: refOf(Bsn) })) } }
        : {}),
    },
  };
}
