import { Context } from '@temporalio/activity';
import type { WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import { afterEach, beforeEach } from 'vitest';
import { handOverClaimLines } from '../../activities/claims';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import type { IsoDate } from '../../calendar/iso-date';
import { loadContracts } from '../../config/contracts';
import { loadProfiles } from '../../config/profiles';
import type {
  AssignmentActivities,
  AssignmentClaimActivities,
  AssignmentProjection,
  ClaimPeriodInput,
  EscalationInput,
  HandOverClaimLinesInput,
  PaymentRecordInput,
  ResolutionInput,
  SendMessageInput,
  SettlementInput,
} from '../../contract/assignment';
import {
  type AssignmentInput,
  assignmentWorkflowId,
  outboxDeliveredSignal,
  retourSignal,
  stateQuery,
  type ToewijzingVersion,
  toewijzingSignal,
} from '../../contract/assignment';
import { assignmentWorkflow } from '../../workflows/assignment/workflow';
import { createTimeSkippingEnv, type TemporalTestEnv } from './temporal';

/*
 * Workflow-layer test doubles for the assignment workflow's activities (allowed in workflow tests only),
 * recording every call, plus a builder for toewijzing versions. Client data never appears: a clientRef.
 */

export interface RecordedActivities extends AssignmentActivities, AssignmentClaimActivities {
  sent: SendMessageInput[];
  escalations: EscalationInput[];
  resolutions: ResolutionInput[];
  projections: AssignmentProjection[];
  claims: ClaimPeriodInput[];
  handOvers: HandOverClaimLinesInput[];
  settlements: SettlementInput[];
  payments: PaymentRecordInput[];
}

const contracts = loadContracts(undefined, undefined);

/**
 * `deliver: 'at-once'` (default) plays the outbox's sender with the transport up: each 305/307 is
 * signalled delivered (outboxDelivered) at the moment it was written, in the server's time. 'manual'
 * plays a transport that is down: the test signals delivery itself.
 */
/**
 * `batch: 'real'` hands claim lines to the real claims batch workflow (the real handOverClaimLines, so
 * the worker must also serve the batch's activities); 'record' (default) only records them.
 */
export function recordingActivities(
  options: { deliver?: 'at-once' | 'manual'; batch?: 'real' | 'record' } = {},
): RecordedActivities {
  const deliver = options.deliver ?? 'at-once';
  const handOvers: HandOverClaimLinesInput[] = [];
  const settlements: SettlementInput[] = [];
  const payments: PaymentRecordInput[] = [];
  const sent: SendMessageInput[] = [];
  const byKey = new Map<string, string>();
  const escalations: EscalationInput[] = [];
  const resolutions: ResolutionInput[] = [];
  const projections: AssignmentProjection[] = [];
  const claims: ClaimPeriodInput[] = [];
  return {
    sent,
    escalations,
    resolutions,
    projections,
    claims,
    handOvers,
    settlements,
    payments,
    async contractFor(input) {
      return contracts.contractFor(input.aanbieder, input.gemeente);
    },
    async handOverClaimLines(input) {
      // Recorded once per key, as the batch takes it once.
      if (!handOvers.some((h) => h.handOver.handOverKey === input.handOver.handOverKey))
        handOvers.push(input);
      if (options.batch === 'real') await handOverClaimLines(input);
    },
    async recordSettlement(input) {
      settlements.push(input);
    },
    async recordPayment(input) {
      payments.push(input);
    },
    async sendMessage(input) {
      const existing = byKey.get(input.idempotencyKey);
      if (existing) return { outboxId: existing, identificatie: existing, duplicate: true };
      sent.push(input);
      const identificatie = `ID${String(sent.length).padStart(4, '0')}`;
      byKey.set(input.idempotencyKey, identificatie);
      if (deliver === 'at-once' && input.message.type !== 'WMO302') {
        // The workflow's own day, in the server's time: a local activity's attempt timestamps are the
        // worker's clock, which the time-skipping server does not move.
        await Context.current()
          .client.workflow.getHandle(input.workflowId)
          .signal(outboxDeliveredSignal, {
            outboxKey: input.idempotencyKey,
            deliveredAt: `${input.dagtekening}T11:00:00.000Z`,
          });
      }
      return { outboxId: identificatie, identificatie, duplicate: false };
    },
    async recordAssignment(row) {
      projections.push(row);
    },
    async escalate(input) {
      escalations.push(input);
      return { escalationId: input.idempotencyKey, delivered: input.recipients.length, failed: 0 };
    },
    async resolveEscalation(input) {
      resolutions.push(input);
      return { escalationId: input.idempotencyKey, delivered: input.recipients.length, failed: 0 };
    },
    async openClaimPeriod(input) {
      claims.push(input);
    },
  };
}

export const profiles = loadProfiles();

let nextMessage = 1;

/** A toewijzing version as the inbox router would decode it from a 301. */
export function version(
  overrides: Partial<ToewijzingVersion> & { ingangsdatum: IsoDate; ontvangen: IsoDate },
): ToewijzingVersion {
  const n = nextMessage++;
  return {
    messageId: `msg-${n}-${Math.random().toString(36).slice(2, 8)}`,
    berichtIdentificatie: `T${n}`,
    gemeente: '0363',
    aanbieder: '12345678',
    clientRef: 'c_test0001',
    toewijzingNummer: 1000 + n,
    product: { categorie: '02', code: '02A01' },
    toewijzingsdatum: overrides.ontvangen,
    toewijzingstijd: '09:00:00',
    omvang: { volume: 4, eenheid: '04', frequentie: '2' },
    ...overrides,
  };
}

export function inputFor(v: ToewijzingVersion): AssignmentInput {
  return { toewijzing: v, profile: profiles.profileFor(v.gemeente) };
}

export const today = (ms: number) => amsterdamDateOf(ms);

/** Polls `probe` (real time) until it returns a value; for waiting on activity calls of a running worker. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * One time-skipping server per test, with helpers to start assignments and wait for their messages.
 * Workflows a test started are terminated after it, so a failed test never leaks into the next.
 */
export type AssignmentHandle = WorkflowHandleWithSignaledRunId<typeof assignmentWorkflow>;

/** Servers of failed attempts, kept until the file's tests are done (see afterEach below). */
const abandoned: TemporalTestEnv[] = [];

export function useAssignmentHarness() {
  const started: string[] = [];
  const h = {
    env: undefined as unknown as TemporalTestEnv,
    async startAssignment(v: ToewijzingVersion, taskQueue: string): Promise<AssignmentHandle> {
      started.push(assignmentWorkflowId(v.gemeente, v.toewijzingNummer));
      return h.env.client.workflow.signalWithStart(assignmentWorkflow, {
        taskQueue,
        workflowId: assignmentWorkflowId(v.gemeente, v.toewijzingNummer),
        args: [inputFor(v)],
        signal: toewijzingSignal,
        signalArgs: [v],
      });
    },
    async sentOf(acts: RecordedActivities, type: string, count = 1) {
      return eventually(() => {
        const found = acts.sent.filter((s) => s.message.type === type);
        return found.length >= count ? found : undefined;
      }, `${count}× ${type} sent`);
    },
    /** The Identificatie the test double gave the n-th message of a type. */
    identificatieOf(acts: RecordedActivities, type: string, n = 0): string {
      const key = acts.sent.filter((s) => s.message.type === type)[n]?.idempotencyKey;
      const index = acts.sent.findIndex((s) => s.idempotencyKey === key);
      return `ID${String(index + 1).padStart(4, '0')}`;
    },
    /**
     * The state query with a deadline, asked again when it times out: the time-skipping test server now
     * and then leaves a query unanswered when it races a timer (never seen on the real server).
     */
    async queryState(handle: Pick<AssignmentHandle, 'query'>) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await h.env.client.withDeadline(Date.now() + 5_000, () => handle.query(stateQuery));
        } catch (err) {
          if (attempt >= 4) throw err;
        }
      }
    },
    async retour(handle: AssignmentHandle, type: 'WMO306' | 'WMO308', heen: string, codes: string[] = []) {
      await handle.signal(retourSignal, {
        messageId: `in-${type}-${heen}-${codes.join('')}`,
        messageType: type,
        heenIdentificatie: heen,
        retourCodes: codes,
        ontvangen: today(await h.env.currentTimeMs()),
      });
    },
  };
  // A server per test: the time-skipping server's clock and locks never carry over from one scenario to the next.
  beforeEach(async () => {
    h.env = await createTimeSkippingEnv();
  });
  afterEach(async (ctx) => {
    const env = h.env;
    const ids = started.splice(0);
    if (ctx.task.result?.state === 'fail') {
      // A failed attempt may still have a client call in flight (a query the test server left hanging):
      // closing the connection under it would surface later as an uncaught 'Channel has been shut down'.
      // Leave this server to the end of the run; the retry gets a fresh one.
      abandoned.push(env);
      return;
    }
    for (const id of ids) {
      await env.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    }
    await env?.teardown();
  });
  return h;
}
