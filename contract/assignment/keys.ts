/*
 * Keys both sides of the assignment's contract derive, defined once: the workflow owes a message under
 * the key, the activity writes the outbox row under the same key, the archive reads it back.
 */

const retourPrefix = 'retour:';

/**
 * One 302 per 301: the outbox key of the retour on a received 301, by the 301's inbox id. Whoever writes
 * it — the inbound path for a rejected 301, sendMessage for the 302 an assignment owes, however many
 * workflows one 301 fanned out to — writes the same row, so the 301 is answered once.
 */
export const retour302Key = (inboxId: string): string => `${retourPrefix}${inboxId}`;

/** The 301's inbox id a retour302Key names, or undefined when the key is not a retour's. */
export function heenOfRetour302Key(key: string): string | undefined {
  return key.startsWith(retourPrefix) ? key.slice(retourPrefix.length) : undefined;
}
