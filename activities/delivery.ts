import { randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, asc, eq, gte, inArray, isNotNull, isNull, notExists, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { type OutboxDelivered, outboxDeliveredSignal } from '../contract/assignment';
import {
  type DeliverLanesInput,
  type DeliverLanesResult,
  type DeliverMessageInput,
  type DeliveryActivities,
  type DeliveryResult,
  deliveryImpossibleType,
  type RefreshTransportStatusInput,
  type RefreshTransportStatusResult,
} from '../contract/messaging';
import { type Database, messageEvents, outboxMessages } from '../db';
import { TransportError, TransportRefusedError } from '../transport/errors';
import type { Relatie } from '../transport/metadata';
import type { Transport, TransportStatus } from '../transport/types';
import { guardDatabase } from './db-errors';
import { recordMessageEvent, setOutboxStatus } from './messaging/events';
import { beat, withHeartbeats } from './messaging/heartbeat';
import { groupInOrder, runLanes } from './messaging/lanes';

/*
 * The sender: an outbox row → the transport. The traceerId (uuid v4) and conversatieId are written to
 * the row BEFORE the first attempt, so every later attempt — a Temporal retry, the next poll after a
 * worker crash — sends the same message under the same id. The transport then either takes it (the
 * first attempt never arrived) or refuses it with BRS114 (it did): the status call confirms that and the
 * row is marked sent. So a crash between send and the status update never sends twice, and a row stays
 * 'pending' until the transport has it, so nothing is lost. Status changes go through setOutboxStatus, so
 * the message's history (message_events) records them in the same transaction.
 */

export interface DeliveryDeps {
  db: Database;
  /** Unset when TRANSPORT=none: delivering then fails without retry, naming the setting. */
  transport?: Transport;
  /**
   * Tells the workflow that wrote a 305/307 when it was delivered (and downloaded, when the transport
   * reports it): its deadlines count from then (signal outboxDelivered). Unset: no one is told.
   */
  temporal?: Pick<Client, 'workflow'>;
}

/** Messages whose delivery moves an assignment's deadlines (the 302 is met on the outbox write). */
// A 323's batch counts the 325 term from the delivery too (contract/claims: same signal name and shape).
const trackedTypes = new Set(['WMO305', 'WMO307', 'WMO323']);
/** VECOZO's status once the recipient has the message: it was downloaded (opgehaald) then (brief §6.2). */
const downloadedStatus = 'Bezorgd';
/** Sent rows older than this are not asked about any more (VECOZO keeps Wmo metadata 2 months). */
const statusWindowDays = 30;
/** Status requests at once: each is one small GET; more would only queue at the transport. */
const statusConcurrency = 8;

const impossible = (message: string): never => {
  throw ApplicationFailure.nonRetryable(message, deliveryImpossibleType);
};

/** AGB codes are 8 digits, CBS gemeentecodes 4: the role VECOZO routes on follows from the code. */
export function relatieOf(code: string): Relatie {
  return { rol: code.length === 4 ? 'gemeente' : 'aanbieder', code };
}

type OutboxRow = typeof outboxMessages.$inferSelect;

/** When it was downloaded: the transport's own moment (changedAt) if it gave one, else when we recorded it. */
function downloadMoment(detail: Record<string, unknown> | null, at: Date): string {
  const changedAt = detail?.changedAt;
  return typeof changedAt === 'string' ? changedAt : at.toISOString();
}

export function createDeliveryActivities({ db, transport, temporal }: DeliveryDeps) {
  async function load(outboxId: string): Promise<OutboxRow> {
    const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, outboxId));
    return row ?? impossible(`outbox message ${outboxId} does not exist`);
  }

  /** Records the transport ids once; a second caller (or a retry) gets the ids recorded first. */
  async function assignIds(row: OutboxRow): Promise<OutboxRow> {
    if (row.traceerId) return row;
    const traceerId = randomUUID();
    const [updated] = await db
      .update(outboxMessages)
      .set({ traceerId, conversatieId: row.conversatieId ?? traceerId })
      .where(and(eq(outboxMessages.id, row.id), isNull(outboxMessages.traceerId)))
      .returning();
    return updated ?? load(row.id);
  }

  async function mark(id: string, set: PgUpdateSetSource<typeof outboxMessages>) {
    await db.update(outboxMessages).set(set).where(eq(outboxMessages.id, id));
  }

  const result = (row: OutboxRow, status: DeliveryResult['status'], alreadySent: boolean) => ({
    outboxId: row.id,
    status,
    traceerId: row.traceerId as string,
    alreadySent,
  });

  /** BRS114 on our own uuid: the earlier attempt arrived, if the transport's status shows it. */
  async function arrivedBefore(send: Transport, row: OutboxRow, traceerId: string): Promise<boolean> {
    const statuses = await send.status(traceerId);
    const own = statuses.find((s) => s.traceerId === traceerId);
    if (own) await recordTransportStatus(row, own);
    return own !== undefined;
  }

  /**
   * The transport's own status of the message, in its history (message_events): 'transport:Bezorgd'.
   * Once per status (checked under a lock on the message), so a retried call, a second round or the
   * BRS114 path writes nothing twice. True when it was new.
   */
  async function recordTransportStatus(row: OutboxRow, status: TransportStatus): Promise<boolean> {
    const name = `transport:${status.status}`;
    const detail = {
      traceerId: status.traceerId,
      ...(status.changedAt ? { changedAt: status.changedAt } : {}),
    };
    return db.transaction(async (tx) => {
      // Two callers on one message (a retry overlapping a slow attempt) take turns, so the check holds.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${row.id}))`);
      const [seen] = await tx
        .select({ id: messageEvents.id })
        .from(messageEvents)
        .where(and(eq(messageEvents.messageId, row.id), eq(messageEvents.status, name)))
        .limit(1);
      if (seen) return false;
      await recordMessageEvent(tx, { messageId: row.id, direction: 'out', status: name, detail });
      return true;
    });
  }

  /** The download moment, from the message's history, when the transport reported one. */
  async function downloadedAt(id: string): Promise<string | undefined> {
    const rows = await db
      .select({ detail: messageEvents.detail, at: messageEvents.at })
      .from(messageEvents)
      .where(and(eq(messageEvents.messageId, id), eq(messageEvents.status, `transport:${downloadedStatus}`)));
    const first = rows[0];
    if (!first) return undefined;
    return downloadMoment(first.detail, first.at);
  }

  /** Signals the owning workflow that its 305/307 was delivered; a workflow that ended is not told. */
  async function tellOwner(outboxId: string): Promise<void> {
    const row = await load(outboxId);
    if (row.status !== 'sent' || !row.workflowId || !trackedTypes.has(row.messageType)) return;
    await signalOwner(row, await downloadedAt(row.id));
  }

  /**
   * The one place the outboxDelivered signal is built and sent: on delivery (deliverMessage) and when
   * the transport reports the download (refreshTransportStatus). The workflow ignores repeats.
   */
  async function signalOwner(row: OutboxRow, downloaded: string | undefined): Promise<void> {
    if (!temporal || !row.workflowId) return;
    const signal: OutboxDelivered = {
      outboxKey: row.idempotencyKey,
      deliveredAt: (row.sentAt ?? new Date()).toISOString(),
      ...(downloaded ? { downloadedAt: downloaded } : {}),
    };
    try {
      await temporal.workflow.getHandle(row.workflowId).signal(outboxDeliveredSignal, signal);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return;
      // Retried: the row stays 'sent', so the retry finds it and signals again (the workflow ignores repeats).
      throw ApplicationFailure.create({
        type: 'DeliverySignalFailed',
        message: `delivered outbox message ${row.id}, but its workflow could not be told (${(err as Error).name})`,
      });
    }
  }

  /** Sent 305/307s of a workflow, not yet known as downloaded, sent in the window: oldest first. */
  async function undownloaded(limit: number): Promise<OutboxRow[]> {
    return db
      .select()
      .from(outboxMessages)
      .where(
        and(
          eq(outboxMessages.status, 'sent'),
          isNotNull(outboxMessages.workflowId),
          isNotNull(outboxMessages.traceerId),
          inArray(outboxMessages.messageType, [...trackedTypes]),
          gte(outboxMessages.sentAt, sql`now() - make_interval(days => ${statusWindowDays})`),
          notExists(
            db
              .select({ one: sql`1` })
              .from(messageEvents)
              .where(
                and(
                  eq(messageEvents.messageId, outboxMessages.id),
                  eq(messageEvents.status, `transport:${downloadedStatus}`),
                ),
              ),
          ),
        ),
      )
      .orderBy(asc(outboxMessages.sentAt), asc(outboxMessages.id))
      .limit(limit);
  }

  /**
   * Asks the transport for one row's status and records what is new. The download is recorded after
   * its workflow was told, so a failed signal leaves the row to be asked (and signalled) again.
   */
  async function refreshOne(send: Transport, row: OutboxRow, totals: RefreshTransportStatusResult) {
    const traceerId = row.traceerId as string;
    let own: TransportStatus | undefined;
    try {
      own = (await send.status(traceerId)).find((s) => s.traceerId === traceerId);
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      totals.failed++;
      return;
    }
    totals.checked++;
    if (!own) return;
    if (own.status === downloadedStatus) {
      try {
        await signalOwner(row, own.changedAt ?? new Date().toISOString());
      } catch (err) {
        if (!(err instanceof ApplicationFailure)) throw err;
        totals.failed++;
        return;
      }
      totals.downloaded++;
    }
    if (await recordTransportStatus(row, own)) totals.recorded++;
  }

  async function attempt(send: Transport, row: OutboxRow): Promise<DeliveryResult> {
    const traceerId = row.traceerId as string;
    try {
      await send.send({
        payload: row.payload,
        messageType: row.messageType,
        afzender: relatieOf(row.afzender),
        geadresseerde: relatieOf(row.ontvanger),
        traceerId,
        conversatieId: row.conversatieId ?? traceerId,
        ...(row.alsAntwoordOp ? { alsAntwoordOp: row.alsAntwoordOp } : {}),
        referentieId: row.id,
      });
    } catch (err) {
      if (err instanceof TransportRefusedError && err.duplicateTraceerId) {
        if (!(await arrivedBefore(send, row, traceerId)))
          throw new Error(`BRS114 for ${traceerId} but the transport shows no such message yet`);
        // The history says why this attempt counts as sent without a 204.
        await setOutboxStatus(db, row.id, { status: 'sent', traceerId, error: 'BRS114: sent before' });
        return result(row, 'sent', true);
      }
      // Messages of transport errors name status, operation and codes only: safe to keep on the row.
      const lastError = err instanceof Error ? err.message.slice(0, 500) : String(err);
      if (err instanceof TransportRefusedError) {
        // Refused as it is: sending it again is refused again. The row says why.
        await setOutboxStatus(db, row.id, { status: 'failed', traceerId, error: lastError });
        return result(row, 'failed', false);
      }
      // Still pending: the attempt and its reason are kept on the row; the status did not change.
      await mark(row.id, { attempts: sql`${outboxMessages.attempts} + 1`, lastError });
      if (err instanceof TransportError) throw err;
      throw new Error(`sending outbox message ${row.id} failed: ${lastError}`);
    }
    await setOutboxStatus(db, row.id, { status: 'sent', traceerId });
    return result(row, 'sent', false);
  }

  async function deliverOne(outboxId: string): Promise<DeliveryResult> {
    const send = transport ?? impossible('no transport configured (TRANSPORT=none): outbox not delivered');
    const row = await assignIds(await load(outboxId));
    const delivered =
      row.status !== 'pending'
        ? result(row, row.status === 'failed' ? 'failed' : 'sent', true)
        : await attempt(send, row);
    if (delivered.status === 'sent' && temporal) await tellOwner(row.id);
    return delivered;
  }

  // Each activity heartbeats while it runs, so a dead worker's attempt is retried within seconds;
  // database errors leave without their query parameters (db-errors.ts).
  return withHeartbeats(
    guardDatabase({
      /**
       * The pending outbox rows (oldest first: the order the workflows wrote them in) grouped by the
       * workflow that wrote them, each group oldest first, groups in the order of their oldest row: the poller sends groups side by side and each group in order (a 305
       * before the 307 of the same toewijzing). Rows without a workflow share one group.
       */
      async pendingOutboxLanes(input: { limit: number }): Promise<string[][]> {
        const rows = await db
          .select({ id: outboxMessages.id, workflowId: outboxMessages.workflowId })
          .from(outboxMessages)
          .where(eq(outboxMessages.status, 'pending'))
          .orderBy(asc(outboxMessages.createdAt), asc(outboxMessages.identificatie))
          .limit(input.limit);
        return groupInOrder(rows, (r) => r.workflowId ?? '').map((lane) => lane.map((r) => r.id));
      },

      /** Sends one outbox row, idempotently (see above). Throws retryable transport errors for Temporal. */
      deliverMessage: ({ outboxId }: DeliverMessageInput) => deliverOne(outboxId),

      /**
       * A batch of lanes in one activity task instead of one task per row: on the 301 → 302 path that is
       * one activity (three history events, a matching round trip and a workflow task of the round) less
       * per toewijzing. Lanes keep their order (runLanes); the first row that fails stops the batch and
       * fails the attempt, and Temporal's retry sends the batch again, where a row already sent or failed
       * is only counted (deliverOne is idempotent per row). Counted by each row's status after the batch.
       */
      async deliverLanes({ lanes, concurrency }: DeliverLanesInput): Promise<DeliverLanesResult> {
        const totals = { sent: 0, failed: 0 };
        await runLanes(lanes, Math.max(1, Math.min(concurrency, 64)), async (outboxId) => {
          const delivered = await deliverOne(outboxId);
          totals[delivered.status]++;
          beat(totals);
        });
        return totals;
      },

      /**
       * The transport's status of sent 305/307s not yet known as downloaded (VECOZO: Bezorgd): each new
       * status into message_events once; a download tells the owning workflow, whose counterparty term
       * then counts from it. A transport without statuses (drop folder) answers [] and nothing happens.
       */
      async refreshTransportStatus(
        input: RefreshTransportStatusInput,
      ): Promise<RefreshTransportStatusResult> {
        const totals = { checked: 0, recorded: 0, downloaded: 0, failed: 0 };
        if (!transport) return totals;
        const rows = await undownloaded(Math.max(0, Math.min(input.limit, 1000)));
        let next = 0;
        const slot = async () => {
          while (next < rows.length) {
            await refreshOne(transport, rows[next++] as OutboxRow, totals);
            beat(totals);
          }
        };
        await Promise.all(Array.from({ length: Math.min(statusConcurrency, rows.length) }, slot));
        return totals;
      },
    }),
  ) satisfies DeliveryActivities;
}
