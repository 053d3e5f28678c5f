import { z } from 'zod';
import type { EscalationInput } from './types';

/*
 * What an escalation webhook carries: which assignment, which deadline, how late, and where to look.
 * Codes, numbers and links only — no BSN, no name, no client reference. The schema is published in
 * /openapi.json (webhooks) so a receiver can generate its types from it.
 */

const party = z.enum(['aanbieder', 'gemeente']);

export const escalationPayloadSchema = z.object({
  /** deadline-missed when escalated; resolved when the deadline was met after all (same webhook). */
  type: z.enum(['escalation.deadline-missed', 'escalation.resolved']),
  /** When the escalation was recorded (ISO 8601); the same on every retry. */
  timestamp: z.string(),
  data: z.object({
    escalationId: z.uuid(),
    assignment: z.object({
      workflowId: z.string(),
      gemeente: z.string(),
      aanbieder: z.string(),
      toewijzingNummer: z.number().int(),
    }),
    deadline: z.object({
      action: z.string(),
      rule: z.string(),
      owner: party,
      dueDate: z.string(),
    }),
    /** Working days past the due date when escalated. */
    lateWorkingDays: z.number().int(),
    recipients: z.array(party),
    /** escalation.resolved only: the day the deadline was met after all, and how late by then. */
    resolution: z.object({ metOn: z.string(), lateWorkingDays: z.number().int() }).optional(),
    links: z.object({
      /** The assignment in this API (needs an API key scoped to it). */
      assignment: z.url(),
      /** The workflow in the Temporal Web UI (for operators). */
      temporalUi: z.url(),
    }),
  }),
});
export type EscalationPayload = z.infer<typeof escalationPayloadSchema>;

/** Where escalation links point: this API's public base URL and the Temporal UI's. */
export interface EscalationLinks {
  apiUrl: string;
  temporalUiUrl: string;
  namespace: string;
}

/** A stored escalation: the workflow's input plus the row's id and time (recipients as stored). */
export interface EscalationFacts extends Omit<EscalationInput, 'idempotencyKey' | 'recipients'> {
  id: string;
  createdAt: Date;
  recipients: string[];
}

export function escalationPayload(
  row: EscalationFacts,
  links: EscalationLinks,
  resolution?: { metOn: string; lateWorkingDays: number },
): EscalationPayload {
  const ns = encodeURIComponent(links.namespace);
  return {
    type: resolution ? 'escalation.resolved' : 'escalation.deadline-missed',
    timestamp: row.createdAt.toISOString(),
    data: {
      escalationId: row.id,
      assignment: {
        workflowId: row.workflowId,
        gemeente: row.gemeente,
        aanbieder: row.aanbieder,
        toewijzingNummer: row.toewijzingNummer,
      },
      deadline: { action: row.action, rule: row.rule, owner: row.owner, dueDate: row.dueDate },
      lateWorkingDays: row.lateWorkingDays,
      recipients: row.recipients as ('aanbieder' | 'gemeente')[],
      ...(resolution ? { resolution } : {}),
      links: {
        assignment: `${links.apiUrl}/v1/assignments/${row.gemeente}/${row.toewijzingNummer}`,
        temporalUi: `${links.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(row.workflowId)}`,
      },
    },
  };
}
