import type { PollInboxResult } from '../../contract/messaging';

/*
 * Poll rounds recorded for replay (scripts/record-poll-histories.ts → test/histories/poll/, replayed by
 * test/workflow/poll-replay.test.ts). Test doubles stand in for the mailbox and the outbox: the
 * recording is about the commands the workflow issues, which depend only on what the activities answer.
 */

const page = (fetched: number, more: boolean): PollInboxResult => ({
  fetched,
  stored: fetched,
  duplicates: 0,
  confirmed: fetched,
  unavailable: 0,
  deferred: 0,
  more,
});

/** A mailbox of two pages and an outbox of three rows in two lanes, sent in the first pass. */
export function pollDoubles() {
  const pages = [page(2, true), page(1, false)];
  const lanes = [[['o-1', 'o-2'], ['o-3']]];
  return {
    async resumeStrandedInbox() {
      return { resumed: 0 };
    },
    async pollInbox() {
      return pages.shift() ?? page(0, false);
    },
    async pendingOutboxLanes() {
      return lanes.shift() ?? [];
    },
    async deliverMessage() {
      return { status: 'sent' as const };
    },
    async deliverLanes(input: { lanes: string[][] }) {
      return { sent: input.lanes.flat().length, failed: 0 };
    },
  };
}

export interface PollHistoryScenario {
  name: string;
  workflowType: 'messagePollWorkflow' | 'messagePollLoopWorkflow';
  args: unknown[];
}

export const pollHistoryScenarios: PollHistoryScenario[] = [
  // One round as the Schedule started them, recorded by the release that still branched on patched().
  { name: 'poll-round', workflowType: 'messagePollWorkflow', args: [{}] },
  // The same round recorded by the release that deprecated those patches (markers flagged deprecated).
  { name: 'poll-round-deprecated', workflowType: 'messagePollWorkflow', args: [{}] },
  // The loop: two rounds, then continue-as-new (the history ends there).
  {
    name: 'poll-loop',
    workflowType: 'messagePollLoopWorkflow',
    args: [{ intervalMs: 1000, roundsPerRun: 2 }],
  },
  // The same loop recorded since 'delivery-batches' (issue 17): the outbox in deliverLanes batches.
  {
    name: 'poll-loop-batches',
    workflowType: 'messagePollLoopWorkflow',
    args: [{ intervalMs: 1000, roundsPerRun: 2 }],
  },
];
