import type { IsoDate } from '../calendar/iso-date';
import { periodOf } from '../calendar/periods';
import type { MessageOf } from '../iwmo/messages';
import type { ClaimFinding } from './findings';
import { isDeclaratieNummer } from './referentie';
import type { Declaratieregel, Periode } from './types';

/*
 * Assembling a 323 from claim lines of many toewijzingen of one aanbieder and one gemeente: the plain
 * Declaratie model that iwmo/ encodes. One calendar month per message (CS340); the total is the signed sum
 * of the lines (TR358; 0 is D, CS325); a credit line names the line it credits (CD060) and never sits in
 * the same message as that debit (TR316); one debit per toewijzing, product and period (TR416); no line of
 * a later month (TR319). Validate the result with declaratie/validate.ts (iwmo/ rules) before sending.
 */

export type Wmo323 = MessageOf<'WMO323'>;
type Prestatie =
  Wmo323['bericht']['Declaratie']['Clienten']['Client'][number]['Prestaties']['Prestatie'][number];

/** A line as it goes into a message: a debit, or a credit of an awarded line of an earlier message. */
export interface RegelInBericht extends Declaratieregel {
  referentieNummer: string;
  debetCredit: 'D' | 'C';
  /** Required for a credit (CD060): the ReferentieNummer of the debit it cancels. */
  vorigReferentieNummer?: string;
  /**
   * A line of an earlier month that is not new care: a resubmission of a rejected line or the new debit
   * of a correction. Allowed in a later message even when the profile declares one period per 323.
   */
  correctie?: boolean;
}

export interface DeclaratieInput {
  aanbieder: string;
  gemeente: string;
  /** ≤ 12 letters or digits, unique per aanbieder (TR333): the caller's. */
  declaratieNummer: string;
  berichtIdentificatie: { identificatie: string; dagtekening: IsoDate };
  /** Defaults to the message's Dagtekening. */
  declaratieDagtekening?: IsoDate;
  /** The DeclaratiePeriode: one whole calendar month (CS340). */
  maand: Periode;
  regels: readonly RegelInBericht[];
  /** From the profile: 'one' forbids new lines of earlier months (periods saved up). */
  periodsPerMessage: 'one' | 'several';
}

export type Assembled = { ok: true; message: Wmo323 } | { ok: false; findings: ClaimFinding[] };

const signed = (r: RegelInBericht) => (r.debetCredit === 'C' ? -r.bedrag : r.bedrag);

function isWholeMonth(p: Periode): boolean {
  const month = periodOf(p.begindatum, 'month');
  return p.begindatum === month.start && p.einddatum === month.end;
}

function problem(rule: string, message: string): ClaimFinding {
  return { rule, reason: 'niet-telbaar', message };
}

/** The rules of the message as a whole, before the model is built (each names its rule). */
export function checkRegels(input: DeclaratieInput): ClaimFinding[] {
  const out: ClaimFinding[] = [];
  if (!isDeclaratieNummer(input.declaratieNummer))
    out.push(problem('TR333', 'DeclaratieNummer must be 1–12 letters or digits'));
  if (!isWholeMonth(input.maand))
    out.push(problem('CS340', 'DeclaratiePeriode must be one whole calendar month'));
  if (input.regels.length === 0) out.push(problem('XSD', 'a 323 needs at least one line'));
  const refs = new Set<string>();
  const debits = new Set<string>();
  for (const r of input.regels) {
    const at = `line ${r.referentieNummer}`;
    if (refs.has(r.referentieNummer))
      out.push(problem('TR101', `${at}: ReferentieNummer twice in one message`));
    refs.add(r.referentieNummer);
    if ((r.debetCredit === 'C') !== (r.vorigReferentieNummer !== undefined))
      out.push(problem('CD060', `${at}: a credit names the line it credits, a debit does not`));
    if (r.productPeriode.begindatum.slice(0, 7) !== r.productPeriode.einddatum.slice(0, 7))
      out.push(problem('CS337', `${at}: ProductPeriode must lie in one calendar month`));
    if (r.productPeriode.einddatum > input.maand.einddatum)
      out.push(problem('TR319', `${at}: ProductPeriode after the DeclaratiePeriode`));
    const earlier = r.productPeriode.einddatum < input.maand.begindatum;
    if (earlier && r.debetCredit === 'D' && !r.correctie && input.periodsPerMessage === 'one')
      out.push(
        problem(
          'profile',
          `${at}: the profile declares one period per 323; this line belongs to an earlier month`,
        ),
      );
    if (r.debetCredit === 'D') {
      const key = `${r.toewijzingNummer}|${r.categorie}|${r.code}|${r.productPeriode.begindatum}|${r.productPeriode.einddatum}`;
      if (debits.has(key))
        out.push(problem('TR416', `${at}: a second debit for the same toewijzing, product and period`));
      debits.add(key);
    }
  }
  for (const r of input.regels) {
    if (r.vorigReferentieNummer !== undefined && refs.has(r.vorigReferentieNummer))
      out.push(problem('TR316', `line ${r.referentieNummer}: credits a debit in the same message`));
  }
  return out;
}

function prestatie(r: RegelInBericht): Prestatie {
  return {
    ProductReferentie: {
      ReferentieNummer: r.referentieNummer,
      ...(r.vorigReferentieNummer === undefined ? {} : { VorigReferentieNummer: r.vorigReferentieNummer }),
    },
    ToewijzingNummer: r.toewijzingNummer,
    ProductCategorie: r.categorie as Prestatie['ProductCategorie'],
    ProductCode: r.code,
    ProductPeriode: { Begindatum: r.productPeriode.begindatum, Einddatum: r.productPeriode.einddatum },
    GeleverdVolume: r.volume,
    Eenheid: r.eenheid,
    ...(r.tarief === undefined ? {} : { ProductTarief: r.tarief }),
    IngediendBedrag: { Bedrag: r.bedrag, DebetCredit: r.debetCredit },
  };
}

/** The 323 of `input`, or the findings (each naming its rule) that stop it from being built. */
export function assembleDeclaratie(input: DeclaratieInput): Assembled {
  const findings = checkRegels(input);
  if (findings.length) return { ok: false, findings };
  const byClient = new Map<string, Prestatie[]>();
  for (const r of input.regels) {
    const list = byClient.get(r.bsn) ?? [];
    list.push(prestatie(r));
    byClient.set(r.bsn, list);
  }
  const total = input.regels.reduce((s, r) => s + signed(r), 0);
  const message: Wmo323 = {
    type: 'WMO323',
    bericht: {
      Header: {
        BerichtCode: '484',
        BerichtVersie: 3,
        BerichtSubversie: 2,
        Afzender: input.aanbieder,
        Ontvanger: input.gemeente,
        BerichtIdentificatie: {
          Identificatie: input.berichtIdentificatie.identificatie,
          Dagtekening: input.berichtIdentificatie.dagtekening,
        },
        XsdVersie: { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' },
      },
      Declaratie: {
        DeclaratieNummer: input.declaratieNummer,
        DeclaratiePeriode: { Begindatum: input.maand.begindatum, Einddatum: input.maand.einddatum },
        DeclaratieDagtekening: input.declaratieDagtekening ?? input.berichtIdentificatie.dagtekening,
        // TR358: the signed sum; CS325: zero is a debit.
        TotaalIngediendBedrag: { TotaalBedrag: Math.abs(total), DebetCredit: total < 0 ? 'C' : 'D' },
        Clienten: {
          Client: [...byClient].map(([Bsn, list]) => ({ Bsn, Prestaties: { Prestatie: list } })),
        },
      },
    },
  };
  return { ok: true, message };
}
