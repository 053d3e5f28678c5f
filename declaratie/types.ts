import type { IsoDate } from '../calendar/iso-date';
import type { Eenheid, Frequentie } from './schemas';

/*
 * The plain inputs and outputs of the claim computations. No zod here: workflows import these.
 */

/** An inclusive date range. */
export interface Periode {
  begindatum: IsoDate;
  einddatum: IsoDate;
}

export interface Omvang {
  volume: number;
  eenheid: Eenheid;
  frequentie: Frequentie;
}

/** What a claim needs of a toewijzing (its current version). */
export interface ToewijzingVoorDeclaratie {
  toewijzingNummer: number;
  /** Goes into the 323 only; never into a finding or message. */
  bsn: string;
  product: { categorie: string; code?: string };
  ingangsdatum: IsoDate;
  einddatum?: IsoDate;
  omvang?: Omvang;
  /** Cents (CD078: excludes Omvang). */
  budget?: number;
}

/**
 * Where the start of a delivery stands: 'gemeld' = its 305 was delivered and not rejected (an approving
 * 306 or none yet); 'niet-gemeld' = still owed or not delivered; 'afgewezen' = the 306 rejected it.
 */
export type StartStatus = 'gemeld' | 'niet-gemeld' | 'afgewezen';

/** RedenBeeindiging 20: a temporary stop; a new start may follow (TR413–TR415). */
export const tijdelijkeStop = '20';

/** One delivery: a start and, once reported, its stop (307). */
export interface Levering {
  begindatum: IsoDate;
  start: StartStatus;
  stop?: { einddatum: IsoDate; redenBeeindiging: string };
}

/** One claim line (debit), before it gets a ReferentieNummer and goes into a 323. */
export interface Declaratieregel {
  toewijzingNummer: number;
  bsn: string;
  categorie: string;
  code: string;
  /** Inside one calendar month (CS337), the toewijzing (TR307/TR308) and the care (IV089). */
  productPeriode: Periode;
  volume: number;
  eenheid: Eenheid;
  /** Cents per eenheid; absent for eenheid 83 (euro's, CD087). */
  tarief?: number;
  /** Cents: volume × tarief (TR346), or the volume for eenheid 83 (CS339). */
  bedrag: number;
}

/** The net volume and amount of the lines claimed before for this toewijzing (debits − credits). */
export interface EerderGedeclareerd {
  volume: number;
  bedrag: number;
}
