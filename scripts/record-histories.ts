import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { amsterdamDateOf } from '../calendar/amsterdam';
import { eventually, recordingActivities } from '../test/support/assignment';
import { batchDoubles } from '../test/support/claims-batch';
import { historyToJson } from '../test/support/history-json';
import { historyScenarios, isQuiet, runHistories } from '../test/support/history-scenarios';
import { createTimeSkippingEnv } from '../test/support/temporal';
import { workflowBundle } from '../test/support/worker';

/*
 * Records the workflow histories that test/workflow/replay.test.ts replays against the current code:
 *
 *   npx tsx scripts/record-histories.ts              # every scenario
 *   npx tsx scripts/record-histories.ts happy ...    # only these
 *
 * Each scenario runs on its own time-skipping server whose clock is first moved to `anchor`, so the
 * dates (and with them the weekdays and holidays the deadlines count) are the same at every
 * recording. Writes test/histories/<scenario>.json, or <scenario>.run-<n>.json when the workflow
 * continued as new. Re-record only on purpose: see docs/testing.md ("Replay").
 */

/** Monday 4 March 2030, 09:00 in Amsterdam. Must lie in the future of the machine's clock. */
const anchor = Date.parse('2030-03-04T08:00:00Z');
const outDir = fileURLToPath(new URL('../test/histories/', import.meta.url));

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !historyScenarios.some((s) => s.name === name));
if (unknown.length > 0) {
  const known = historyScenarios.map((s) => s.name).join(', ');
  throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${known}`);
}
const scenarios = historyScenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name));

for (const scenario of scenarios) {
  const env = await createTimeSkippingEnv();
  try {
    const now = await env.currentTimeMs();
    if (now >= anchor) {
      throw new Error(
        'the recording anchor has passed: move `anchor` in scripts/record-histories.ts to a later Monday',
      );
    }
    await env.sleep(anchor - now);
    const acts = recordingActivities({ deliver: scenario.deliver ?? 'at-once' });
    const claims = batchDoubles(env.client);
    // A fixed task queue (each scenario has a server of its own): a re-recording differs only where the workflow does.
    const taskQueue = 'replay-recording';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await workflowBundle(),
      // The claims batch's own activities beside the assignment's; `escalate` is the shared one (acts).
      activities: { ...acts, ...withoutEscalate(claims) },
    });
    const runs = await worker.runUntil(async () => {
      const { workflowId, firstRunId } = await scenario.run({
        env,
        taskQueue,
        acts,
        claims,
        day0: amsterdamDateOf(anchor),
      });
      return eventually(async () => {
        const histories = await runHistories(env, workflowId, firstRunId);
        return histories.every(isQuiet) ? histories : undefined;
      }, `${scenario.name}: every run quiet`);
    });
    for (const old of readdirSync(outDir).filter((f) => f.startsWith(`${scenario.name}.`))) {
      rmSync(`${outDir}${old}`);
    }
    runs.forEach((history, i) => {
      const file = runs.length === 1 ? `${scenario.name}.json` : `${scenario.name}.run-${i + 1}.json`;
      writeFileSync(`${outDir}${file}`, `${historyToJson(history)}\n`);
      console.log(`${file}: ${history.events?.length ?? 0} events`);
    });
  } finally {
    await env.teardown();
  }
}

function withoutEscalate<T extends { escalate: unknown }>(activities: T): Omit<T, 'escalate'> {
  const { escalate: _, ...rest } = activities;
  return rest;
}
