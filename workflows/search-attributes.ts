import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/*
 * Custom search attributes operators use to find assignments in the Temporal UI and CLI, e.g.
 *   temporal workflow list --query 'WmoOverdue = true AND WmoGemeente = "1916"'
 * They carry codes and keys only: never a BSN or a client name (privacy rule).
 */
export const WmoOverdue = defineSearchAttributeKey('WmoOverdue', SearchAttributeType.BOOL);
export const WmoGemeente = defineSearchAttributeKey('WmoGemeente', SearchAttributeType.KEYWORD);
export const WmoAanbieder = defineSearchAttributeKey('WmoAanbieder', SearchAttributeType.KEYWORD);
export const WmoStatus = defineSearchAttributeKey('WmoStatus', SearchAttributeType.KEYWORD);
/** Due moment (end of the Amsterdam day) of the earliest open deadline; absent when none is open. */
export const WmoNextDeadline = defineSearchAttributeKey('WmoNextDeadline', SearchAttributeType.DATETIME);
/** Keyed hash of the client's BSN: finds every assignment of one client without naming them. */
export const WmoClientRef = defineSearchAttributeKey('WmoClientRef', SearchAttributeType.KEYWORD);
/** True while the assignment's I/O fails (state `io`): an activity failed for good or keeps failing. */
export const WmoIoFailing = defineSearchAttributeKey('WmoIoFailing', SearchAttributeType.BOOL);

/** Every custom attribute, registered at dev-server start and ensured by the service at start-up. */
export const customSearchAttributes = [
  WmoOverdue,
  WmoGemeente,
  WmoAanbieder,
  WmoStatus,
  WmoNextDeadline,
  WmoClientRef,
  WmoIoFailing,
] as const;
