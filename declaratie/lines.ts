import type { IsoDate } from '../calendar/iso-date';
import { cakMonthFinalOn, cakSharesOfMonth } from './cak';
import { careWindow, clip, toewijzingRange } from './care';
import { isOutputgericht, periodMaximum, toewijzingMaximum, totaalThrough, weeksClaimedIn } from './counting';
import type { ClaimFinding } from './findings';
import type { Contract } from './schemas';
import { contractProductFor, lookupTariff, tariefOn } from './tariff';
import type {
  Declaratieregel,
  EerderGedeclareerd,
  Levering,
  Omvang,
  Periode,
  ToewijzingVoorDeclaratie,
} from './types';

/*
 * Claim lines of one toewijzing for one calendar month (the 323's DeclaratiePeriode, CS340): what the
 * reported care may claim under the contract, or typed findings saying why nothing (or less) is claimed.
 * One line per toewijzing per product per month (IV089/IV090, TR416).
 */

export interface ClaimInput {
  toewijzing: ToewijzingVoorDeclaratie;
  leveringen: readonly Levering[];
  /** A whole calendar month. */
  maand: Periode;
  contract: Contract | undefined;
  /** Net volume and amount claimed before for this toewijzing (TR322/TR369). */
  eerder: EerderGedeclareerd;
  /** Delivered units of this month, when the provider registers them (inspanningsgericht, IV076). */
  geleverd?: number;
  /** The day of the claim: CAK period amounts are claimed only once every period in the month ended. */
  peildatum?: IsoDate;
}

export interface ClaimResult {
  lines: Declaratieregel[];
  /** Why nothing, or less than the care would claim, is claimed. */
  findings: ClaimFinding[];
}

const none = (finding: ClaimFinding): ClaimResult => ({ lines: [], findings: [finding] });

/** The claim lines of `input.toewijzing` for `input.maand` (see the module comment). */
export function claimLines(input: ClaimInput): ClaimResult {
  const { toewijzing: t, maand } = input;
  const inToewijzing = clip([toewijzingRange(t)], maand)[0];
  if (!inToewijzing) {
    const message = `the toewijzing does not cover ${maand.begindatum}…${maand.einddatum}`;
    return none({ rule: 'TR307/TR308', reason: 'buiten-toewijzing', message });
  }
  const window = careWindow(t, input.leveringen);
  if (!window.ok) return none(window.finding);
  if (!t.product.code || !t.omvang) {
    const message = 'the toewijzing has no product code or Omvang to count (aspecific or budget only)';
    return none({ rule: 'CD041', reason: 'niet-telbaar', message });
  }
  // CAK amounts: a month may owe a share of a period whose care lay in another month (cak.ts).
  if (input.contract?.basis === 'cak4w-periode') return cakLines(input, inToewijzing, window.ranges);
  const care = clip(window.ranges, inToewijzing);
  if (care.length === 0) {
    return none({ rule: 'IV089', reason: 'geen-zorg-in-periode', message: 'no reported care in this month' });
  }
  return unitLines(input, care, window.ranges);
}

function lineBase(t: ToewijzingVoorDeclaratie, productPeriode: Periode) {
  return {
    toewijzingNummer: t.toewijzingNummer,
    bsn: t.bsn,
    categorie: t.product.categorie,
    code: t.product.code as string,
    productPeriode,
  };
}

/** TR322/TR369: cut the volume to what the toewijzing has left; a finding when cut or used up. */
function applyLimits(
  input: ClaimInput,
  volume: number,
  tarief: number | undefined,
  countOmvang: boolean,
): { volume: number; findings: ClaimFinding[] } {
  const t = input.toewijzing;
  const findings: ClaimFinding[] = [];
  let v = volume;
  const max = countOmvang && t.omvang ? toewijzingMaximum(t, t.omvang) : undefined;
  if (max !== undefined && input.eerder.volume + v > max) {
    v = Math.max(0, max - input.eerder.volume);
    findings.push({
      rule: 'TR322',
      reason: v === 0 ? 'limiet-bereikt' : 'ingekort-tot-limiet',
      message: `the toewijzing allows ${max} in all; ${input.eerder.volume} claimed before`,
    });
  }
  if (t.budget !== undefined) {
    const left = Math.max(0, t.budget - input.eerder.bedrag);
    const price = tarief ?? 1;
    if (v * price > left) {
      v = Math.floor(left / price);
      const reason = v === 0 ? 'limiet-bereikt' : 'ingekort-tot-limiet';
      findings.push({ rule: 'TR369', reason, message: `the budget has ${left} cents left` });
    }
  }
  return { volume: v, findings };
}

/** What a month claims without registered units: the maximum, except per-week inspanning (counting.ts). */
function defaultVolume(input: ClaimInput, allCare: readonly Periode[], maximum: number): number {
  const omvang = input.toewijzing.omvang as Omvang;
  if (omvang.frequentie !== '2' || isOutputgericht(omvang.eenheid)) return maximum;
  return Math.min(maximum, weeksClaimedIn(allCare, input.maand) * omvang.volume);
}

function unitLines(input: ClaimInput, care: Periode[], allCare: readonly Periode[]): ClaimResult {
  const t = input.toewijzing;
  const omvang = t.omvang as NonNullable<ToewijzingVoorDeclaratie['omvang']>;
  const productPeriode = {
    begindatum: (care[0] as Periode).begindatum,
    einddatum: (care[care.length - 1] as Periode).einddatum,
  };
  const key = { categorie: t.product.categorie, code: t.product.code, eenheid: omvang.eenheid };
  const lookup = lookupTariff(input.contract, key, productPeriode.begindatum);
  if (!lookup.ok) return none(lookup.finding);
  const counted =
    omvang.frequentie === '6'
      ? totaalThrough(t, omvang, productPeriode.einddatum)
      : periodMaximum(t, omvang, care, input.maand);
  if (counted === undefined) {
    const message = "a total volume (frequentie 6) needs the toewijzing's Einddatum to spread it";
    return none({ rule: 'IV078', reason: 'niet-telbaar', message });
  }
  // Totaal: the share due by this month minus what was claimed before; others: TR321 caps the delivered.
  let volume =
    omvang.frequentie === '6'
      ? Math.max(0, counted - input.eerder.volume)
      : defaultVolume(input, allCare, counted);
  const findings: ClaimFinding[] = [];
  if (input.geleverd !== undefined && omvang.frequentie !== '6') {
    if (input.geleverd > counted) {
      const message = `delivered ${input.geleverd} exceeds the ${counted} this month allows`;
      findings.push({ rule: 'TR321', reason: 'ingekort-tot-limiet', message });
    }
    volume = Math.min(input.geleverd, counted);
  }
  const euros = omvang.eenheid === '83';
  const tarief = euros ? undefined : lookup.tarief.bedrag;
  const limited = applyLimits(input, volume, tarief, true);
  findings.push(...limited.findings);
  if (limited.volume === 0) return { lines: [], findings };
  const line: Declaratieregel = {
    ...lineBase(t, productPeriode),
    volume: limited.volume,
    eenheid: omvang.eenheid,
    ...(tarief === undefined ? {} : { tarief }),
    bedrag: tarief === undefined ? limited.volume : limited.volume * tarief, // CS339 / TR346
  };
  return { lines: [line], findings };
}

function cakLines(input: ClaimInput, inToewijzing: Periode, care: Periode[]): ClaimResult {
  const t = input.toewijzing;
  const omvang = t.omvang as NonNullable<ToewijzingVoorDeclaratie['omvang']>;
  const finalOn = cakMonthFinalOn(input.maand);
  if (input.peildatum !== undefined && input.peildatum <= finalOn) {
    const message = `the CAK period ending ${finalOn} is still open: the month's amount is final after it`;
    return none({ rule: 'protocol', reason: 'periode-niet-gesloten', message });
  }
  const key = { categorie: t.product.categorie, code: t.product.code, eenheid: omvang.eenheid };
  const product = contractProductFor(input.contract, key);
  if (!product) {
    const lookup = lookupTariff(input.contract, key, inToewijzing.begindatum);
    if (!lookup.ok) return none(lookup.finding);
  }
  const { shares, noTariff } = cakSharesOfMonth({
    month: input.maand,
    toewijzing: toewijzingRange(t),
    care,
    tariffOn: (date) => (product ? tariefOn(product, date)?.bedrag : undefined),
  });
  const findings: ClaimFinding[] = noTariff.map((date) => ({
    rule: 'TR418',
    reason: 'geen-tarief' as const,
    message: `product ${key.categorie}/${key.code} has no tariff valid on ${date}`,
  }));
  const amount = shares.reduce((s, x) => s + x.amount, 0);
  if (shares.length === 0 || amount === 0) {
    if (findings.length === 0)
      findings.push({
        rule: 'protocol',
        reason: 'geen-zorg-in-periode',
        message: 'no CAK period of this month has care',
      });
    return { lines: [], findings };
  }
  // The Omvang does not bound CAK amounts (a month may hold more than one period's share); a budget does.
  const limited = applyLimits(input, amount, undefined, false);
  findings.push(...limited.findings);
  if (limited.volume === 0) return { lines: [], findings };
  const productPeriode = {
    begindatum: (shares[0] as { days: Periode }).days.begindatum,
    einddatum: (shares[shares.length - 1] as { days: Periode }).days.einddatum,
  };
  const line: Declaratieregel = {
    ...lineBase(t, productPeriode),
    volume: limited.volume,
    eenheid: '83',
    bedrag: limited.volume, // CS339: euro's, no tariff (CD087)
  };
  return { lines: [line], findings };
}
