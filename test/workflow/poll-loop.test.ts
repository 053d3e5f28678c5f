import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollInboxResult } from '../../contract/messaging';
import { eventually } from '../support/assignment';
import { createTimeSkippingEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';

/*
 * The poll loop's round (workflows/messaging/poll.ts) with doubles for the mailbox and the outbox: what
 * matters is the order in which the workflow asks them. A mailbox of three pages, each taking a while to
 * read; once a page is stored its workflows owe one row (their 302). Since 'delivery-per-page' the rows of
 * a page go out while the later pages are read; before it, the round sent nothing until the last page.
 */

let env: TemporalTestEnv;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

const pageOf = (stored: number, more: boolean): PollInboxResult => ({
  fetched: stored,
  stored,
  duplicates: 0,
  confirmed: stored,
  unavailable: 0,
  deferred: 0,
  more,
});

/** A mailbox of `pages` pages of one message each; `log` says what happened in which order. */
function doubles(pages: number, readMs: number) {
  const log: string[] = [];
  const owed: string[][] = [];
  let read = 0;
  return {
    log,
    activities: {
      async resumeStrandedInbox() {
        return { resumed: 0 };
      },
      async pollInbox() {
        if (read >= pages) return pageOf(0, false);
        await new Promise((r) => setTimeout(r, readMs));
        read++;
        // The page's 301s were routed: their workflows wrote a 302 each.
        owed.push([`o-${read}`]);
        log.push(`page ${read}`);
        return pageOf(1, read < pages);
      },
      async pendingOutboxLanes() {
        return owed.splice(0);
      },
      async deliverLanes(input: { lanes: string[][] }) {
        const rows = input.lanes.flat();
        log.push(`deliver ${rows.join(',')}`);
        return { sent: rows.length, failed: 0 };
      },
      async deliverMessage() {
        return { status: 'sent' as const };
      },
      async refreshTransportStatus() {
        return { checked: 0, recorded: 0, downloaded: 0, failed: 0 };
      },
    },
  };
}

describe('the poll loop delivers while it receives', () => {
  it("sends a page's rows before the last page is read, and every row within the round", async () => {
    const { log, activities } = doubles(3, 1500);
    const { worker, taskQueue } = await createTestWorker(env, activities);
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('messagePollLoopWorkflow', {
        taskQueue,
        workflowId: `poll-loop-${randomUUID()}`,
        args: [{ intervalMs: 10, roundsPerRun: 1 }],
      });
      try {
        await eventually(
          () => (log.includes('page 3') && log.some((l) => l.includes('o-3'))) || undefined,
          'the round',
        );
        expect(log.indexOf('deliver o-1'), log.join(' | ')).toBeGreaterThanOrEqual(0);
        expect(log.indexOf('deliver o-1'), log.join(' | ')).toBeLessThan(log.indexOf('page 3'));
        const delivered = log.filter((l) => l.startsWith('deliver ')).flatMap((l) => l.slice(8).split(','));
        expect(delivered).toEqual(['o-1', 'o-2', 'o-3']);
      } finally {
        await handle.terminate('test done');
      }
    });
  });
});
