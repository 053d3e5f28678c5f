import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, beforeEach } from 'vitest';
import { loadProfiles } from '../../config/profiles';
import type {
  RequestActivities,
  RequestEscalationInput,
  RequestProjection,
  SendRequestMessageInput,
} from '../../contract/request/activities';
import {
  type RequestInput,
  type RequestState,
  requestWorkflowId,
  stateQuery,
} from '../../contract/request/contract';
import type { requestWorkflow } from '../../workflows/request/workflow';
import { eventually } from './assignment';
import { createTimeSkippingEnv, type TemporalTestEnv } from './temporal';

/*
 * Workflow-layer test doubles for the request workflow's activities (allowed in workflow tests only),
 * recording every call, and a harness: a time-skipping server per test, requests started and cleaned up.
 * No client data anywhere: a clientRef and an opaque payloadRef.
 */

export interface RecordedRequestActivities extends RequestActivities {
  /** Messages stored (one per idempotency key). */
  sent: SendRequestMessageInput[];
  /** Every call, duplicates included: what the workflow asked for. */
  calls: SendRequestMessageInput[];
  escalations: RequestEscalationInput[];
  projections: RequestProjection[];
}

export function recordingRequestActivities(): RecordedRequestActivities {
  const sent: SendRequestMessageInput[] = [];
  const calls: SendRequestMessageInput[] = [];
  const byKey = new Map<string, { identificatie: string; dagtekening: string }>();
  const escalations: RequestEscalationInput[] = [];
  const projections: RequestProjection[] = [];
  return {
    sent,
    calls,
    escalations,
    projections,
    // Like the outbox: one row per key; a second workflow with the same key gets the first row back.
    async sendRequestMessage(input) {
      calls.push(input);
      const existing = byKey.get(input.idempotencyKey);
      if (existing) return { outboxId: existing.identificatie, ...existing, duplicate: true };
      sent.push(input);
      const row = {
        identificatie: `RQ${String(sent.length).padStart(4, '0')}`,
        dagtekening: input.dagtekening,
      };
      byKey.set(input.idempotencyKey, row);
      return { outboxId: row.identificatie, ...row, duplicate: false };
    },
    async escalateRequest(input) {
      escalations.push(input);
      return { escalationId: input.idempotencyKey, delivered: input.recipients.length, failed: 0 };
    },
    async recordRequest(row) {
      projections.push(row);
    },
  };
}

export const requestProfiles = loadProfiles();

export function requestInput(fields: Partial<RequestInput> & { referentieAanbieder: string }): RequestInput {
  return {
    kind: '315',
    aanbieder: '42420001',
    gemeente: '0384',
    clientRef: 'c_request01',
    payloadRef: `doc-${fields.referentieAanbieder}`,
    product: { categorie: '02', code: '02A01' },
    profile: requestProfiles.profileFor(fields.gemeente ?? '0384'),
    ...fields,
  };
}

/** Sent messages of a type, once there are at least `count`. */
export function sentOfType(acts: RecordedRequestActivities, type: string, count = 1) {
  return eventually(() => {
    const found = acts.sent.filter((s) => s.message.type === type);
    return found.length >= count ? found : undefined;
  }, `${count}× ${type} sent`);
}

export type RequestHandle = WorkflowHandle<typeof requestWorkflow>;

export function useRequestHarness() {
  const started: string[] = [];
  const h = {
    env: undefined as unknown as TemporalTestEnv,
    async start(input: RequestInput, taskQueue: string): Promise<RequestHandle> {
      const workflowId = requestWorkflowId(input.aanbieder, input.referentieAanbieder);
      started.push(workflowId);
      return h.env.client.workflow.start<typeof requestWorkflow>('requestWorkflow', {
        taskQueue,
        workflowId,
        args: [input],
      });
    },
    /** The state query with a deadline, asked again when the time-skipping server leaves it unanswered. */
    async state(handle: Pick<RequestHandle, 'query'>): Promise<RequestState> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await h.env.client.withDeadline(Date.now() + 5_000, () => handle.query(stateQuery));
        } catch (err) {
          if (attempt >= 4) throw err;
        }
      }
    },
    async stateWhen(handle: RequestHandle, what: string, ok: (s: RequestState) => boolean) {
      return eventually(async () => {
        const s = await h.state(handle);
        return ok(s) ? s : undefined;
      }, what);
    },
  };
  beforeEach(async () => {
    h.env = await createTimeSkippingEnv();
  });
  afterEach(async (ctx) => {
    const env = h.env;
    const ids = started.splice(0);
    if (ctx.task.result?.state === 'fail') return; // see useAssignmentHarness: a query may still be in flight
    for (const id of ids) {
      await env.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    }
    await env.teardown();
  });
  return h;
}
