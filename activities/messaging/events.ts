import { eq, sql } from 'drizzle-orm';
import {
  type Database,
  type MessageDirection,
  messageEvents,
  outboxMessages,
  type outboxStatus,
} from '../../db';

/*
 * Status history (message_events): every status change of an inbox or outbox message adds one row, in
 * the same transaction as the change, so the history never disagrees with the row. Callers pass their
 * transaction as `db`. Detail is metadata only (rule ids, workflow ids, traceerIds, transport errors).
 */

export interface MessageEvent {
  messageId: string;
  direction: MessageDirection;
  status: string;
  detail?: Record<string, unknown>;
}

export async function recordMessageEvent(db: Database, event: MessageEvent): Promise<void> {
  await db.insert(messageEvents).values({ ...event, detail: event.detail ?? null });
}

export interface OutboxStatusChange {
  status: (typeof outboxStatus)[number];
  /** The transport's id once it accepted the message. */
  traceerId?: string;
  /** Why delivery failed (transport's words, never payload content). */
  error?: string;
}

/**
 * For the sender: sets an outbox message's status (sent: traceerId and sentAt; failed: lastError,
 * one more attempt) and records the change in its history, in one transaction.
 */
export async function setOutboxStatus(db: Database, id: string, change: OutboxStatusChange): Promise<void> {
  await db.transaction(async (tx) => {
    const sent = change.status === 'sent';
    await tx
      .update(outboxMessages)
      .set({
        status: change.status,
        ...(change.traceerId !== undefined && { traceerId: change.traceerId }),
        ...(sent && { sentAt: sql`now()`, lastError: null }),
        ...(change.status === 'failed' && { lastError: change.error ?? null }),
        ...(change.status !== 'pending' && { attempts: sql`${outboxMessages.attempts} + 1` }),
      })
      .where(eq(outboxMessages.id, id));
    const detail = {
      ...(change.traceerId !== undefined && { traceerId: change.traceerId }),
      ...(change.error !== undefined && { error: change.error }),
    };
    await recordMessageEvent(tx, { messageId: id, direction: 'out', status: change.status, detail });
  });
}
