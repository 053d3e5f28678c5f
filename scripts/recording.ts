import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { History } from '@temporalio/common/lib/proto-utils';
import { historyToJson } from '../test/support/history-json';
import { createTimeSkippingEnv, type TemporalTestEnv } from '../test/support/temporal';
import { createTestWorker } from '../test/support/worker';

/*
 * What the record-*-histories scripts share (docs/testing.md, "Replay"): pick the scenarios named on the
 * command line, run each on a time-skipping server of its own with a worker on a fixed task queue, and
 * write its runs to test/histories/. A fixed task queue and anchor keep a re-recording different only
 * where the workflow is.
 */

/** Monday 4 March 2030, 09:00 in Amsterdam. Must lie in the future of the machine's clock. */
export const anchor = Date.parse('2030-03-04T08:00:00Z');

export interface Recording {
  env: TemporalTestEnv;
  taskQueue: string;
}

export interface Recorder {
  /** The activities the worker runs for this scenario. */
  activities: object;
  /** Runs the scenario while the worker runs; returns the histories to write, one per run. */
  record: () => Promise<History[]>;
}

/** The scenarios named in `wanted` (every one when none is); an unknown name is an error listing the known. */
export function chosen<S extends { name: string }>(all: readonly S[], wanted = process.argv.slice(2)): S[] {
  const unknown = wanted.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) {
    const known = all.map((s) => s.name).join(', ');
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${known}`);
  }
  return all.filter((s) => wanted.length === 0 || wanted.includes(s.name));
}

/**
 * Records every scenario into `outDir`. With `anchored`, the server's clock is first moved to `anchor`,
 * so the dates (and the weekdays and holidays deadlines count) are the same at every recording.
 */
export async function recordAll<S extends { name: string }>(
  scenarios: readonly S[],
  outDir: string,
  options: { anchored: boolean },
  recorder: (scenario: S, recording: Recording) => Recorder,
): Promise<void> {
  for (const scenario of scenarios) {
    const env = await createTimeSkippingEnv();
    try {
      if (options.anchored) await moveToAnchor(env);
      // A fixed task queue (each scenario has a server of its own): a re-recording differs only where the workflow does.
      const taskQueue = 'replay-recording';
      const { activities, record } = recorder(scenario, { env, taskQueue });
      const { worker } = await createTestWorker(env, activities, { taskQueue });
      writeRuns(outDir, scenario.name, await worker.runUntil(record));
    } finally {
      await env.teardown();
    }
  }
}

async function moveToAnchor(env: TemporalTestEnv): Promise<void> {
  const now = await env.currentTimeMs();
  if (now >= anchor) {
    throw new Error(
      'the recording anchor has passed: move `anchor` in scripts/recording.ts to a later Monday',
    );
  }
  await env.sleep(anchor - now);
}

/** `<name>.json`, or `<name>.run-<n>.json` per run when the workflow continued as new; old files go first. */
function writeRuns(outDir: string, name: string, runs: History[]): void {
  for (const old of readdirSync(outDir).filter((f) => f.startsWith(`${name}.`))) rmSync(`${outDir}${old}`);
  runs.forEach((history, i) => {
    const file = runs.length === 1 ? `${name}.json` : `${name}.run-${i + 1}.json`;
    writeFileSync(`${outDir}${file}`, `${historyToJson(history)}\n`);
    console.log(`${file}: ${history.events?.length ?? 0} events`);
  });
}
