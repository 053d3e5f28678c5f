import { eq, sql } from 'drizzle-orm';
import { type Database, outboxMessages } from '../../db';
import { type Finding, makeIdentificatie } from '../../iwmo';
import type { MessageCodec } from './codec';
import { withHistory } from './events';
import type { InboxRow } from './inbox';

/*
 * The outbox writer every outgoing message goes through (sendMessage, and the 302 the inbound path
 * writes for a rejected 301). Keyed by idempotency key: the first write wins, a retry or a second
 * caller with the same key gets that row back, so a message is never stored (and later sent) twice.
 */

export interface OutboxWrite {
  idempotencyKey: string;
  workflowId: string | null;
  messageType: string;
  /** The party that sends it (for a retour: the receiver of the heen message, whose header it copies). */
  afzender: string;
  ontvanger: string;
  identificatie: string;
  payload: string;
  /** A retour's link to its heen message over the transport (retourLinks); unset for a heen message. */
  conversatieId?: string | null;
  alsAntwoordOp?: string | null;
}

export interface OutboxWritten {
  outboxId: string;
  identificatie: string;
  duplicate: boolean;
}

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * How a retour points at the received heen message on the transport: the heen's conversation and
 * `alsAntwoordOp` = its traceerId (CC05). Only ids the transport can carry back (uuid v4): a message
 * posted to the API has none, a drop-folder file's id is its name — then the retour goes unlinked.
 */
export function retourLinks(heen: { traceerId: string | null; conversatieId: string | null }) {
  if (!heen.traceerId || !uuidV4.test(heen.traceerId)) return {};
  const conversatieId =
    heen.conversatieId && uuidV4.test(heen.conversatieId) ? heen.conversatieId : heen.traceerId;
  return { conversatieId, alsAntwoordOp: heen.traceerId };
}

export async function findOutbox(db: Database, idempotencyKey: string): Promise<OutboxWritten | undefined> {
  const [row] = await db
    .select({ outboxId: outboxMessages.id, identificatie: outboxMessages.identificatie })
    .from(outboxMessages)
    .where(eq(outboxMessages.idempotencyKey, idempotencyKey));
  return row && { ...row, duplicate: true };
}

/** postgres.js returns the rows themselves; PGlite wraps them in { rows }. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/** A fresh Identificatie for a message of type `nr` (e.g. '305'), from the outbox sequence (TR056). */
export async function nextIdentificatie(db: Database, nr: string): Promise<string> {
  const result = await db.execute(sql`select nextval('outbox_identificatie_seq') as n`);
  const [row] = rowsOf<{ n: string | number | bigint }>(result);
  return makeIdentificatie(nr, Number(row?.n));
}

/** Inserts the message, or returns the row already written under its key (`duplicate: true`). */
export async function writeOutbox(db: Database, message: OutboxWrite): Promise<OutboxWritten> {
  const changed = db.$with('changed').as(
    db
      .insert(outboxMessages)
      .values({ ...message, status: 'pending' })
      .onConflictDoNothing({ target: outboxMessages.idempotencyKey })
      .returning({ id: outboxMessages.id, identificatie: outboxMessages.identificatie }),
  );
  const detail = message.workflowId ? { workflowId: message.workflowId } : {};
  const history = withHistory(db, changed, { direction: 'out', status: 'pending', detail });
  const [inserted] = await db.with(changed, history).select().from(changed);
  if (inserted) return { outboxId: inserted.id, identificatie: inserted.identificatie, duplicate: false };
  const existing = await findOutbox(db, message.idempotencyKey);
  if (!existing) throw new Error('outbox row vanished after a conflict on its idempotency key');
  return existing;
}

/**
 * A retour the service sends on its own for a stored heen message (a 302 to a 301 with rule findings, a
 * 320 to a 319 no open request takes): built from the stored XML, written once under `key` and linked in
 * the heen's conversation. Undefined when no finding carries a retour code (an XSD-level failure).
 */
export async function answerStored(
  deps: { db: Database; codec: Pick<MessageCodec, 'retour'> },
  row: InboxRow,
  findings: Finding[],
  answer: { key: string; sequence: '302' | '320'; dagtekening: string },
) {
  const meta = {
    identificatie: await nextIdentificatie(deps.db, answer.sequence),
    dagtekening: answer.dagtekening,
  };
  const built = await deps.codec.retour(row.payload, findings, meta);
  if (!built.ok) return undefined;
  const written = await writeOutbox(deps.db, {
    idempotencyKey: answer.key,
    workflowId: null,
    messageType: built.type,
    afzender: built.afzender,
    ontvanger: built.ontvanger,
    identificatie: meta.identificatie,
    payload: built.xml,
    ...retourLinks(row),
  });
  return { messageType: built.type, outboxId: written.outboxId, identificatie: written.identificatie };
}
