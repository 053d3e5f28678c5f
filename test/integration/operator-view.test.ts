import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config';
import { resolveSecrets } from '../../app/secrets';
import { messagePollWorkflowId, pollProgressQuery } from '../../contract/messaging';
import { dataConverterFor } from '../../security';
import { chromiumPath, pageTextWhen } from '../support/browser';
import {
  dataEnv,
  freePorts,
  killAll,
  processesGone,
  type ServiceProcess,
  startService,
} from '../support/service';

/*
 * What an operator sees after `npm start`, on the service started exactly that way (npm, embedded dev
 * server on its own ports — the UI deliberately not on 8233 — the simulator issuing its 301s):
 *  - the Temporal Web UI, in a real browser (Debian's chromium, headless), shows an assignment workflow's
 *    input decoded (through /codec), not ciphertext;
 *  - the UI's workflow list holds the assignments and a handful of poll runs, not one run per poll round:
 *    45 rounds at 100 ms, 20 rounds per run, leave at most 3 poll executions where a Schedule left 45
 *    (docs/messaging.md has the hourly figure at the default 150 rounds per run).
 */

const marker = mkdtempSync(join(tmpdir(), 'iwmo-operator-view-'));
const interval = 100;
const rounds = 45;
const roundsPerRun = 20;
let service: ServiceProcess;
let uiPort: number;
let client: Client;
let connection: Connection;

beforeAll(async () => {
  const [api = 0, dev = 0, ui = 0] = await freePorts(3);
  uiPort = ui;
  const data = dataEnv(join(marker, 'data'));
  service = startService(
    'npm',
    {
      ...data,
      PORT: String(api),
      TEMPORAL_DEV_PORT: String(dev),
      TEMPORAL_UI_PORT: String(ui),
      MESSAGE_POLL_INTERVAL_MS: String(interval),
      MESSAGE_POLL_ROUNDS_PER_RUN: String(roundsPerRun),
    },
    marker,
  );
  await service.waitFor(/API listening/, 120_000);
  const { keyring } = resolveSecrets(loadConfig({ DEV_SECRETS_FILE: data.DEV_SECRETS_FILE }), () => {});
  connection = await Connection.connect({ address: `127.0.0.1:${dev}` });
  client = new Client({ connection, dataConverter: dataConverterFor(keyring) });
}, 180_000);

afterAll(async () => {
  await connection?.close();
  if (service) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  expect(await processesGone(marker)).toEqual([]);
  killAll(marker);
  rmSync(marker, { recursive: true, force: true });
});

interface Listed {
  id: string;
  runId: string;
  type: string;
  status: string;
}

/** The executions a query lists (every run of each). */
async function listed(query?: string): Promise<Listed[]> {
  const out: Listed[] = [];
  for await (const w of client.workflow.list(query ? { query } : {}))
    out.push({ id: w.workflowId, runId: w.runId, type: w.type, status: w.status.name });
  return out;
}

describe('the Temporal UI of npm start', () => {
  it('shows an assignment workflow’s input decoded, in a real browser', async (ctx) => {
    const bin = chromiumPath();
    if (!bin) ctx.skip('chromium is not installed: `bash scripts/tools.sh chromium` (CI installs it)');
    // The simulator's 301s start assignment workflows within a few poll rounds.
    let id = '';
    await expect
      .poll(async () => (id = (await listed('WorkflowType = "assignmentWorkflow"'))[0]?.id ?? ''), {
        timeout: 60_000,
        interval: 500,
      })
      .not.toBe('');
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(id)}`;
    // The page is the workflow's (its id is on it), and the input is readable JSON: the toewijzing's
    // number and the client's pseudonym, which only the codec can bring out of the encrypted payload.
    // Without the codec the Input panel shows the ciphertext's base64 and this never matches.
    const page = await pageTextWhen(bin as string, url, /"toewijzingNummer"/, { timeoutMs: 60_000, marker });
    expect(page).toContain(id);
    expect(page).toMatch(/"clientRef": "[^"]+"/);
    expect(page).not.toMatch(/binary\/encrypted/);
  }, 240_000);
});

describe('the workflow list of npm start', () => {
  it(`holds the assignments and one poll run per ${roundsPerRun} rounds, not one per round (${rounds} rounds at ${interval} ms)`, async () => {
    // How long the rounds take is not the point (a loaded 2-core machine needs minutes); the count is.
    const poller = client.workflow.getHandle(messagePollWorkflowId);
    await expect
      .poll(async () => (await poller.query(pollProgressQuery)).rounds, { timeout: 420_000, interval: 1_000 })
      .toBeGreaterThanOrEqual(rounds);
    const all = await listed();
    const polls = all.filter((w) => w.type !== 'assignmentWorkflow');
    const assignments = all.filter((w) => w.type === 'assignmentWorkflow');
    console.log(
      `[operator-view] after ${(await poller.query(pollProgressQuery)).rounds} rounds: ` +
        `${assignments.length} assignments, ${polls.length} poll executions in the list`,
    );
    // The figure docs/messaging.md bases roundsPerRun on: history events per round of the first run
    // (when exactly two runs are listed, its rounds are all the rounds before the running one).
    const progress = await poller.query(pollProgressQuery);
    const finished = polls.find((w) => w.status === 'CONTINUED_AS_NEW');
    if (finished && polls.length === 2) {
      const history = await client.workflow.getHandle(finished.id, finished.runId).fetchHistory();
      const events = history.events?.length ?? 0;
      const runRounds = progress.rounds - progress.roundsThisRun;
      console.log(
        `[operator-view] the finished poll run: ${runRounds} rounds, ${events} history events, ` +
          `${(events / runRounds).toFixed(1)} per round`,
      );
    }
    // One execution per run of roundsPerRun rounds (a Schedule would list one per round): read the
    // count after the list, so rounds that ran meanwhile cannot make the bound too tight.
    const roundsSoFar = (await poller.query(pollProgressQuery)).rounds;
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(roundsSoFar / roundsPerRun));
    expect(polls.length).toBeLessThan(rounds / 10);
    expect(new Set(polls.map((w) => w.type))).toEqual(new Set(['messagePollLoopWorkflow']));
    expect(assignments.length).toBeGreaterThan(0);
    // The operator's query for assignments lists exactly those.
    expect((await listed('WorkflowType = "assignmentWorkflow"')).length).toBe(assignments.length);
  }, 480_000);
});
