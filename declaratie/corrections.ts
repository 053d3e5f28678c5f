import { periodOf } from '../calendar/periods';
import type { RegelInBericht } from './assemble';
import { clip, toewijzingRange } from './care';
import { referentieNummer, volgnummerOf } from './referentie';
import type { Contract } from './schemas';
import { lookupTariff } from './tariff';
import type { Periode, ToewijzingVoorDeclaratie } from './types';

/*
 * Correction proposals (a person confirms or edits them; nothing here sends anything).
 *  - A rejected line (listed in a 325) is resubmitted, corrected where its retour code says what was
 *    wrong, in a later 323 (SAP-GI; no standard term), under a new ReferentieNummer (TR314: never reused).
 *  - An awarded line that was wrong is credited (VorigReferentieNummer = the original, same volume,
 *    unit, tariff and amount: IV091, TR323) and claimed again by a new debit, both in a message after the
 *    original's (TR316: never the debit and its credit in one message).
 */

export interface Wijziging {
  veld: 'tarief' | 'productPeriode' | 'product' | 'volume' | 'geen';
  /** The retour code that asks for it. */
  retourCode: string;
  toelichting: string;
}

export type Herindiening =
  /** Resubmit `regel` (already corrected as far as the codes say) in a later 323. */
  | { soort: 'herindienen'; regel: RegelInBericht; wijzigingen: Wijziging[]; controleNodig: boolean }
  /** The codes say the line cannot be claimed this way (no/deleted toewijzing, a duplicate): a person decides. */
  | { soort: 'opgeven-voorstel'; retourCodes: string[]; toelichting: string };

export interface CorrectieContext {
  gemeente: string;
  toewijzing: ToewijzingVoorDeclaratie;
  contract: Contract | undefined;
}

/** Codes after which resubmitting the same line cannot succeed. */
const hopeless: Record<string, string> = {
  '9338': 'no matching toewijzing (TR338)',
  '9384': 'the toewijzing was deleted (TR384)',
  '8187': 'the line does not belong to this client (TR304)',
  '9389': 'a debit for this toewijzing, product and period was already awarded (TR389/TR416)',
  '9390': 'the line was already credited (TR390)',
  '8017': 'credit without a known debit (TR323)',
};

function nextReferentie(ctx: CorrectieContext, r: RegelInBericht, step: number): string {
  return referentieNummer({
    gemeente: ctx.gemeente,
    toewijzingNummer: r.toewijzingNummer,
    periode: r.productPeriode.begindatum,
    productCode: r.code,
    volgnummer: volgnummerOf(r.referentieNummer) + step,
  });
}

function withContractTariff(ctx: CorrectieContext, r: RegelInBericht): RegelInBericht | undefined {
  if (r.eenheid === '83') return { ...r, bedrag: r.volume };
  const key = { categorie: r.categorie, code: r.code, eenheid: r.eenheid };
  const lookup = lookupTariff(ctx.contract, key, r.productPeriode.begindatum);
  if (!lookup.ok) return undefined;
  return { ...r, tarief: lookup.tarief.bedrag, bedrag: r.volume * lookup.tarief.bedrag };
}

/** TR307/TR308: the part of the period inside the toewijzing. */
function clipToToewijzing(ctx: CorrectieContext, p: Periode): Periode | undefined {
  return clip([toewijzingRange(ctx.toewijzing)], p)[0];
}

/** TR387/TR388 (IV089): the whole month, cut only by the toewijzing's own dates. */
function monthInToewijzing(ctx: CorrectieContext, p: Periode): Periode | undefined {
  const month = periodOf(p.begindatum, 'month');
  return clip([toewijzingRange(ctx.toewijzing)], { begindatum: month.start, einddatum: month.end })[0];
}

/** The proposal for a line a 325 rejected with `retourCodes`. */
export function proposeHerindiening(
  ctx: CorrectieContext,
  afgewezen: RegelInBericht,
  retourCodes: readonly string[],
): Herindiening {
  const stop = retourCodes.filter((c) => hopeless[c]);
  if (stop.length) {
    return {
      soort: 'opgeven-voorstel',
      retourCodes: [...retourCodes],
      toelichting: stop.map((c) => hopeless[c]).join('; '),
    };
  }
  let regel: RegelInBericht = {
    ...afgewezen,
    referentieNummer: nextReferentie(ctx, afgewezen, 1),
    correctie: true,
  };
  const wijzigingen: Wijziging[] = [];
  let controleNodig = false;
  for (const code of retourCodes) {
    if (code === '0611' || code === '9346') {
      // TR418 / TR346: the contract tariff, amount = volume × tariff.
      const priced = withContractTariff(ctx, regel);
      if (priced) {
        regel = priced;
        wijzigingen.push({
          veld: 'tarief',
          retourCode: code,
          toelichting: 'contract tariff; amount = volume × tariff',
        });
      } else controleNodig = true;
    } else if (code === '9307' || code === '9308' || code === '9387' || code === '9388') {
      // TR307/TR308: inside the toewijzing; TR387/TR388: month-aligned unless the toewijzing cuts it.
      const aligned = code === '9387' || code === '9388';
      const p = (aligned ? monthInToewijzing : clipToToewijzing)(ctx, regel.productPeriode);
      if (p) {
        regel = { ...regel, productPeriode: p };
        wijzigingen.push({
          veld: 'productPeriode',
          retourCode: code,
          toelichting: 'clipped to the toewijzing and the month',
        });
      } else controleNodig = true;
    } else if (code === '9339' || code === '9340' || code === '9341') {
      // TR339–TR341: category, code and unit of the toewijzing.
      const t = ctx.toewijzing;
      regel = {
        ...regel,
        categorie: t.product.categorie,
        code: t.product.code ?? regel.code,
        eenheid: t.omvang?.eenheid ?? regel.eenheid,
      };
      wijzigingen.push({
        veld: 'product',
        retourCode: code,
        toelichting: "the toewijzing's category, code and unit",
      });
      const priced = withContractTariff(ctx, regel);
      if (priced) regel = priced;
      else controleNodig = true;
    } else if (code === '9321' || code === '9322' || code === '9369') {
      // TR321/TR322/TR369: the volume must come down; how far needs the toewijzing's history: a person sets it.
      wijzigingen.push({
        veld: 'volume',
        retourCode: code,
        toelichting: 'lower the volume to what the toewijzing allows',
      });
      controleNodig = true;
    } else if (code !== '0200' && code !== '0233') {
      // 0233: not assessed (a client-level code); 9319 etc.: resubmit in a later period unchanged.
      wijzigingen.push({
        veld: 'geen',
        retourCode: code,
        toelichting: 'no change the code itself prescribes',
      });
      controleNodig = true;
    }
  }
  return { soort: 'herindienen', regel, wijzigingen, controleNodig };
}

export interface CreditEnDebet {
  /** Cancels the original: same volume, unit, tariff and amount (IV091), VorigReferentieNummer = original. */
  credit: RegelInBericht;
  /** The corrected claim, same unit and contract tariff; in the same later message as the credit or after. */
  debet: RegelInBericht;
}

/**
 * Correcting an awarded line: a credit of `origineel` and a new debit with the corrected volume and/or
 * period. Both go into a message after the original's (TR316); the caller checks the original was awarded
 * (TR323: no credit without an awarded debit).
 */
export function proposeCreditEnDebet(
  ctx: CorrectieContext,
  origineel: RegelInBericht,
  gecorrigeerd: { volume: number; productPeriode?: Periode },
): CreditEnDebet | { fout: string } {
  if (origineel.debetCredit !== 'D') return { fout: 'only a debit line can be credited (TR323)' };
  const credit: RegelInBericht = {
    ...origineel,
    referentieNummer: nextReferentie(ctx, origineel, 1),
    debetCredit: 'C',
    vorigReferentieNummer: origineel.referentieNummer,
    correctie: true,
  };
  const base: RegelInBericht = {
    ...origineel,
    referentieNummer: nextReferentie(ctx, origineel, 2),
    volume: gecorrigeerd.volume,
    productPeriode: gecorrigeerd.productPeriode ?? origineel.productPeriode,
    debetCredit: 'D',
    correctie: true,
  };
  const { vorigReferentieNummer: _, ...debetZonderVorig } = base;
  const debet = withContractTariff(ctx, debetZonderVorig);
  if (!debet) return { fout: 'the product has no contract tariff for the corrected period (TR418)' };
  return { credit, debet };
}
