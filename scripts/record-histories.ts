import { fileURLToPath } from 'node:url';
import { amsterdamDateOf } from '../calendar/amsterdam';
import { eventually, recordingActivities } from '../test/support/assignment';
import { batchDoubles } from '../test/support/claims-batch';
import { historyScenarios, isQuiet, runHistories } from '../test/support/history-scenarios';
import { anchor, chosen, recordAll } from './recording';

/*
 * Records the workflow histories that test/workflow/replay.test.ts replays against the current code:
 *
 *   npx tsx scripts/record-histories.ts              # every scenario
 *   npx tsx scripts/record-histories.ts happy ...    # only these
 *
 * Each scenario runs on its own time-skipping server whose clock is first moved to `anchor`
 * (scripts/recording.ts), so the dates (and with them the weekdays and holidays the deadlines count) are
 * the same at every recording. Writes test/histories/<scenario>.json, or <scenario>.run-<n>.json when the
 * workflow continued as new. Re-record only on purpose: see docs/testing.md ("Replay").
 */

const outDir = fileURLToPath(new URL('../test/histories/', import.meta.url));

await recordAll(chosen(historyScenarios), outDir, { anchored: true }, (scenario, { env, taskQueue }) => {
  const acts = recordingActivities({ deliver: scenario.deliver ?? 'at-once' });
  const claims = batchDoubles(env.client);
  return {
    // The claims batch's own activities beside the assignment's; `escalate` and `resolveEscalation` are the
    // shared ones (acts).
    activities: { ...acts, ...withoutEscalate(claims) },
    record: async () => {
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
    },
  };
});

function withoutEscalate<T extends { escalate: unknown; resolveEscalation: unknown }>(
  activities: T,
): Omit<T, 'escalate' | 'resolveEscalation'> {
  const { escalate: _, resolveEscalation: __, ...rest } = activities;
  return rest;
}
