import { ApplicationFailure } from '@temporalio/common';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { isoDate } from '../../calendar/schemas';
import type {
  AssignmentClaimActivities,
  PaymentRecordInput,
  SettlementInput,
} from '../../contract/assignment/claims';
import { type Database, payments, settlementLines, settlements } from '../../db';
import { guardDatabase } from '../db-errors';
import type { EscalationLinks } from '../escalation-payload';
import { sendWebhook, type WebhookEndpoint } from '../webhook';

/*
 * The assignment's money writes (issue 15): its final settlement (once per assignment workflow, with its
 * lines) and each payment recorded against it (once per eventId). The settlement is announced to the
 * aanbieder by the signed webhook escalations use, as `settlement.recorded`: codes, amounts, dates and a
 * link, never personal data. A retry after a crash finds its rows and sends the notice only while it was
 * not delivered (same webhook-id, so a receiver drops a repeat).
 */

export interface SettlementDeps {
  db: Database;
  webhooks: WebhookEndpoint[];
  links: EscalationLinks;
  /** Notice attempts before it is recorded as failed; default 10 (as escalations). */
  maxAttempts?: number;
  timeoutMs?: number;
}

export const settlementNoticeType = 'settlement.recorded';
/** Webhook-id of an assignment's settlement notice: stable across retries. */
export const settlementWebhookId = (workflowId: string) => `settlement:${workflowId}`;

const cents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const code = (digits: number) => z.string().regex(new RegExp(`^[0-9]{${digits}}$`));
const workflowId = z.string().regex(/^[A-Za-z0-9:_-]{1,200}$/, 'a workflow id of letters, digits, : _ -');

const settlementInput = z.object({
  workflowId,
  gemeente: code(4),
  aanbieder: code(8),
  toewijzingNummer: z.number().int().min(0).max(2_147_483_647),
  settlement: z.object({
    on: isoDate,
    totaal: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    lines: z
      .array(
        z.object({
          referentieNummer: z.string().regex(/^[A-Za-z0-9]{1,20}$/),
          debetCredit: z.enum(['D', 'C']),
          bedrag: cents,
        }),
      )
      .max(10_000),
    paymentDue: isoDate.optional(),
  }),
}) satisfies z.ZodType<SettlementInput>;

const paymentInput = z.object({
  workflowId,
  gemeente: code(4),
  aanbieder: code(8),
  payment: z.object({
    eventId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'eventId: 1–100 letters, digits, . _ : -'),
    betaaldatum: isoDate,
    bedrag: cents.min(1),
    kenmerk: z
      .string()
      .regex(/^[A-Za-z0-9]{1,35}$/)
      .optional(),
  }),
}) satisfies z.ZodType<PaymentRecordInput>;

function parsed<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  // The path and zod's message only: never the value (it could be anything a caller put there).
  throw ApplicationFailure.nonRetryable(
    `${what}: ${issue?.path.join('.')}: ${issue?.message}`,
    'InvalidClaimInput',
  );
}

/** What the settlement webhook carries: no BSN, no name, no clientRef. */
export function settlementPayload(s: SettlementInput, createdAt: Date, links: EscalationLinks) {
  const ref = `${encodeURIComponent(s.gemeente)}/${s.toewijzingNummer}`;
  return {
    type: settlementNoticeType,
    timestamp: createdAt.toISOString(),
    data: {
      assignment: {
        workflowId: s.workflowId,
        gemeente: s.gemeente,
        aanbieder: s.aanbieder,
        toewijzingNummer: s.toewijzingNummer,
      },
      settledOn: s.settlement.on,
      totaal: s.settlement.totaal,
      lines: s.settlement.lines.length,
      ...(s.settlement.paymentDue ? { paymentDue: s.settlement.paymentDue } : {}),
      links: { claims: `${links.apiUrl.replace(/\/$/, '')}/v1/assignments/${ref}/claims` },
    },
  };
}

export function createSettlementActivities(deps: SettlementDeps) {
  const { db } = deps;
  const maxAttempts = deps.maxAttempts ?? 10;
  const timeoutMs = deps.timeoutMs ?? 10_000;

  async function store(s: SettlementInput) {
    await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(settlements)
        .values({
          workflowId: s.workflowId,
          gemeente: s.gemeente,
          aanbieder: s.aanbieder,
          toewijzingNummer: s.toewijzingNummer,
          settledOn: s.settlement.on,
          totaal: s.settlement.totaal,
          paymentDue: s.settlement.paymentDue ?? null,
        })
        .onConflictDoNothing()
        .returning({ workflowId: settlements.workflowId });
      // Lines only with the first write: a retry (or a second call) never changes a recorded settlement.
      if (created && s.settlement.lines.length)
        await tx
          .insert(settlementLines)
          .values(s.settlement.lines.map((l) => ({ workflowId: s.workflowId, ...l })))
          .onConflictDoNothing();
    });
    const [row] = await db.select().from(settlements).where(eq(settlements.workflowId, s.workflowId));
    if (!row) throw ApplicationFailure.retryable('settlement row not found after insert', 'DatabaseFailed');
    return row;
  }

  async function notify(s: SettlementInput, row: Awaited<ReturnType<typeof store>>): Promise<void> {
    if (row.noticeStatus !== 'pending') return;
    const endpoint = deps.webhooks.find((w) => w.party === 'aanbieder' && w.code === s.aanbieder);
    type Notice = { noticeStatus: (typeof settlements.$inferSelect)['noticeStatus']; noticeError?: string };
    const set = (fields: Notice, counted = true) =>
      db
        .update(settlements)
        .set({ ...fields, ...(counted ? { noticeAttempts: sql`${settlements.noticeAttempts} + 1` } : {}) })
        .where(eq(settlements.workflowId, s.workflowId));
    if (!endpoint) return void (await set({ noticeStatus: 'no-endpoint' }, false));
    const body = JSON.stringify(settlementPayload(s, row.createdAt, deps.links));
    const outcome = await sendWebhook(endpoint, settlementWebhookId(s.workflowId), body, timeoutMs);
    if (outcome.ok) return void (await set({ noticeStatus: 'delivered' }));
    const final = !outcome.retryable || row.noticeAttempts + 1 >= maxAttempts;
    await set({
      noticeStatus: final ? 'failed' : 'pending',
      noticeError: outcome.error,
    });
    if (!final)
      throw ApplicationFailure.retryable(
        `settlement notice for ${s.workflowId} not delivered yet (${outcome.error}); will retry`,
        'SettlementNoticePending',
      );
  }

  return guardDatabase({
    /** The settlement, written once per assignment; the aanbieder's webhook hears of it once. */
    async recordSettlement(input: SettlementInput): Promise<void> {
      const s = parsed(settlementInput, input, 'settlement input');
      await notify(s, await store(s));
    },

    /** A payment received; the same eventId for the same assignment is one row, however often it comes. */
    async recordPayment(input: PaymentRecordInput): Promise<void> {
      const p = parsed(paymentInput, input, 'payment input');
      await db
        .insert(payments)
        .values({
          workflowId: p.workflowId,
          gemeente: p.gemeente,
          aanbieder: p.aanbieder,
          eventId: p.payment.eventId,
          betaaldatum: p.payment.betaaldatum,
          bedrag: p.payment.bedrag,
          kenmerk: p.payment.kenmerk ?? null,
        })
        .onConflictDoNothing();
    },
  }) satisfies Pick<AssignmentClaimActivities, 'recordSettlement' | 'recordPayment'>;
}
