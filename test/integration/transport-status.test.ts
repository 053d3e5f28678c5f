import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound, type Inbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { ensurePollLoop, stopPollLoop } from '../../app/message-poll';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { loadProfiles } from '../../config/profiles';
import {
  type AssignmentState,
  assignmentWorkflowId,
  startUpdate,
  stateQuery,
} from '../../contract/assignment';
import { messagePollWorkflowId, pollProgressQuery } from '../../contract/messaging';
import { inboxMessages, messageEvents, outboxMessages } from '../../db';
import { clientRef, createKeyring, dataConverterFor } from '../../security';
import { parseScenario } from '../../simulator/scenario';
import type { Simulator } from '../../simulator/server';
import { messageTypeOf } from '../../transport/berichtstroom';
import { type SimulatorStack, startSimulatorStack } from '../support/simulator-stack';
import { createTestWorker } from '../support/worker';

/*
 * Issue 13, "the counterparty's term starts too early", on real parts: the Temporal dev server,
 * PostgreSQL, a worker with the real activities, the poll loop (messagePollLoopWorkflow) and the
 * simulator over HTTPS. The simulated gemeente holds what we push (misbehaviour holdDownloads) and
 * downloads our 305 later, on a clock a week ahead: the loop asks VECOZO's berichtstatus, records
 * `transport:Bezorgd` once, and the assignment's 306 term counts from the download day, not the delivery.
 */

const gemeente = '0384';
const aanbieder = '42420002';
const nummer = 8100;
const today = amsterdamDateOf(new Date());

const scenario = parseScenario({
  name: 'transport-status-test',
  gemeente,
  aanbieder,
  toewijzingen: { clients: 1, seed: 13, firstNummer: nummer, issueOnStart: false },
  // No 306 ever: the gemeente's term stays open, so where it counts from stays visible.
  answers: { delayMs: 0, WMO305: { decision: 'never' }, WMO307: { decision: 'never' } },
});

const keyring = createKeyring(
  [{ id: 'status-2026', key: randomBytes(32).toString('base64') }],
  'status-2026',
);
const dataConverter = dataConverterFor(keyring);
/** The simulator's clock runs this far ahead once the test moves it (the gemeente downloads "later"). */
let simOffsetMs = 0;

let stack: SimulatorStack;
let sim: Simulator;
let client: Client;
let worker: Worker;
let workerRun: Promise<void>;
let taskQueue: string;
const pool = createCodecPool({ size: 1 });

beforeAll(async () => {
  stack = await startSimulatorStack({
    prefix: 'iwmo-status-',
    aanbieder,
    scenario,
    now: () => new Date(Date.now() + simOffsetMs),
  });
  sim = stack.sim;
  client = new Client({ connection: stack.env.connection, dataConverter });
  let inbound: Inbound | undefined;
  const db = stack.testDb.handle.db;
  const created = await createTestWorker(
    stack.env,
    createActivities({
      db,
      codec: pool,
      transport: stack.transport({ timeoutMs: 5000 }),
      inbound: {
        receiveMessage: (m) => (inbound as Inbound).receiveMessage(m),
        recordUnavailable: (m) => (inbound as Inbound).recordUnavailable(m),
      },
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
    clientRef: (bsn) => clientRef(bsn, randomBytes(32).toString('hex')),
    codec: pool,
  });
  worker = created.worker;
  workerRun = worker.run();
});

afterAll(async () => {
  await stopPollLoop(client, 'test done').catch(() => false);
  worker?.shutdown();
  await workerRun;
  await pool.close();
  await stack?.stop();
});

const db = () => stack.testDb.handle.db;
const poll = { timeout: 30_000, interval: 250 };

function state(): Promise<AssignmentState> {
  return client.workflow.getHandle(assignmentWorkflowId(gemeente, nummer)).query(stateQuery);
}

const rounds = async () =>
  (await client.workflow.getHandle(messagePollWorkflowId).query(pollProgressQuery)).rounds;

/** Waits until the loop has finished `n` more rounds than now. */
async function moreRounds(n: number): Promise<void> {
  const start = await rounds();
  await expect.poll(rounds, poll).toBeGreaterThanOrEqual(start + n);
}

function transportEvents(outboxId: string) {
  return db()
    .select({ status: messageEvents.status, detail: messageEvents.detail })
    .from(messageEvents)
    .where(and(eq(messageEvents.messageId, outboxId), like(messageEvents.status, 'transport:%')));
}

const term306 = (s: AssignmentState) => s.deadlines.find((d) => d.action === 'verstuur-306');

describe('transport status in the poll loop', () => {
  it('the gemeente downloads our 305 days later: transport:Bezorgd once, the 306 term counts from then', async () => {
    sim.misbehaviour.holdDownloads = true;
    const [traceerId] = sim.issue(1);
    expect(await ensurePollLoop(client, { taskQueue, intervalMs: 200 })).toBe('started');
    await expect
      .poll(
        async () =>
          (
            await db()
              .select()
              .from(inboxMessages)
              .where(eq(inboxMessages.traceerId, traceerId as string))
          )[0]?.status,
        poll,
      )
      .toBe('routed');
    await client.workflow
      .getHandle(assignmentWorkflowId(gemeente, nummer))
      .executeUpdate(startUpdate, { args: [{ eventId: 'start-status', begindatum: today }] });

    // Delivered, not downloaded: the term runs from the delivery day; VECOZO says WordtAangeboden.
    await expect
      .poll(async () => (await state()).messages.find((m) => m.type === 'WMO305')?.status, poll)
      .toBe('afgeleverd');
    const [row] = await db().select().from(outboxMessages).where(eq(outboxMessages.messageType, 'WMO305'));
    if (!row?.sentAt) throw new Error('the 305 was not sent');
    const deliveredOn = amsterdamDateOf(row.sentAt);
    const atDelivery = term306(await state());
    expect(atDelivery).toMatchObject({ from: deliveredOn, status: 'open' });
    await expect
      .poll(async () => (await transportEvents(row.id)).map((e) => e.status), poll)
      .toEqual(['transport:WordtAangeboden']);

    // A week later (on the simulator's clock) the gemeente downloads it.
    simOffsetMs = 7 * 24 * 3600 * 1000;
    const [pushed] = sim.store.all().filter((m) => messageTypeOf(m.berichtstroom) === 'WMO305');
    expect(sim.download()).toContain(pushed?.traceerId); // with the 302 it held
    const downloaded = sim.store.get(pushed?.traceerId as string);
    expect(downloaded?.status).toBe('Bezorgd');
    const downloadedOn = amsterdamDateOf(new Date(downloaded?.statusGewijzigdOp as string));
    expect(downloadedOn > deliveredOn).toBe(true);

    await expect
      .poll(async () => (await transportEvents(row.id)).map((e) => e.status).sort(), poll)
      .toEqual(['transport:Bezorgd', 'transport:WordtAangeboden']);
    // Two more rounds ask nothing new: still one Bezorgd, with the transport's own moment.
    await moreRounds(2);
    const events = await transportEvents(row.id);
    expect(events.filter((e) => e.status === 'transport:Bezorgd')).toEqual([
      {
        status: 'transport:Bezorgd',
        detail: { traceerId: row.traceerId, changedAt: downloaded?.statusGewijzigdOp },
      },
    ]);
    expect(events).toHaveLength(2);

    // The workflow was told: the message shows opgehaald and the gemeente's 306 term counts from the download.
    await expect
      .poll(async () => (await state()).messages.find((m) => m.type === 'WMO305')?.status, poll)
      .toBe('opgehaald');
    const moved = term306(await state());
    expect(moved).toMatchObject({ from: downloadedOn, status: 'open', subject: atDelivery?.subject });
    expect((moved?.due as string) > (atDelivery?.due as string)).toBe(true);
  });
});
