import { readdirSync, readFileSync } from 'node:fs';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import {
  type AssignmentInput,
  assignmentWorkflowId,
  assignmentWorkflowType,
} from '../../contract/assignment';
import { type ClaimsBatchInput, claimsBatchWorkflowId, claimsBatchWorkflowType } from '../../contract/claims';
import { isValidBsn } from '../../iwmo/identifiers';
import { historyFromJson } from '../support/history-json';
import { historyScenarios } from '../support/history-scenarios';
import { workflowBundle } from '../support/worker';

/*
 * Replays the histories recorded by scripts/record-histories.ts (test/histories/) against the workflow
 * code as it is now. A change that makes the workflow issue other commands for the same history fails
 * here, before it can break assignments that are running. What to do then: docs/testing.md ("Replay").
 */

// The failing replays below are meant to fail: keep the worker's warnings about them out of the output.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Another file in this test process installed the runtime first: keep that one.
}

const dir = new URL('../histories/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

interface Recorded {
  file: string;
  history: History;
  workflowId: string;
}

function load(file: string): Recorded {
  const history = historyFromJson(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`${file}: the first event is not a workflow start with an input`);
  // A history does not hold its workflow id; ours is a function of the input, and the workflow uses it.
  const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  if (type === claimsBatchWorkflowType) {
    const b = defaultPayloadConverter.fromPayload<ClaimsBatchInput>(payload);
    return { file, history, workflowId: claimsBatchWorkflowId(b.aanbieder, b.gemeente, b.maand) };
  }
  const { toewijzing } = defaultPayloadConverter.fromPayload<AssignmentInput>(payload);
  return {
    file,
    history,
    workflowId: assignmentWorkflowId(toewijzing.gemeente, toewijzing.toewijzingNummer),
  };
}

const recorded = () => files.map(load);

/** Replays every recorded history; the file and error of each one that fails. */
async function replayAll(bundle: WorkflowBundleWithSourceMap, replayName: string) {
  const all = recorded();
  const fileOfRun = new Map(
    all.map((r) => [
      r.history.events?.[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId,
      r.file,
    ]),
  );
  const failures: { file: string | undefined; error: Error }[] = [];
  let replayed = 0;
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, replayName },
    all.map(({ history, workflowId }) => ({ history, workflowId })),
  );
  for await (const result of results) {
    replayed++;
    if (result.error) failures.push({ file: fileOfRun.get(result.runId), error: result.error });
  }
  return { replayed, failures };
}

function happyHistory(): Recorded {
  return load('happy.json');
}

/** A workflows entry of test/support/replay-variants/, bundled on its own. */
function variant(name: string): Promise<WorkflowBundleWithSourceMap> {
  const workflowsPath = new URL(`../support/replay-variants/${name}.ts`, import.meta.url).pathname;
  return bundleWorkflowCode({ workflowsPath, logger: quiet });
}
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('recorded histories (test/histories/)', () => {
  it('are all there and current in form: each parses and starts an assignment or claims batch workflow, one set per scenario', () => {
    const stems = new Set(files.map((f) => f.replace(/(\.run-[0-9]+)?\.json$/, '')));
    expect([...stems].sort()).toEqual(historyScenarios.map((s) => s.name).sort());
    for (const { file, history } of recorded()) {
      const start = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect([assignmentWorkflowType, claimsBatchWorkflowType], file).toContain(start?.workflowType?.name);
      expect(history.events?.length, file).toBeGreaterThan(10);
    }
    // A continued chain is recorded whole: run n+1 is the run that run n continued as.
    for (const stem of stems) {
      const runs = files.filter((f) => f.startsWith(`${stem}.run-`));
      runs.sort((a, b) => Number(a.match(/run-([0-9]+)/)?.[1]) - Number(b.match(/run-([0-9]+)/)?.[1]));
      for (let i = 1; i < runs.length; i++) {
        const previous = load(runs[i - 1] as string).history.events?.at(-1);
        const next = load(runs[i] as string).history.events?.[0];
        expect(previous?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId, runs[i]).toBe(
          next?.workflowExecutionStartedEventAttributes?.originalExecutionRunId,
        );
      }
    }
  });

  it('carry no BSN: no payload has a bsn field or a 9-digit number that passes the 11-proef', () => {
    let payloads = 0;
    const texts: string[] = [];
    const collect = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.data instanceof Uint8Array && o.metadata) {
        payloads++;
        // A local activity's marker carries its complete time; 9-digit nanos pass the 11-proef 1 time in 11.
        texts.push(
          Buffer.from(o.data)
            .toString('utf8')
            .replace(/"nanos":[0-9]+/g, ''),
        );
      }
      for (const child of Array.isArray(node) ? node : Object.values(o)) collect(child);
    };
    for (const { history } of recorded()) collect(history.events);
    expect(payloads).toBeGreaterThan(100);
    for (const text of texts) {
      expect(text).not.toMatch(/"bsn"/i);
      expect((text.match(/(?<![0-9])[0-9]{9}(?![0-9])/g) ?? []).filter(isValidBsn)).toEqual([]);
    }
  });

  it('replay against the current workflow code without a determinism violation', async () => {
    const { replayed, failures } = await replayAll(await workflowBundle(), 'current');
    expect(failures.map((f) => `${f.file}: ${f.error.message}`)).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});

describe('a change to the workflow code, caught by replay', () => {
  it('a timer before the first activity fails replay with DeterminismViolationError', async () => {
    const { history, workflowId } = happyHistory();
    const replay = Worker.runReplayHistory(
      { workflowBundle: await variant('timer-first') },
      history,
      workflowId,
    );
    await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('the same activities in another order (read model before the 302) fail with DeterminismViolationError', async () => {
    const { history, workflowId } = happyHistory();
    const replay = Worker.runReplayHistory(
      { workflowBundle: await variant('activity-first') },
      history,
      workflowId,
    );
    await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('the timer behind patched() replays every recorded history', async () => {
    const { replayed, failures } = await replayAll(await variant('patched-timer'), 'patched');
    expect(failures.map((f) => `${f.file}: ${f.error.message}`)).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
