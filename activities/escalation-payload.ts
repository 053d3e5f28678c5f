import { z } from 'zod';
import type { EscalationInput } from '../contract/assignment';
import { parseClaimsBatchWorkflowId } from '../contract/claims';

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
    /**
     * What escalated: an assignment, a claims batch (one 323 per aanbieder, gemeente and month) or a
     * request (315/317). A batch or a request has no toewijzing: `assignment.toewijzingNummer` is 0 then,
     * and `links.subject` is where to look (`links.assignment` is set for assignments only).
     */
    subject: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('assignment'), toewijzingNummer: z.number().int() }),
      z.object({ kind: z.literal('claims-batch'), maand: z.string() }),
      z.object({ kind: z.literal('request'), referentieAanbieder: z.string() }),
    ]),
    links: z.object({
      /** The subject in this API: the assignment, the batch or the request (needs a key scoped to it). */
      subject: z.url(),
      /** The assignment in this API (assignments only; needs an API key scoped to it). */
      assignment: z.url().optional(),
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

type Subject = EscalationPayload['data']['subject'];

/** What a workflow id names: the batch and request ids are made by one function each (contract/). */
export function subjectOf(workflowId: string, toewijzingNummer: number): Subject {
  const batch = parseClaimsBatchWorkflowId(workflowId);
  if (batch) return { kind: 'claims-batch', maand: batch.maand };
  const request = /^verzoek:[0-9]{8}:(.+)$/.exec(workflowId);
  if (request) return { kind: 'request', referentieAanbieder: request[1] as string };
  return { kind: 'assignment', toewijzingNummer };
}

function subjectLink(apiUrl: string, row: EscalationFacts, subject: Subject): string {
  if (subject.kind === 'claims-batch')
    return `${apiUrl}/v1/claims/batches/${encodeURIComponent(row.workflowId)}`;
  if (subject.kind === 'request')
    return `${apiUrl}/v1/requests/${row.aanbieder}/${encodeURIComponent(subject.referentieAanbieder)}`;
  return `${apiUrl}/v1/assignments/${row.gemeente}/${row.toewijzingNummer}`;
}

export function escalationPayload(
  row: EscalationFacts,
  links: EscalationLinks,
  resolution?: { metOn: string; lateWorkingDays: number },
): EscalationPayload {
  const ns = encodeURIComponent(links.namespace);
  const subject = subjectOf(row.workflowId, row.toewijzingNummer);
  const own = subjectLink(links.apiUrl, row, subject);
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
      subject,
      links: {
        subject: own,
        ...(subject.kind === 'assignment' ? { assignment: own } : {}),
        temporalUi: `${links.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(row.workflowId)}`,
      },
    },
  };
}
