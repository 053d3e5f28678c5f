import type { Wmo323, Wmo325 } from '../messages';
import { type Findings, lastDayOfMonth, yearsBefore } from './finding';
import { checkUniqueKeys } from './keys';

/*
 * 323 Declaratie and 325 Declaratie-antwoord: one whole calendar month per declaration (CS340), product
 * periods inside one month (CS337), from 2021 (CS100), ended by the Dagtekening (TR137) and not over five
 * years before the DeclaratieDagtekening (TR335), amounts that add up (TR358, TR342), credit lines that
 * name what they credit (CD060, TR315, TR316), one debit per product per period (TR416), no client or
 * line twice (TR101: Bsn, ReferentieNummer).
 */

type Prestatie = Wmo323['Declaratie']['Clienten']['Client'][number]['Prestaties']['Prestatie'][number];
type Periode = Prestatie['ProductPeriode'];
interface Dates {
  /** Header/BerichtIdentificatie/Dagtekening (TR137). */
  dagtekening: string;
  /** Declaratie/DeclaratieDagtekening (TR335). */
  declaratieDagtekening: string;
}
interface Bedrag {
  Bedrag?: number;
  TotaalBedrag?: number;
  DebetCredit: 'C' | 'D';
}

const signed = (b: Bedrag) => (b.DebetCredit === 'C' ? -1 : 1) * (b.Bedrag ?? b.TotaalBedrag ?? 0);
const amountOf = (b: Bedrag) => b.Bedrag ?? b.TotaalBedrag ?? 0;

/**
 * TR346: amount = volume × tariff. For minutes against an hourly tariff the standard computes
 * tariff × minutes / 60, rounded; either reading is accepted so a correct line is never refused.
 */
function amountMatchesTariff(p: Prestatie): boolean {
  if (p.ProductTarief === undefined) return true; // CD087 reports the missing tariff
  const amount = p.IngediendBedrag.Bedrag;
  if (amount === p.GeleverdVolume * p.ProductTarief) return true;
  return p.Eenheid === '01' && amount === Math.round((p.GeleverdVolume * p.ProductTarief) / 60);
}

/** TR137: a period ends on or after its start and not after the message's Dagtekening. */
function checkPeriodEnd(f: Findings, period: Periode, dagtekening: string, at: string): void {
  const ok = period.Einddatum >= period.Begindatum && period.Einddatum <= dagtekening;
  f.check(ok, 'TR137', `${at}/Einddatum`);
}

function checkPrestatie(f: Findings, p: Prestatie, at: string, dates: Dates): void {
  const period = p.ProductPeriode;
  f.check(period.Begindatum >= '2021-01-01', 'CS100', `${at}/ProductPeriode/Begindatum`);
  checkPeriodEnd(f, period, dates.dagtekening, `${at}/ProductPeriode`);
  const fiveYearsBack = yearsBefore(dates.declaratieDagtekening, 5);
  f.check(period.Einddatum >= fiveYearsBack, 'TR335', `${at}/ProductPeriode/Einddatum`);
  f.check(
    period.Einddatum.slice(0, 7) === period.Begindatum.slice(0, 7),
    'CS337',
    `${at}/ProductPeriode/Einddatum`,
  );
  const euros = p.Eenheid === '83';
  f.check(euros === (p.ProductTarief === undefined), 'CD087', `${at}/ProductTarief`);
  f.check(!euros || p.IngediendBedrag.Bedrag === p.GeleverdVolume, 'CS339', `${at}/IngediendBedrag/Bedrag`);
  f.check(euros || amountMatchesTariff(p), 'TR346', `${at}/IngediendBedrag/Bedrag`);
  checkAmountAndCredit(f, p, at);
}

/** CS325 (0 is debet) and CD060 (a credit line names the line it credits; a debet line does not). */
function checkAmountAndCredit(f: Findings, p: Prestatie, at: string): void {
  f.check(
    p.IngediendBedrag.Bedrag !== 0 || p.IngediendBedrag.DebetCredit === 'D',
    'CS325',
    `${at}/IngediendBedrag/DebetCredit`,
  );
  const credit = p.IngediendBedrag.DebetCredit === 'C';
  const vorig = p.ProductReferentie.VorigReferentieNummer;
  f.check(credit === (vorig !== undefined), 'CD060', `${at}/ProductReferentie/VorigReferentieNummer`);
}

interface Line {
  p: Prestatie;
  at: string;
}

function linesOf(clients: { Prestaties: { Prestatie: Prestatie[] } }[], root: string): Line[] {
  return clients.flatMap((c, ci) =>
    c.Prestaties.Prestatie.map((p, pi) => ({
      p,
      at: `${root}/Client[${ci + 1}]/Prestaties/Prestatie[${pi + 1}]`,
    })),
  );
}

/** TR101: a client once per message (Bsn), a line once (ReferentieNummer, unique in the whole message). */
function checkKeys(f: Findings, clients: { Bsn: string }[], lines: Line[], root: string): void {
  checkUniqueKeys(
    f,
    clients,
    (c) => [c.Bsn],
    (i) => `${root}/Client[${i + 1}]`,
  );
  checkUniqueKeys(
    f,
    lines,
    ({ p }) => [p.ProductReferentie.ReferentieNummer],
    (i) => `${lines[i]?.at}/ProductReferentie/ReferentieNummer`,
  );
}

function checkLinesTogether(f: Findings, lines: Line[]): void {
  const refs = new Set(lines.map(({ p }) => p.ProductReferentie.ReferentieNummer));
  const vorige = new Set<string>();
  const debits = new Set<string>();
  for (const { p, at } of lines) {
    const vorig = p.ProductReferentie.VorigReferentieNummer;
    if (vorig !== undefined) {
      f.check(!vorige.has(vorig), 'TR315', `${at}/ProductReferentie/VorigReferentieNummer`);
      f.check(!refs.has(vorig), 'TR316', `${at}/ProductReferentie/VorigReferentieNummer`);
      vorige.add(vorig);
    }
    if (p.IngediendBedrag.DebetCredit === 'D') {
      const key = [
        p.ToewijzingNummer,
        p.ProductCategorie,
        p.ProductCode,
        p.ProductPeriode.Begindatum,
        p.ProductPeriode.Einddatum,
      ].join('|');
      f.check(!debits.has(key), 'TR416', `${at}/IngediendBedrag/DebetCredit`);
      debits.add(key);
    }
  }
}

export function checkDeclaratie(f: Findings, bericht: Wmo323): void {
  const d = bericht.Declaratie;
  const dates = {
    dagtekening: bericht.Header.BerichtIdentificatie.Dagtekening,
    declaratieDagtekening: d.DeclaratieDagtekening,
  };
  const period = d.DeclaratiePeriode;
  const whole = period.Begindatum.endsWith('-01') && period.Einddatum === lastDayOfMonth(period.Begindatum);
  f.check(whole, 'CS340', '/Bericht/Declaratie/DeclaratiePeriode');
  f.check(period.Begindatum >= '2021-01-01', 'CS100', '/Bericht/Declaratie/DeclaratiePeriode/Begindatum');
  checkPeriodEnd(f, period, dates.dagtekening, '/Bericht/Declaratie/DeclaratiePeriode');
  const total = d.TotaalIngediendBedrag;
  f.check(
    total.TotaalBedrag !== 0 || total.DebetCredit === 'D',
    'CS325',
    '/Bericht/Declaratie/TotaalIngediendBedrag/DebetCredit',
  );
  const lines = linesOf(d.Clienten.Client, '/Bericht/Declaratie/Clienten');
  for (const { p, at } of lines) checkPrestatie(f, p, at, dates);
  checkKeys(f, d.Clienten.Client, lines, '/Bericht/Declaratie/Clienten');
  checkLinesTogether(f, lines);
  const sum = lines.reduce((s, { p }) => s + signed(p.IngediendBedrag), 0);
  f.check(sum === signed(total), 'TR358', '/Bericht/Declaratie/TotaalIngediendBedrag');
}

export function checkDeclaratieAntwoord(f: Findings, bericht: Wmo325): void {
  const a = bericht.DeclaratieAntwoord;
  if (!a) return;
  const root = '/Bericht/DeclaratieAntwoord';
  for (const [name, total] of [
    ['TotaalIngediendBedrag', a.TotaalIngediendBedrag],
    ['TotaalToegekendBedrag', a.TotaalToegekendBedrag],
  ] as const) {
    f.check(total.TotaalBedrag !== 0 || total.DebetCredit === 'D', 'CS325', `${root}/${name}/DebetCredit`);
  }
  const lines = linesOf(a.Clienten?.Client ?? [], `${root}/Clienten`);
  const dagtekening = bericht.Header.BerichtIdentificatie.Dagtekening;
  for (const { p, at } of lines) {
    checkAmountAndCredit(f, p, at);
    checkPeriodEnd(f, p.ProductPeriode, dagtekening, `${at}/ProductPeriode`);
  }
  checkKeys(f, a.Clienten?.Client ?? [], lines, `${root}/Clienten`);
  const difference = signed(a.TotaalIngediendBedrag) - signed(a.TotaalToegekendBedrag);
  const rejected = lines.reduce((s, { p }) => s + signed(p.IngediendBedrag), 0);
  // Without listed lines the whole declaration was either awarded (8001) or refused as a class (awarded 0).
  const consistent = lines.length
    ? rejected === difference
    : difference === 0 || amountOf(a.TotaalToegekendBedrag) === 0;
  f.check(consistent, 'TR342', `${root}/TotaalToegekendBedrag`);
}
