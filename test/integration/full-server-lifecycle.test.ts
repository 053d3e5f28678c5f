import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { addDays } from '../../calendar/iso-date';
import {
  type AssignmentState,
  assignmentWorkflowId,
  startUpdate,
  stateQuery,
  stopUpdate,
} from '../../contract/assignment';
import type { MessagePollInput, MessagePollResult } from '../../contract/messaging';
import { escalations, inboxMessages, outboxMessages } from '../../db';
import { createKeyring, dataConverterFor } from '../../security';
import { generateTestPki, readPair } from '../../simulator/certs';
import { parseScenario } from '../../simulator/scenario';
import { type Simulator, startSimulator } from '../../simulator/server';
import { messageTypeOf } from '../../transport/berichtstroom';
import { createTestDatabase } from '../support/database';
import { createFullServerEnv, type FullServerEnv } from '../support/temporal';
import { workflowBundle } from '../support/worker';
import { startWorkerChild, type WorkerChild } from '../support/worker-children';

/*
 * Issue 17: the lifecycle on the production topology. The full Temporal server (frontend, history,
 * matching, worker as four processes) on PostgreSQL, the service's database on the same cluster, the
 * simulator over mutual TLS, and TWO worker processes on one task queue (test/support/worker-process.ts:
 * real activities, payload encryption). This process only drives: it starts poll rounds (as the poll
 * loop would), sends start/stop updates, reads the outbox and the simulator, and SIGKILLs a worker and
 * the history service while work is in flight. The 301s are dated so that care should have started 90
 * days ago and received then (the simulator's clock and the workers' inbound "today" moved back while
 * they are issued and fetched): the provider's 305 deadline is missed (escalated once), and the start
 * dated back then closes billing periods, so each workflow continues as new.
 */

const gemeente = '0384';
const aanbieder = '42420001';
const clients = 4;
const firstNummer = 17_000;
const today = amsterdamDateOf(new Date());
const careFrom = addDays(today, -90);
const nummers = Array.from({ length: clients }, (_, i) => firstNummer + i);

const scenario = parseScenario({
  name: 'full-server-lifecycle',
  gemeente,
  aanbieder,
  toewijzingen: { clients, seed: 17, firstNummer, issueOnStart: false },
  answers: { delayMs: 200, WMO305: { decision: 'approve' }, WMO307: { decision: 'approve' } },
});

const payloadKey = randomBytes(32).toString('base64');
const keyring = createKeyring([{ id: 'full-2026', key: payloadKey }], 'full-2026');
const dataConverter = dataConverterFor(keyring);

let dir: string;
let env: FullServerEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let sim: Simulator;
let client: Client;
let todayFile: string;
/** The simulator's clock runs this far behind while the 301s are issued. */
let simShiftMs = 0;
const taskQueue = `full-lifecycle-${randomUUID()}`;
const workers: WorkerChild[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwmo-full-lifecycle-'));
  const pki = await generateTestPki({ dir, clients: [aanbieder] });
  const ca = await readFile(pki.caCert, 'utf8');
  [env, testDb, sim] = await Promise.all([
    createFullServerEnv({ postgresUrl: inject('postgresAdminUrl') }),
    createTestDatabase(),
    startSimulator({
      tls: { ...(await readPair(pki.server)), ca },
      scenario,
      now: () => new Date(Date.now() - simShiftMs),
    }),
  ]);
  await testDb.handle.migrate();
  client = new Client({ connection: env.connection, namespace: env.fullServer.namespace, dataConverter });
  todayFile = join(dir, 'today');
  const bundlePath = join(dir, 'workflows-bundle.js');
  await writeFile(bundlePath, (await workflowBundle()).code);
  const pair = pki.clients[aanbieder];
  if (!pair) throw new Error('no client certificate');
  const options = {
    taskQueue,
    bundlePath,
    temporalAddress: env.fullServer.address,
    namespace: env.fullServer.namespace,
    databaseUrl: testDb.url,
    simulatorUrl: sim.url,
    tls: { cert: pair.cert, key: pair.key, ca: pki.caCert },
    payloadKeyId: 'full-2026',
    payloadKey,
    refSecret: randomBytes(32).toString('hex'),
    todayFile,
  };
  workers.push(...(await Promise.all(['a', 'b'].map((n) => startWorkerChild(`worker-${n}`, options)))));
}, 180_000);

afterAll(async () => {
  // A failed test must leave no process behind.
  await Promise.all(workers.map((w) => w.kill()));
  await sim?.close();
  await testDb?.drop();
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const db = () => testDb.handle.db;

/** One poll round, run by whichever worker process takes it. */
function pollRound(input: MessagePollInput = {}): Promise<MessagePollResult> {
  return client.workflow.execute('messagePollWorkflow', {
    taskQueue,
    workflowId: `full-poll-${randomUUID()}`,
    args: [input],
  });
}

async function roundsUntil<T>(check: () => Promise<T | false | undefined>, what: string, rounds = 40) {
  for (let i = 0; i < rounds; i++) {
    await pollRound();
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not reached after ${rounds} rounds: ${what}`);
}

/** What the simulated gemeente holds from us, by type. */
const pushed = (type: string) =>
  sim.store.all().filter((m) => m.afzender.code === aanbieder && messageTypeOf(m.berichtstroom) === type);

const state = (nummer: number): Promise<AssignmentState> =>
  client.workflow.getHandle(assignmentWorkflowId(gemeente, nummer)).query(stateQuery);

const workflowIds = nummers.map((n) => assignmentWorkflowId(gemeente, n));

async function outboxOf(type: string) {
  const rows = await db()
    .select()
    .from(outboxMessages)
    .where(inArray(outboxMessages.workflowId, workflowIds));
  return rows.filter((r) => r.messageType === type);
}

/** Each key exactly once: `[key, count]` pairs that are not 1, for a readable failure. */
function notOnce(keys: (string | null)[], expected: string[]): [string, number][] {
  const counts = new Map(expected.map((k) => [k, 0]));
  for (const k of keys) counts.set(k ?? 'null', (counts.get(k ?? 'null') ?? 0) + 1);
  return [...counts].filter(([, n]) => n !== 1);
}

/** Resolves once `check` holds (polled), for mid-scenario kills at a known point. */
async function until(check: () => Promise<boolean> | boolean, what: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let issued: string[] = [];

describe('the lifecycle on the full server with two worker processes', { timeout: 150_000 }, () => {
  it('301 → 302 while one worker is SIGKILLed mid-delivery: every 301 answered by exactly one 302', async () => {
    // Issued and received 90 days ago, as far as the 301s and the inbound path know.
    await writeFile(todayFile, careFrom);
    simShiftMs = 90 * 24 * 3600_000;
    issued = sim.issue(clients);
    simShiftMs = 0;
    // Received and routed first. (A worker killed while it receives leaves its claimed rows stranded
    // until the claim is stale, a minute (staleClaimMs): resumeStranded then finishes them; too slow for this suite.)
    await pollRound({ deliverLimit: 0 });
    await until(async () => (await outboxOf('WMO302')).length >= clients, 'every 302 written');

    // Mid-delivery: the gemeente's endpoint answers slowly, and one worker dies after the first 302 went out.
    sim.misbehaviour.slowMs = 1000;
    const round = pollRound();
    await until(() => pushed('WMO302').length > 0, 'a 302 at the gemeente');
    const [victim] = workers;
    await victim?.restart();
    sim.misbehaviour.slowMs = 0;
    await round;
    await roundsUntil(async () => pushed('WMO302').length >= clients, `${clients} WMO302 at the gemeente`);
    // Settle: one more round must not send anything twice. From here on it is today again.
    await pollRound();
    await writeFile(todayFile, '');

    expect(
      notOnce(
        (await outboxOf('WMO302')).map((r) => r.alsAntwoordOp),
        issued,
      ),
    ).toEqual([]);
    expect(
      notOnce(
        pushed('WMO302').map((m) => m.alsAntwoordOp ?? null),
        issued,
      ),
    ).toEqual([]);
    const inbox = await db().select().from(inboxMessages).where(inArray(inboxMessages.traceerId, issued));
    expect(
      notOnce(
        inbox.map((r) => r.traceerId),
        issued,
      ),
    ).toEqual([]);
    expect(inbox.map((r) => r.status)).toEqual(Array(clients).fill('routed'));
    for (const t of issued) expect(sim.store.get(t)?.status).toBe('Bezorgd');
  });

  it('a missed 305 deadline is escalated once per assignment', async () => {
    const rows = await until(
      async () =>
        (await db().select().from(escalations).where(inArray(escalations.workflowId, workflowIds))).length >=
        clients,
      'an escalation per assignment',
    ).then(() => db().select().from(escalations).where(inArray(escalations.workflowId, workflowIds)));
    expect(
      notOnce(
        rows.map((r) => r.workflowId),
        workflowIds,
      ),
    ).toEqual([]);
    expect(rows.map((r) => [r.action, r.owner])).toEqual(Array(clients).fill(['verstuur-305', 'aanbieder']));
    for (const n of nummers) expect((await state(n)).escalations).toHaveLength(1);
  });

  it('start/stop answered with 306/308 while history is SIGKILLed mid-round, continue-as-new in care', async () => {
    // The runs the 301s started: care from 90 days back closes billing periods once the start is known.
    const firstRuns = await Promise.all(
      workflowIds.map(async (id) => (await client.workflow.getHandle(id).describe()).runId),
    );

    for (const nummer of nummers) {
      await client.workflow
        .getHandle(assignmentWorkflowId(gemeente, nummer))
        .executeUpdate(startUpdate, { args: [{ eventId: `start-${nummer}`, begindatum: careFrom }] });
    }
    // The history service dies while a round delivers the 305s; the round finishes after its restart.
    const round = pollRound();
    await until(async () => (await outboxOf('WMO305')).some((r) => r.status === 'sent'), 'a 305 sent');
    const history = env.fullServer.services.history;
    history.kill('SIGKILL');
    await history.exited;
    await history.restart();
    await round;

    await roundsUntil(async () => {
      const all = await Promise.all(nummers.map(state));
      return all.every((s) => s.deliveries[0]?.start.status === 'approved');
    }, 'every start approved');
    // In care from 90 days back: each workflow handed the closed billing periods on and continued as new
    // (checked before the stop: a stopped assignment with nothing left to do may end instead).
    for (const [i, id] of workflowIds.entries()) {
      await until(
        async () => (await client.workflow.getHandle(id).describe()).runId !== firstRuns[i],
        `${id} continued as new`,
      );
      const first = await client.workflow.getHandle(id, firstRuns[i]).fetchHistory();
      expect(first.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    }
    for (const nummer of nummers) {
      await client.workflow.getHandle(assignmentWorkflowId(gemeente, nummer)).executeUpdate(stopUpdate, {
        args: [{ eventId: `stop-${nummer}`, einddatum: today, redenBeeindiging: '19' }],
      });
    }
    const stopped = await roundsUntil(async () => {
      const all = await Promise.all(nummers.map(state));
      return all.every((s) => s.deliveries[0]?.stop?.status === 'approved') && all;
    }, 'every stop approved');
    expect(stopped.map((s) => s.status)).toEqual(Array(clients).fill('gestopt'));
    await pollRound();

    // Exactly one of each, in the outbox and at the gemeente; the 302s were not sent again either.
    for (const type of ['WMO305', 'WMO307']) {
      const rows = await outboxOf(type);
      expect(
        notOnce(
          rows.map((r) => r.workflowId),
          workflowIds,
        ),
        type,
      ).toEqual([]);
      expect(
        rows.map((r) => r.status),
        type,
      ).toEqual(Array(clients).fill('sent'));
      const atGemeente = new Set(pushed(type).map((m) => m.traceerId));
      for (const r of rows) expect(atGemeente.has(r.traceerId as string), type).toBe(true);
      expect(pushed(type), type).toHaveLength(clients);
    }
    expect(
      notOnce(
        (await outboxOf('WMO302')).map((r) => r.alsAntwoordOp),
        issued,
      ),
    ).toEqual([]);
    expect(pushed('WMO302')).toHaveLength(clients);

    // The late start resolved the escalation; no run escalated it again.
    const rows = await db().select().from(escalations).where(inArray(escalations.workflowId, workflowIds));
    expect(
      notOnce(
        rows.map((r) => r.workflowId),
        workflowIds,
      ),
    ).toEqual([]);
  });
});
