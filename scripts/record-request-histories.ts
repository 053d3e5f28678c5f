import { fileURLToPath } from 'node:url';
import { amsterdamDateOf } from '../calendar/amsterdam';
import { eventually } from '../test/support/assignment';
import { isQuiet } from '../test/support/history-scenarios';
import { recordingRequestActivities } from '../test/support/request';
import { requestHistoryScenarios } from '../test/support/request-history-scenarios';
import { anchor, chosen, recordAll } from './recording';

/*
 * Records the request workflow's histories that test/workflow/request-replay.test.ts replays:
 *
 *   npx tsx scripts/record-request-histories.ts                      # every scenario
 *   npx tsx scripts/record-request-histories.ts request-honoured ... # only these
 *
 * Same procedure as scripts/record-histories.ts (the assignment's, scripts/recording.ts): a time-skipping
 * server per scenario, its clock moved to `anchor`, a fixed task queue; writes
 * test/histories/request/<scenario>.json. Re-record only on purpose: see docs/testing.md ("Replay").
 */

const outDir = fileURLToPath(new URL('../test/histories/request/', import.meta.url));

await recordAll(
  chosen(requestHistoryScenarios),
  outDir,
  { anchored: true },
  (scenario, { env, taskQueue }) => {
    const acts = recordingRequestActivities();
    return {
      activities: acts,
      record: async () => {
        const { workflowId } = await scenario.run({ env, taskQueue, acts, day0: amsterdamDateOf(anchor) });
        const history = await eventually(async () => {
          const h = await env.client.workflow.getHandle(workflowId).fetchHistory();
          return isQuiet(h) ? h : undefined;
        }, `${scenario.name}: quiet`);
        return [history];
      },
    };
  },
);
