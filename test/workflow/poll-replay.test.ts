import { readdirSync, readFileSync } from 'node:fs';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { historyFromJson } from '../support/history-json';
import { pollHistoryScenarios } from '../support/poll-history-scenarios';
import { workflowBundle } from '../support/worker';

/*
 * Replays the recorded poll histories (scripts/record-poll-histories.ts, test/histories/poll/) against
 * the current workflow code: a poll round in flight during an upgrade must finish on the new worker.
 * poll-round.json was recorded by the release whose messagePollWorkflow still branched on patched()
 * ('inbox-sweep', 'delivery-passes'): it carries their markers, and replays on deprecatePatch().
 */

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Another file in this test process installed the runtime first: keep that one.
}

const dir = new URL('../histories/poll/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (file: string) => historyFromJson(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));

describe('recorded poll histories (test/histories/poll/)', () => {
  it('are there, one per scenario, and the round carries the patch markers of the release it came from', () => {
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(
      pollHistoryScenarios.map((s) => s.name).sort(),
    );
    const markers = load('poll-round.json')
      .events?.flatMap((e) => (e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes] : []))
      .map((m) => Buffer.from(m.details?.['patch-data']?.payloads?.[0]?.data ?? []).toString('utf8'));
    expect(markers?.join(' ')).toContain('inbox-sweep');
    expect(markers?.join(' ')).toContain('delivery-passes');
  });

  it('replay against the current workflow code without a determinism violation', async () => {
    const failures: string[] = [];
    let replayed = 0;
    const results = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), replayName: 'poll' },
      files.map((file) => ({ history: load(file), workflowId: `recording-${file.replace(/\.json$/, '')}` })),
    );
    for await (const result of results) {
      replayed++;
      if (result.error) failures.push(`${result.runId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
