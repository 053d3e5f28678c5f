import { readdirSync, readFileSync } from 'node:fs';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { type RequestInput, requestWorkflowId, requestWorkflowType } from '../../contract/request/contract';
import { isValidBsn } from '../../iwmo/identifiers';
import { historyFromJson } from '../support/history-json';
import { requestHistoryScenarios } from '../support/request-history-scenarios';
import { workflowBundle } from '../support/worker';

/*
 * Replays the request workflow's recorded histories (test/histories/request/, made by
 * scripts/record-request-histories.ts) against the current code, and proves the check bites: the same
 * workflow with a timer before its first activity fails replay. docs/testing.md ("Replay").
 */

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Another file in this test process installed the runtime first: keep that one.
}

const dir = new URL('../histories/request/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): { file: string; history: History; workflowId: string } {
  const history = historyFromJson(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`${file}: the first event is not a workflow start with an input`);
  const input = defaultPayloadConverter.fromPayload<RequestInput>(payload);
  return { file, history, workflowId: requestWorkflowId(input.aanbieder, input.referentieAanbieder) };
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('recorded request histories (test/histories/request/)', () => {
  it('are all there: one file per scenario, each starting a requestWorkflow', () => {
    expect(files.map((f) => f.replace(/\.json$/, ''))).toEqual(
      requestHistoryScenarios.map((s) => s.name).sort(),
    );
    for (const { file, history } of files.map(load)) {
      expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name, file).toBe(
        requestWorkflowType,
      );
    }
  });

  it('carry no BSN: no 9-digit number that passes the 11-proef, no bsn field', () => {
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      // Payload data is base64 in the JSON: decode every payload's data to read what the workflow carried.
      const decoded = [...text.matchAll(/"data":\s*"([^"]+)"/g)].map((m) =>
        Buffer.from(m[1] as string, 'base64').toString('utf8'),
      );
      expect(decoded.length, f).toBeGreaterThan(5);
      for (const d of [text, ...decoded]) {
        expect(d).not.toMatch(/"bsn"/i);
        expect((d.match(/(?<![0-9])[0-9]{9}(?![0-9])/g) ?? []).filter(isValidBsn)).toEqual([]);
      }
    }
  });

  it('replay against the current workflow code', async () => {
    const bundle = await workflowBundle();
    const failures: string[] = [];
    let replayed = 0;
    const all = files.map(load);
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, replayName: 'requests' },
      all,
    )) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });

  it('must fail: a timer before the first activity is a DeterminismViolationError', async () => {
    const workflowsPath = new URL('../support/replay-variants/request-timer-first.ts', import.meta.url)
      .pathname;
    const bundle = await bundleWorkflowCode({ workflowsPath, logger: quiet });
    const { history, workflowId } = load('request-honoured.json');
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
