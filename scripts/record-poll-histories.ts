import { fileURLToPath } from 'node:url';
import { pollDoubles, pollHistoryScenarios } from '../test/support/poll-history-scenarios';
import { chosen, recordAll } from './recording';

/*
 * Records the histories of the poll workflows that test/workflow/poll-replay.test.ts replays:
 *
 *   npx tsx scripts/record-poll-histories.ts                        # every scenario
 *   npx tsx scripts/record-poll-histories.ts poll-round-deprecated  # only these
 *
 * Writes test/histories/poll/<scenario>.json (scripts/recording.ts; the clock is not moved: the poll
 * rounds count no deadlines). Re-record only on purpose (docs/testing.md, "Replay").
 */

const outDir = fileURLToPath(new URL('../test/histories/poll/', import.meta.url));

await recordAll(
  chosen(pollHistoryScenarios),
  outDir,
  { anchored: false },
  (scenario, { env, taskQueue }) => ({
    activities: pollDoubles(),
    record: async () => {
      const handle = await env.client.workflow.start(scenario.workflowType, {
        workflowId: `recording-${scenario.name}`,
        taskQueue,
        args: scenario.args,
      });
      // The loop never completes: it ends its run by continuing as new, which result() follows; wait for
      // the first run's history to close instead.
      for (;;) {
        const h = await env.client.workflow
          .getHandle(handle.workflowId, handle.firstExecutionRunId)
          .fetchHistory();
        const last = h.events?.at(-1);
        if (
          last?.workflowExecutionCompletedEventAttributes ||
          last?.workflowExecutionContinuedAsNewEventAttributes
        )
          return [h];
        await env.sleep(1000);
      }
    },
  }),
);
