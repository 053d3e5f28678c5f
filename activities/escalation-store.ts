import { and, eq } from 'drizzle-orm';
import {
  type Database,
  type DeliveryKind,
  type DeliveryStatus,
  type EscalationStatus,
  escalationDeliveries,
  escalations,
} from '../db';
import type { EscalationInput } from './types';

/*
 * The escalation's rows: one per idempotency key, one delivery row per recipient. Written so any
 * retry finds what the earlier attempt left: insert-if-absent, then read back.
 */

export type EscalationRow = typeof escalations.$inferSelect;
export type DeliveryRow = typeof escalationDeliveries.$inferSelect;

export async function findEscalation(
  db: Database,
  idempotencyKey: string,
): Promise<EscalationRow | undefined> {
  const [row] = await db.select().from(escalations).where(eq(escalations.idempotencyKey, idempotencyKey));
  return row;
}

/** Writes the escalation and its delivery rows unless they exist; returns them as stored. */
export async function recordEscalation(
  db: Database,
  input: EscalationInput,
  hasEndpoint: (party: 'aanbieder' | 'gemeente', code: string) => boolean,
  kind: DeliveryKind = 'escalation',
): Promise<{ row: EscalationRow; deliveries: DeliveryRow[] }> {
  return db.transaction(async (tx) => {
    const recipients = [...new Set(input.recipients)];
    await tx
      .insert(escalations)
      .values({
        idempotencyKey: input.idempotencyKey,
        workflowId: input.workflowId,
        gemeente: input.gemeente,
        aanbieder: input.aanbieder,
        toewijzingNummer: input.toewijzingNummer,
        action: input.action,
        rule: input.rule,
        owner: input.owner,
        dueDate: input.dueDate,
        lateWorkingDays: input.lateWorkingDays,
        recipients,
      })
      .onConflictDoNothing({ target: escalations.idempotencyKey });
    const [row] = await tx
      .select()
      .from(escalations)
      .where(eq(escalations.idempotencyKey, input.idempotencyKey));
    if (!row) throw new Error('escalation row vanished after insert'); // cannot happen inside the transaction
    if (row.recipients.length) {
      const values = row.recipients.map((party) => {
        const p = party as 'aanbieder' | 'gemeente';
        const code = p === 'gemeente' ? row.gemeente : row.aanbieder;
        return { escalationId: row.id, party: p, code, kind, status: deliveryStart(hasEndpoint(p, code)) };
      });
      await tx.insert(escalationDeliveries).values(values).onConflictDoNothing();
    }
    const deliveries = await tx
      .select()
      .from(escalationDeliveries)
      .where(and(eq(escalationDeliveries.escalationId, row.id), eq(escalationDeliveries.kind, kind)));
    return { row, deliveries };
  });
}

function deliveryStart(hasEndpoint: boolean): DeliveryStatus {
  return hasEndpoint ? 'pending' : 'no-endpoint';
}

export interface AttemptRecord {
  status: DeliveryStatus;
  statusCode?: number;
  error?: string;
}

export async function recordAttempt(db: Database, delivery: DeliveryRow, attempt: AttemptRecord) {
  const now = new Date();
  await db
    .update(escalationDeliveries)
    .set({
      status: attempt.status,
      attempts: delivery.attempts + 1,
      lastStatusCode: attempt.statusCode ?? null,
      lastError: attempt.error ?? null,
      lastAttemptAt: now,
      ...(attempt.status === 'delivered' && { deliveredAt: now }),
    })
    .where(eq(escalationDeliveries.id, delivery.id));
}

export async function markNoEndpoint(db: Database, delivery: DeliveryRow) {
  await db
    .update(escalationDeliveries)
    .set({ status: 'no-endpoint' })
    .where(eq(escalationDeliveries.id, delivery.id));
}

/** The escalation's status from its deliveries (see escalationStatus in db/schema/escalations.ts). */
export function overallStatus(deliveries: Pick<DeliveryRow, 'status'>[]): EscalationStatus {
  const has = (s: DeliveryStatus) => deliveries.some((d) => d.status === s);
  if (has('pending') || has('retrying')) return 'pending';
  if (has('failed')) return 'failed';
  if (has('delivered')) return 'delivered';
  return 'no-endpoint';
}

/**
 * Re-reads the deliveries and writes the escalation's status, last error and delivery time. A
 * resolution's deliveries leave those alone: the escalation is 'resolved' from then on.
 */
export async function settleEscalation(
  db: Database,
  row: EscalationRow,
  kind: DeliveryKind = 'escalation',
): Promise<DeliveryRow[]> {
  const deliveries = await db
    .select()
    .from(escalationDeliveries)
    .where(and(eq(escalationDeliveries.escalationId, row.id), eq(escalationDeliveries.kind, kind)));
  if (kind === 'resolution') {
    await db.update(escalations).set({ status: 'resolved' }).where(eq(escalations.id, row.id));
    return deliveries;
  }
  const status = overallStatus(deliveries);
  const failing = deliveries.filter((d) => d.lastError && d.status !== 'delivered');
  const delivered = deliveries.flatMap((d) => (d.deliveredAt ? [d.deliveredAt] : []));
  await db
    .update(escalations)
    .set({
      status,
      lastError: failing.length ? failing.map((d) => `${d.party}: ${d.lastError}`).join('; ') : null,
      deliveredAt: delivered.length ? new Date(Math.max(...delivered.map((d) => d.getTime()))) : null,
    })
    .where(eq(escalations.id, row.id));
  return deliveries;
}
