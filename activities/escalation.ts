import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { isoDate } from '../calendar/schemas';
import type { Database } from '../db';
import { guardDatabase } from './db-errors';
import { type EscalationLinks, escalationPayload } from './escalation-payload';
import {
  type DeliveryRow,
  findEscalation,
  markNoEndpoint,
  recordAttempt,
  recordEscalation,
  settleEscalation,
} from './escalation-store';
import type { EscalationInput, EscalationResult, ResolutionInput } from './types';
import { sendWebhook, type WebhookEndpoint } from './webhook';

/*
 * escalate: a deadline passed unmet. Writes the escalation once (idempotency key), then delivers it as a
 * signed webhook to each recipient's endpoint and records every attempt. Safe to retry: a recipient
 * that got it is never sent to again. A recipient that may still get it (network error, 5xx) makes the
 * activity throw a retryable failure, so Temporal's retry policy paces the next attempt; one that
 * refused it (4xx) or ran out of attempts is final, and counted in `failed`.
 *
 * Delivery is at least once: a worker dying between the receiver's 2xx and our write sends again with
 * the same webhook-id, which receivers use to drop the repeat.
 */

export const escalationFailureType = 'EscalationDeliveryFailed';

export interface EscalationDeps {
  db: Database;
  webhooks: WebhookEndpoint[];
  links: EscalationLinks;
  /** Attempts per recipient before a transient failure becomes final. */
  maxAttempts?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export const defaultDeliveryAttempts = 10;

const escalationInput = z.object({
  idempotencyKey: z.string().min(1).max(300),
  workflowId: z.string().min(1).max(300),
  gemeente: z.string().regex(/^[0-9]{4}$/, 'CBS gemeentecode is 4 digits'),
  aanbieder: z.string().regex(/^[0-9]{8}$/, 'AGB code is 8 digits'),
  toewijzingNummer: z.number().int().min(0),
  action: z.string().min(1),
  rule: z.string().min(1),
  owner: z.enum(['aanbieder', 'gemeente']),
  dueDate: isoDate,
  lateWorkingDays: z.number().int().min(0),
  recipients: z.array(z.enum(['aanbieder', 'gemeente'])),
}) satisfies z.ZodType<EscalationInput>;

const resolutionInput = escalationInput.extend({ metOn: isoDate });

/** Webhook-id of the notice that resolves escalation `id` (receivers drop repeats by webhook-id). */
export const resolutionWebhookId = (id: string) => `${id}:resolved`;

function invalid(issue: z.core.$ZodIssue | undefined, what: string): never {
  throw ApplicationFailure.nonRetryable(
    `${what}: ${issue?.path.join('.')}: ${issue?.message}`,
    'InvalidEscalationInput',
  );
}

export function createEscalationActivities(deps: EscalationDeps) {
  const { db, webhooks, links } = deps;
  const maxAttempts = deps.maxAttempts ?? defaultDeliveryAttempts;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const endpointFor = (party: string, code: string) =>
    webhooks.find((w) => w.party === party && w.code === code);

  async function deliver(webhookId: string, delivery: DeliveryRow, body: string): Promise<void> {
    const endpoint = endpointFor(delivery.party, delivery.code);
    if (!endpoint) return markNoEndpoint(db, delivery); // removed from configuration since the first attempt
    const outcome = await sendWebhook(endpoint, webhookId, body, timeoutMs);
    if (outcome.ok) return recordAttempt(db, delivery, { status: 'delivered', statusCode: outcome.status });
    const final = !outcome.retryable || delivery.attempts + 1 >= maxAttempts;
    return recordAttempt(db, delivery, {
      status: final ? 'failed' : 'retrying',
      ...(outcome.status !== undefined && { statusCode: outcome.status }),
      error: final && outcome.retryable ? `${outcome.error} (after ${maxAttempts} attempts)` : outcome.error,
    });
  }

  /** Records (once) and delivers one notice; throws a retryable failure while a recipient may still get it. */
  async function notify(
    input: EscalationInput,
    resolution?: { metOn: string; lateWorkingDays: number },
  ): Promise<EscalationResult> {
    const kind = resolution ? 'resolution' : 'escalation';
    const { row, deliveries } = await recordEscalation(db, input, (p, c) => !!endpointFor(p, c), kind);
    const body = JSON.stringify(escalationPayload(row, links, resolution));
    const webhookId = resolution ? resolutionWebhookId(row.id) : row.id;
    const open = deliveries.filter((d) => d.status === 'pending' || d.status === 'retrying');
    await Promise.all(open.map((d) => deliver(webhookId, d, body)));
    const settled = await settleEscalation(db, row, kind);

    const retrying = settled.filter((d) => d.status === 'retrying');
    if (retrying.length) {
      const reasons = retrying.map((d) => `${d.party} ${d.code}: ${d.lastError}`).join('; ');
      throw ApplicationFailure.create({
        type: escalationFailureType,
        message: `escalation ${row.id} not delivered yet (${reasons}); will retry`,
        nonRetryable: false,
      });
    }
    return {
      escalationId: row.id,
      delivered: settled.filter((d) => d.status === 'delivered').length,
      failed: settled.filter((d) => d.status === 'failed').length,
    };
  }

  return guardDatabase({
    async escalate(input: EscalationInput): Promise<EscalationResult> {
      const parsed = escalationInput.safeParse(input);
      if (!parsed.success) invalid(parsed.error.issues[0], 'escalation input');
      return notify(parsed.data);
    },

    /**
     * A deadline met after its escalation: the escalation becomes 'resolved' and its recipients get an
     * 'escalation.resolved' notice by the same signed webhook (its own webhook-id). Without a recorded
     * escalation (it was never written) there is nothing to resolve.
     */
    async resolveEscalation(input: ResolutionInput): Promise<EscalationResult> {
      const parsed = resolutionInput.safeParse(input);
      if (!parsed.success) invalid(parsed.error.issues[0], 'resolution input');
      const { metOn, ...facts } = parsed.data;
      if (!(await findEscalation(db, facts.idempotencyKey)))
        return { escalationId: '', delivered: 0, failed: 0 };
      return notify(facts, { metOn, lateWorkingDays: facts.lateWorkingDays });
    },
  });
}
