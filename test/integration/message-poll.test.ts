import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createDeliveryActivities } from '../../activities/delivery';
import { createInbound, type Inbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import {
  ensurePollLoop,
  messagePollScheduleId,
  messagePollWorkflowId,
  removePollSchedule,
  stopPollLoop,
} from '../../app/message-poll';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { loadProfiles } from '../../config/profiles';
import { inboxMessages, messageEvents, outboxMessages } from '../../db';
import { clientRef, createKeyring, dataConverterFor } from '../../security';
import { parseScenario } from '../../simulator/scenario';
import type { Simulator } from '../../simulator/server';
import type { SimMessage } from '../../simulator/store';
import { messageTypeOf } from '../../transport/berichtstroom';
import type { RestTransport } from '../../transport/rest/client';
import {
  type AssignmentState,
  assignmentWorkflowId,
  startUpdate,
  stateQuery,
  stopUpdate,
} from '../../workflows/assignment/contract';
import type { MessagePollInput, MessagePollResult } from '../../workflows/messaging/poll';
import { type SimulatorStack, startSimulatorStack } from '../support/simulator-stack';
import type { TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';

/*
 * Issue 9's message exchange on real parts: the Temporal dev server, PostgreSQL, a worker with the real
 * activities and payload encryption, and the simulator (VECOZO + gemeente 0384) over HTTPS with mutual
 * TLS, in this process. messagePollWorkflow rounds are run directly (as the Schedule would start them):
 * 301s are fetched, stored, routed and confirmed; the assignment workflows' 302s and 305s go out through
 * the outbox; the simulated gemeente answers the 305s with 306s, which come back in and approve the
 * starts. Faults: 500s on fetch and send, a resend after a lost answer (BRS114), duplicate delivery.
 * N = 5 clients here; the issue's 50 (and 1,000) belong to bench/.
 */

const gemeente = '0384';
const aanbieder = '42420001';
const clients = 5;
const firstNummer = 7000;
const today = amsterdamDateOf(new Date());

const scenario = parseScenario({
  name: 'message-poll-test',
  gemeente,
  aanbieder,
  toewijzingen: { clients, seed: 9, firstNummer, issueOnStart: false },
  answers: { delayMs: 300, WMO305: { decision: 'approve' }, WMO307: { decision: 'approve' } },
});

const keyring = createKeyring([{ id: 'poll-2026', key: randomBytes(32).toString('base64') }], 'poll-2026');
const dataConverter = dataConverterFor(keyring);
const refSecret = randomBytes(32).toString('hex');

let stack: SimulatorStack;
let env: TemporalTestEnv;
let testDb: SimulatorStack['testDb'];
let sim: Simulator;
let transport: RestTransport;
let client: Client;
let worker: Worker;
let workerRun: Promise<void>;
let taskQueue: string;
const pool = createCodecPool({ size: 2 });

beforeAll(async () => {
  stack = await startSimulatorStack({ prefix: 'iwmo-poll-', aanbieder, scenario });
  ({ env, testDb, sim } = stack);
  transport = stack.transport({ timeoutMs: 5000 });
  client = new Client({ connection: env.connection, dataConverter });
  // The inbound path needs the worker's task queue, the worker needs the inbound path: tie the knot late.
  let inbound: Inbound | undefined;
  const receiveMessage: Inbound['receiveMessage'] = (m) => (inbound as Inbound).receiveMessage(m);
  const recordUnavailable: Inbound['recordUnavailable'] = (m) => (inbound as Inbound).recordUnavailable(m);
  const db = testDb.handle.db;
  const created = await createTestWorker(
    env,
    createActivities({
      db,
      codec: pool,
      transport,
      inbound: { receiveMessage, recordUnavailable },
      temporal: client,
    }),
    { dataConverter },
  );
  taskQueue = created.taskQueue;
  inbound = createInbound({
    db,
    temporal: client,
    taskQueue,
    profiles: loadProfiles(),
    clientRef: (bsn) => clientRef(bsn, refSecret),
    codec: pool,
  });
  worker = created.worker;
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await pool.close();
  await stack?.stop();
});

afterEach(() => {
  Object.assign(sim.misbehaviour, { slowMs: 0, fail500: 0, duplicateDelivery: 'none', dropRetour: 0 });
});

const db = () => testDb.handle.db;

/** One round, as the Schedule starts it. */
function pollRound(input: MessagePollInput = {}): Promise<MessagePollResult> {
  return client.workflow.execute('messagePollWorkflow', {
    taskQueue,
    workflowId: `poll-test-${randomUUID()}`,
    args: [input],
  });
}

/** Rounds until `check` gives a value (the workflows answer between rounds), or fails naming `what`. */
async function roundsUntil<T>(check: () => Promise<T | false | undefined>, what: string, rounds = 30) {
  for (let i = 0; i < rounds; i++) {
    await pollRound();
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`not reached after ${rounds} rounds: ${what}`);
}

/** What the simulated gemeente holds from us, by type. */
function pushed(type: string): SimMessage[] {
  return sim.store
    .all()
    .filter((m) => m.afzender.code === aanbieder && messageTypeOf(m.berichtstroom) === type);
}

function state(nummer: number): Promise<AssignmentState> {
  return client.workflow.getHandle(assignmentWorkflowId(gemeente, nummer)).query(stateQuery);
}

async function outboxRow(id: string) {
  const [row] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, id));
  if (!row) throw new Error(`no outbox row ${id}`);
  return row;
}

/** The 302 the workflow writes for the 301 with this traceerId (linked by alsAntwoordOp), once it is there. */
async function retourOf(traceerId: string) {
  let found: typeof outboxMessages.$inferSelect | undefined;
  await expect
    .poll(
      async () => {
        [found] = await db().select().from(outboxMessages).where(eq(outboxMessages.alsAntwoordOp, traceerId));
        return found?.messageType;
      },
      { timeout: 15_000, interval: 200 },
    )
    .toBe('WMO302');
  return found as typeof outboxMessages.$inferSelect;
}

const nummers = Array.from({ length: clients }, (_, i) => firstNummer + i);

describe('messagePollWorkflow with the simulator', () => {
  it('301s in, 302s out, starts and stops answered with 306s and 308s: all approved, each message once', async () => {
    const issued = sim.issue(clients);

    // Every 301 stored, routed and confirmed; every assignment workflow answered it with a 302.
    await roundsUntil(async () => pushed('WMO302').length >= clients, `${clients} WMO302 at the gemeente`);
    const inbox = await db().select().from(inboxMessages).where(inArray(inboxMessages.traceerId, issued));
    expect(inbox.map((r) => r.status)).toEqual(Array(clients).fill('routed'));
    for (const traceerId of issued) expect(sim.store.get(traceerId)?.status).toBe('Bezorgd');

    // Each 302 answers its 301 on the transport too: the 301's conversation, alsAntwoordOp = its traceerId.
    const retours = pushed('WMO302');
    expect(retours).toHaveLength(clients);
    for (const r of retours) {
      expect(issued).toContain(r.alsAntwoordOp);
      expect(r.conversatieId).toBe(r.alsAntwoordOp);
    }

    // The provider starts care: each workflow owes a 305, the poller delivers it, the gemeente answers.
    for (const nummer of nummers) {
      await client.workflow
        .getHandle(assignmentWorkflowId(gemeente, nummer))
        .executeUpdate(startUpdate, { args: [{ eventId: `start-${nummer}`, begindatum: today }] });
    }
    const states = await roundsUntil(async () => {
      const all = await Promise.all(nummers.map(state));
      return all.every((s) => s.deliveries[0]?.start.status === 'approved') && all;
    }, 'every start approved');
    expect(states.map((s) => s.status)).toEqual(Array(clients).fill('in-zorg'));

    // Care stops: a 307 each, answered with a 308.
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
    expect(pushed('WMO307')).toHaveLength(clients);

    // Exactly one copy of each message at the gemeente; every outbox row sent with its recorded traceerId.
    const starts = pushed('WMO305');
    expect(starts).toHaveLength(clients);
    const outbox = await db().select().from(outboxMessages);
    expect(outbox.filter((r) => r.status !== 'sent')).toEqual([]);
    const sentIds = new Set(outbox.map((r) => r.traceerId));
    for (const m of [...retours, ...starts, ...pushed('WMO307')]) expect(sentIds).toContain(m.traceerId);
    // A 305 starts its own conversation (CC05); the 306 that came back points at it.
    const answers = await db()
      .select()
      .from(inboxMessages)
      .where(inArray(inboxMessages.messageType, ['WMO306', 'WMO308']));
    expect(answers).toHaveLength(2 * clients);
    for (const heen of [...starts, ...pushed('WMO307')]) {
      expect(heen.conversatieId).toBe(heen.traceerId);
      const answer = answers.filter((a) => a.alsAntwoordOp === heen.traceerId);
      expect(answer.map((a) => [a.status, a.conversatieId])).toEqual([['routed', heen.traceerId]]);
    }
  });

  it('500s on fetch and send: retried, nothing lost, the 302 sent once under one traceerId', async () => {
    const [traceerId] = sim.issue(1);
    sim.misbehaviour.fail500 = 2;
    const first = await pollRound({ deliverLimit: 0 });
    expect(first.pollError).toBeUndefined(); // the activity retried through the 500s
    expect(first.inbox.stored).toBe(1);
    const inbox = await db()
      .select()
      .from(inboxMessages)
      .where(eq(inboxMessages.traceerId, traceerId as string));
    expect(inbox[0]?.status).toBe('routed');

    // The 302 meets a 500 when it goes out: the row keeps its traceerId and the reason, still pending.
    const row = await retourOf(traceerId as string);
    sim.misbehaviour.fail500 = 1;
    const delivery = createDeliveryActivities({ db: db(), transport });
    await expect(delivery.deliverMessage({ outboxId: row.id })).rejects.toThrow(/500/);
    const failed = await outboxRow(row.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/500/) });
    expect(failed.traceerId).toMatch(/^[0-9a-f-]{36}$/);

    // The next round sends it, under the id recorded before the first attempt; it arrives once.
    const next = await pollRound();
    expect(next.sent).toBeGreaterThanOrEqual(1);
    expect(await outboxRow(row.id)).toMatchObject({
      status: 'sent',
      traceerId: failed.traceerId,
      attempts: 2,
    });
    expect(pushed('WMO302').filter((m) => m.alsAntwoordOp === traceerId)).toHaveLength(1);
  });

  it('a send whose answer was lost is sent again under the same traceerId: BRS114, marked sent, one copy', async () => {
    const [traceerId] = sim.issue(1);
    await pollRound({ deliverLimit: 0 }); // receives the 301 only; the 302 is delivered by hand below
    const row = await retourOf(traceerId as string);
    const delivery = createDeliveryActivities({ db: db(), transport });
    expect(await delivery.deliverMessage({ outboxId: row.id })).toMatchObject({
      status: 'sent',
      alreadySent: false,
    });
    const sent = await outboxRow(row.id);
    // The worker "died" after the transport took it, before the row said so:
    await db()
      .update(outboxMessages)
      .set({ status: 'pending', sentAt: null })
      .where(eq(outboxMessages.id, row.id));

    const again = await delivery.deliverMessage({ outboxId: row.id });
    expect(again).toEqual({ outboxId: row.id, status: 'sent', traceerId: sent.traceerId, alreadySent: true });
    expect(await outboxRow(row.id)).toMatchObject({ status: 'sent', traceerId: sent.traceerId });
    // The history shows both: sent, and sent again as recognised by BRS114.
    const history = await db()
      .select()
      .from(messageEvents)
      .where(and(eq(messageEvents.messageId, row.id), eq(messageEvents.status, 'sent')))
      .orderBy(asc(messageEvents.at));
    expect(history.map((e) => e.detail)).toEqual([
      { traceerId: sent.traceerId },
      { traceerId: sent.traceerId, error: 'BRS114: sent before' },
    ]);
    expect(pushed('WMO302').filter((m) => m.alsAntwoordOp === traceerId)).toHaveLength(1);
  });

  it('duplicate delivery (same and new traceerId): stored once, one signal to the workflow', async () => {
    for (const mode of ['same-traceer', 'new-traceer'] as const) {
      sim.misbehaviour.duplicateDelivery = mode;
      const [traceerId] = sim.issue(1);
      sim.misbehaviour.duplicateDelivery = 'none';
      const rounds = [await pollRound(), await pollRound()];
      const seen = rounds.reduce((n, r) => n + r.inbox.duplicates, 0);
      expect(seen, mode).toBe(1);
      const rows = await db()
        .select()
        .from(inboxMessages)
        .where(eq(inboxMessages.traceerId, traceerId as string));
      expect(rows).toHaveLength(1);
      // One signal: the workflow saw one version of the toewijzing, not a second identical one.
      const s = await client.workflow.getHandle(rows[0]?.routedTo as string).query(stateQuery);
      expect(s.versions, mode).toHaveLength(1);
      expect(sim.store.all().filter((m) => m.mailbox === aanbieder && !m.confirmed)).toEqual([]);
    }
  });

  it('the poller: one loop workflow, reused by the next start, which deletes the old Schedule', async () => {
    // The Schedule of the per-round design, as an earlier version left it.
    await client.schedule.create({
      scheduleId: messagePollScheduleId,
      spec: { intervals: [{ every: 3_600_000 }] },
      action: { type: 'startWorkflow', workflowType: 'messagePollWorkflow', taskQueue, args: [{}] },
      state: { paused: true },
    });
    expect(await removePollSchedule(client)).toBe(true);
    expect(await removePollSchedule(client)).toBe(false);
    try {
      expect(await ensurePollLoop(client, { taskQueue, intervalMs: 3_600_000 })).toBe('started');
      const first = await client.workflow.getHandle(messagePollWorkflowId).describe();
      // Settings for the running loop: a short interval from the next round on, same run.
      expect(await ensurePollLoop(client, { taskQueue, intervalMs: 200 })).toBe('running');
      const second = await client.workflow.getHandle(messagePollWorkflowId).describe();
      expect(second.runId).toBe(first.runId);
      // The signal does not cut the hour-long sleep short; a poller on another task queue is replaced,
      // and so is that one when the task queue changes back: the new run polls every 200 ms.
      expect(await ensurePollLoop(client, { taskQueue: `${taskQueue}-other`, intervalMs: 200 })).toBe(
        'replaced',
      );
      expect(await ensurePollLoop(client, { taskQueue, intervalMs: 200 })).toBe('replaced');
      const [traceerId] = sim.issue(1);
      await expect
        .poll(
          async () =>
            (
              await db()
                .select()
                .from(inboxMessages)
                .where(eq(inboxMessages.traceerId, traceerId as string))
            )[0]?.status,
          { timeout: 20_000, interval: 250 },
        )
        .toBe('routed');
    } finally {
      expect(await stopPollLoop(client, 'test done')).toBe(true);
    }
    expect(await stopPollLoop(client, 'test done')).toBe(false);
  });
});
