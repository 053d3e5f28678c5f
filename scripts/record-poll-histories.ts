import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { historyToJson } from '../test/support/history-json';
import { pollDoubles, pollHistoryScenarios } from '../test/support/poll-history-scenarios';
import { createTimeSkippingEnv } from '../test/support/temporal';
import { workflowBundle } from '../test/support/worker';

/*
 * Records the histories of the poll workflows that test/workflow/poll-replay.test.ts replays:
 *
 *   npx tsx scripts/record-poll-histories.ts                        # every scenario
 *   npx tsx scripts/record-poll-histories.ts poll-round-deprecated  # only these
 *
 * Writes test/histories/poll/<scenario>.json. Re-record only on purpose (docs/testing.md, "Replay").
 */

const outDir = fileURLToPath(new URL('../test/histories/poll/', import.meta.url));

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !pollHistoryScenarios.some((s) => s.name === name));
if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}`);

for (const scenario of pollHistoryScenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const env = await createTimeSkippingEnv();
  try {
    const taskQueue = 'replay-recording';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: pollDoubles(),
    });
    const history = await worker.runUntil(async () => {
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
          return h;
        await env.sleep(1000);
      }
    });
    writeFileSync(`${outDir}${scenario.name}.json`, `${historyToJson(history)}\n`);
    console.log(`${scenario.name}.json: ${history.events?.length ?? 0} events`);
  } finally {
    await env.teardown();
  }
}
