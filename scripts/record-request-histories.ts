import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { amsterdamDateOf } from '../calendar/amsterdam';
import { eventually } from '../test/support/assignment';
import { historyToJson } from '../test/support/history-json';
import { isQuiet } from '../test/support/history-scenarios';
import { recordingRequestActivities } from '../test/support/request';
import { requestHistoryScenarios } from '../test/support/request-history-scenarios';
import { createTimeSkippingEnv } from '../test/support/temporal';
import { workflowBundle } from '../test/support/worker';

/*
 * Records the request workflow's histories that test/workflow/request-replay.test.ts replays:
 *
 *   npx tsx scripts/record-request-histories.ts                      # every scenario
 *   npx tsx scripts/record-request-histories.ts request-honoured ... # only these
 *
 * Same procedure as scripts/record-histories.ts (the assignment's): a time-skipping server per scenario,
 * its clock moved to `anchor`, a fixed task queue; writes test/histories/request/<scenario>.json.
 * Re-record only on purpose: see docs/testing.md ("Replay").
 */

/** Monday 4 March 2030, 09:00 in Amsterdam. Must lie in the future of the machine's clock. */
const anchor = Date.parse('2030-03-04T08:00:00Z');
const outDir = fileURLToPath(new URL('../test/histories/request/', import.meta.url));

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !requestHistoryScenarios.some((s) => s.name === name));
if (unknown.length > 0) {
  const known = requestHistoryScenarios.map((s) => s.name).join(', ');
  throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${known}`);
}
const scenarios = requestHistoryScenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name));

for (const scenario of scenarios) {
  const env = await createTimeSkippingEnv();
  try {
    const now = await env.currentTimeMs();
    if (now >= anchor) {
      throw new Error(
        'the recording anchor has passed: move `anchor` in scripts/record-request-histories.ts',
      );
    }
    await env.sleep(anchor - now);
    const acts = recordingRequestActivities();
    const taskQueue = 'replay-recording';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: acts,
    });
    const history = await worker.runUntil(async () => {
      const { workflowId } = await scenario.run({ env, taskQueue, acts, day0: amsterdamDateOf(anchor) });
      return eventually(async () => {
        const h = await env.client.workflow.getHandle(workflowId).fetchHistory();
        return isQuiet(h) ? h : undefined;
      }, `${scenario.name}: quiet`);
    });
    for (const old of readdirSync(outDir).filter((f) => f.startsWith(`${scenario.name}.`)))
      rmSync(`${outDir}${old}`);
    writeFileSync(`${outDir}${scenario.name}.json`, `${historyToJson(history)}\n`);
    console.log(`${scenario.name}.json: ${history.events?.length ?? 0} events`);
  } finally {
    await env.teardown();
  }
}
