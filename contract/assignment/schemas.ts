import { z } from 'zod';
import { isoDate } from '../../calendar/schemas';
import { agbCode, gemeenteCode } from '../../iwmo/identifier-schemas';
import { timePattern } from '../../iwmo/lexical';

/*
 * zod schemas of what callers hand the assignment workflow: a toewijzing version (from the inbox router),
 * the provider's lifecycle events (from the API) and retours. The API validates with these; index.ts
 * takes its types from here. The workflow itself checks the same shapes with event-shapes.ts, which
 * loads no zod (a test holds the two to the same verdicts).
 */

const time = z.string().regex(timePattern, 'hh:mm:ss (LDT_Tijd)');

/** One version of a toewijzing, as a 301 carried it (one ToegewezenProduct), decoded at the boundary. */
export const toewijzingVersion = z.object({
  /** Inbox id of the 301 that carried it: activities read client data (BSN, name) from there. */
  messageId: z.string().min(1),
  /** BerichtIdentificatie/Identificatie of that 301. */
  berichtIdentificatie: z.string().min(1).max(12),
  gemeente: gemeenteCode,
  aanbieder: agbCode,
  /** Keyed hash of the BSN; never the BSN itself. */
  clientRef: z.string().min(1),
  toewijzingNummer: z.number().int().min(0).max(999_999_999),
  referentieAanbieder: z.string().max(36).optional(),
  product: z.object({ categorie: z.string(), code: z.string().optional() }).optional(),
  toewijzingsdatum: isoDate,
  toewijzingstijd: time,
  ingangsdatum: isoDate,
  einddatum: isoDate.optional(),
  redenWijziging: z.string().optional(),
  omvang: z.object({ volume: z.number().int(), eenheid: z.string(), frequentie: z.string() }).optional(),
  budget: z.number().int().optional(),
  /** The day the 301 was received (Europe/Amsterdam); the 302 term counts from it. */
  ontvangen: isoDate,
});
export type ToewijzingVersion = z.infer<typeof toewijzingVersion>;

/** Caller's key for the event: the same key again returns the first answer (idempotent across runs). */
const eventId = z.string().min(1).max(100);

/** Start of care → a 305 (StatusAanlevering 1). */
export const startEvent = z.object({ eventId, begindatum: isoDate }).strict();
export type StartEvent = z.infer<typeof startEvent>;

/** Stop of care → a 307; RedenBeeindiging 20 is a temporary stop (TR413–TR415). */
export const stopEvent = z
  .object({ eventId, einddatum: isoDate, redenBeeindiging: z.string().regex(/^[0-9]{2}$/, 'two digits') })
  .strict();
export type StopEvent = z.infer<typeof stopEvent>;

/**
 * A correction: StatusAanlevering 3 deletes an earlier start or stop (identified by its begindatum, and
 * for a stop its einddatum); the corrected event, if any, is then sent as a new delivery (status 1).
 * StatusAanlevering 2 is forbidden in iWmo 3.2 (OP033x2) and refused.
 */
export const correctionEvent = z
  .object({
    eventId,
    target: z.enum(['start', 'stop']),
    statusAanlevering: z.enum(['2', '3']),
    begindatum: isoDate,
    einddatum: isoDate.optional(),
    replacement: z
      .object({
        begindatum: isoDate.optional(),
        einddatum: isoDate.optional(),
        redenBeeindiging: z.string().optional(),
      })
      .optional(),
  })
  .strict();
export type CorrectionEvent = z.infer<typeof correctionEvent>;

/** A 306 or 308 for a 305/307 this workflow sent, matched on the heen message's Identificatie. */
export const retourReceived = z.object({
  messageId: z.string().min(1),
  messageType: z.enum(['WMO306', 'WMO308']),
  /** BerichtIdentificatie/Identificatie of the 305/307 it answers. */
  heenIdentificatie: z.string().min(1).max(12),
  /** Every retour code in it; empty, or only 0200, means approved. */
  retourCodes: z.array(z.string()),
  ontvangen: isoDate,
});
export type RetourReceived = z.infer<typeof retourReceived>;
