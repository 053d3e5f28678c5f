import { Context } from '@temporalio/activity';
import type { AssignmentActivities } from '../activities/types';
import { amsterdamDateOf } from '../calendar/amsterdam';
import { loadProfiles } from '../config/profiles';
import type { AssignmentInput, ToewijzingVersion } from '../workflows/assignment/contract';

/*
 * Shared by bench/workflow.ts and bench/workflow-memory-probe.ts: in-memory
 * activities (the benches measure the workflow engine path, not I/O) and fixed toewijzing data. No
 * BSN: a clientRef, as in production.
 */

export interface StubActivities extends AssignmentActivities {
  touch(): Promise<void>;
}

/** Activities that answer at once; `onCall(name, workflowId)` sees every call as it starts. */
export function stubActivities(onCall: (name: string, workflowId: string) => void): StubActivities {
  const seen = (name: string) => onCall(name, Context.current().info.workflowExecution?.workflowId ?? '');
  let sequence = 0;
  return {
    async sendMessage() {
      seen('sendMessage');
      const identificatie = `B${++sequence}`;
      return { outboxId: identificatie, identificatie, duplicate: false };
    },
    async recordAssignment() {
      seen('recordAssignment');
    },
    async escalate(input) {
      seen('escalate');
      return { escalationId: input.idempotencyKey, delivered: 0, failed: 0 };
    },
    async resolveEscalation(input) {
      seen('resolveEscalation');
      return { escalationId: input.idempotencyKey, delivered: 0, failed: 0 };
    },
    async openClaimPeriod() {
      seen('openClaimPeriod');
    },
    async touch() {
      seen('touch');
    },
  };
}

const profile = loadProfiles().profileFor('0363');

/** A toewijzing starting today, as the inbox router would decode it from a 301; `nummer` makes it unique. */
export function toewijzingFor(nummer: number): { version: ToewijzingVersion; input: AssignmentInput } {
  const today = amsterdamDateOf(Date.now());
  const version: ToewijzingVersion = {
    messageId: `bench-301-${nummer}`,
    berichtIdentificatie: `B${nummer}`.slice(0, 12),
    gemeente: '0363',
    aanbieder: '12345678',
    clientRef: `c_bench${nummer}`,
    toewijzingNummer: nummer,
    product: { categorie: '02', code: '02A01' },
    toewijzingsdatum: today,
    toewijzingstijd: '09:00:00',
    ingangsdatum: today,
    omvang: { volume: 4, eenheid: '04', frequentie: '2' },
    ontvangen: today,
  };
  return { version, input: { toewijzing: version, profile } };
}

/** Polls until `probe` holds; for waiting on a worker in real time. */
export async function until(probe: () => boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `jobs` with at most `limit` in flight. */
export async function bounded<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  return results;
}
