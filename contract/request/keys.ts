/*
 * Keys both sides of the request's contract derive, defined once: the workflow owes the 320 under the
 * key, the inbound path writes a 320 for an unmatched 319 under the same key (one 320 per 319), and the
 * archive reads the 319 it answers back from it (db/queries/conversation.ts).
 */

const retour320Prefix = '320:';

/** One 320 per 319: the outbox key of the retour on a received 319, by the 319's inbox id. */
export const retour320Key = (inboxId: string): string => `${retour320Prefix}${inboxId}`;

/** The 319's inbox id a retour320Key names, or undefined when the key is not a 320's. */
export function heenOfRetour320Key(key: string): string | undefined {
  return key.startsWith(retour320Prefix) ? key.slice(retour320Prefix.length) : undefined;
}

/**
 * One 315/317 per stored request document: the outbox key of the message built from it. A 315's
 * products share the document and so the message; an outbox row under this key means the document is in use.
 */
export const verzoekMessageKey = (payloadRef: string): string => `verzoek:${payloadRef}`;
