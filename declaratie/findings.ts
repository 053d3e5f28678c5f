/*
 * Why something is not claimed, or not claimed in full: a typed reason with the standard's rule id (or
 * the protocol's) so the assignment's state can say why, and nothing is priced at €0 silently.
 */

export type ClaimReason =
  /** No start (305) was reported for this toewijzing; OP364 makes it no standard condition, our policy is. */
  | 'geen-start'
  /** The start's 305 was sent but not (yet) delivered or answered. */
  | 'start-niet-gemeld'
  /** The gemeente rejected the 305. */
  | 'start-afgewezen'
  | 'geen-contract'
  | 'geen-tarief'
  /** The toewijzing does not cover the period (TR307/TR308). */
  | 'buiten-toewijzing'
  /** Care was reported but not on any day of the period. */
  | 'geen-zorg-in-periode'
  /** The toewijzing's volume or budget is used up (TR321/TR322/TR369). */
  | 'limiet-bereikt'
  /** The line was cut to the remaining volume or budget (TR321/TR322/TR369). */
  | 'ingekort-tot-limiet'
  /** The toewijzing has no product code, Omvang or unit that the rules can count (CD041, TR340). */
  | 'niet-telbaar'
  /** A CAK period touching the month has not ended yet: its amount is not final (docs/claims.md). */
  | 'periode-niet-gesloten'
  /** The product's unit differs from the contract's (TR341). */
  | 'eenheid-wijkt-af';

export interface ClaimFinding {
  /** The rule behind the reason (TR418, TR322, IV089, …) or 'beleid' for a house policy. */
  rule: string;
  reason: ClaimReason;
  /** Says what and why; never a BSN or name. */
  message: string;
}
