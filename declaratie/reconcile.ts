import type { MessageOf } from '../iwmo/messages';

/*
 * Reading a 325 against the 323 it answers (pure). First the 325 must match its 323 — same
 * DeclaratieIdentificatie (IV087), DeclaratieNummer and TotaalIngediendBedrag, every listed line a line of
 * the 323 (TR366) with the same content (TR367), and the totals consistent (TR342); a mismatching 325 is
 * not applied (the caller keeps it and escalates). Then: 0001 in the header or a code on the Declaratie
 * class means the declaration counts as not sent (IV087/IV088); otherwise every line of the 323 is awarded
 * unless the 325 lists it, with its retour codes (lines are awarded or rejected whole).
 */

type Wmo323 = MessageOf<'WMO323'>['bericht'];
type Wmo325 = MessageOf<'WMO325'>['bericht'];
type Prestatie323 = Wmo323['Declaratie']['Clienten']['Client'][number]['Prestaties']['Prestatie'][number];

export interface Mismatch {
  rule: 'IV087' | 'TR366' | 'TR367' | 'TR342';
  message: string;
}

export type LineOutcome =
  | { referentieNummer: string; status: 'toegekend' }
  | { referentieNummer: string; status: 'afgewezen'; retourCodes: string[] };

export type Reconciliation =
  /** The 325 does not belong to this 323 or contradicts it: keep it, escalate, do not apply. */
  | { kind: 'mismatch'; mismatches: Mismatch[] }
  /** The whole declaration was refused (0001 technical, or a code on the Declaratie class): not sent. */
  | { kind: 'niet-verwerkt'; retourCodes: string[] }
  | { kind: 'beoordeeld'; lines: LineOutcome[]; totaalToegekend: number };

const signedTotal = (t: { TotaalBedrag: number; DebetCredit: 'D' | 'C' }) =>
  t.DebetCredit === 'C' ? -t.TotaalBedrag : t.TotaalBedrag;
const signedLine = (p: { IngediendBedrag: { Bedrag: number; DebetCredit: 'D' | 'C' } }) =>
  p.IngediendBedrag.DebetCredit === 'C' ? -p.IngediendBedrag.Bedrag : p.IngediendBedrag.Bedrag;

/** The 323 line's own fields (what TR367 compares), as a canonical string. */
function content(p: Prestatie323, bsn: string): string {
  return JSON.stringify([
    bsn,
    p.ProductReferentie.ReferentieNummer,
    p.ProductReferentie.VorigReferentieNummer ?? null,
    p.ToewijzingNummer,
    p.ProductCategorie,
    p.ProductCode,
    p.ProductPeriode.Begindatum,
    p.ProductPeriode.Einddatum,
    p.GeleverdVolume,
    p.Eenheid,
    p.ProductTarief ?? null,
    p.IngediendBedrag.Bedrag,
    p.IngediendBedrag.DebetCredit,
  ]);
}

function headerMismatches(sent: Wmo323, answer: Wmo325): Mismatch[] {
  const out: Mismatch[] = [];
  const id = sent.Header.BerichtIdentificatie;
  const ref = answer.Header.DeclaratieIdentificatie;
  if (ref.Identificatie !== id.Identificatie || ref.Dagtekening !== id.Dagtekening)
    out.push({
      rule: 'IV087',
      message: 'DeclaratieIdentificatie is not the BerichtIdentificatie of this 323',
    });
  if (answer.Header.Afzender !== sent.Header.Ontvanger || answer.Header.Ontvanger !== sent.Header.Afzender)
    out.push({ rule: 'IV087', message: 'the 325 is not between the parties of this 323' });
  const a = answer.DeclaratieAntwoord;
  if (!a) return out;
  if (a.DeclaratieNummer !== sent.Declaratie.DeclaratieNummer)
    out.push({ rule: 'TR367', message: 'DeclaratieNummer differs from the 323' });
  if (signedTotal(a.TotaalIngediendBedrag) !== signedTotal(sent.Declaratie.TotaalIngediendBedrag))
    out.push({ rule: 'TR367', message: 'TotaalIngediendBedrag differs from the 323' });
  return out;
}

/** Checks `answer` against `sent` and, when it matches, says what happened to each line. */
export function reconcile325(sent: MessageOf<'WMO323'>, answer: MessageOf<'WMO325'>): Reconciliation {
  const s = sent.bericht;
  const a = answer.bericht;
  const mismatches = headerMismatches(s, a);
  const sentLines = new Map<string, string>();
  for (const c of s.Declaratie.Clienten.Client)
    for (const p of c.Prestaties.Prestatie)
      sentLines.set(p.ProductReferentie.ReferentieNummer, content(p, c.Bsn));

  const rejected = new Map<string, string[]>();
  let rejectedSum = 0;
  for (const c of a.DeclaratieAntwoord?.Clienten?.Client ?? []) {
    for (const p of c.Prestaties.Prestatie) {
      const ref = p.ProductReferentie.ReferentieNummer;
      const own = sentLines.get(ref);
      if (own === undefined) mismatches.push({ rule: 'TR366', message: `line ${ref} is not in the 323` });
      else if (own !== content(p, c.Bsn))
        mismatches.push({ rule: 'TR367', message: `line ${ref} differs from the 323` });
      rejected.set(ref, [...p.RetourCodes.RetourCode]);
      rejectedSum += signedLine(p);
    }
  }
  const da = a.DeclaratieAntwoord;
  const headerCodes = [...a.Header.RetourCodes.RetourCode];
  const classCodes = [...(da?.RetourCodes.RetourCode ?? [])].filter((c) => c !== '0200' && c !== '8001');
  if (mismatches.length === 0 && da && classCodes.length === 0) {
    // TR342: awarded = submitted − rejected lines (all awarded: the two totals are equal).
    const difference = signedTotal(da.TotaalIngediendBedrag) - signedTotal(da.TotaalToegekendBedrag);
    if (difference !== rejectedSum)
      mismatches.push({
        rule: 'TR342',
        message: 'awarded total is not the submitted total minus the rejected lines',
      });
  }
  if (mismatches.length) return { kind: 'mismatch', mismatches };
  if (!da || headerCodes.includes('0001')) return { kind: 'niet-verwerkt', retourCodes: headerCodes };
  if (classCodes.length) return { kind: 'niet-verwerkt', retourCodes: classCodes };
  const lines: LineOutcome[] = [...sentLines.keys()].map((ref) => {
    const codes = rejected.get(ref);
    return codes
      ? { referentieNummer: ref, status: 'afgewezen', retourCodes: codes }
      : { referentieNummer: ref, status: 'toegekend' };
  });
  return { kind: 'beoordeeld', lines, totaalToegekend: signedTotal(da.TotaalToegekendBedrag) };
}
