import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound, type Inbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { loadProfiles } from '../../config/profiles';
import type { MessagePollInput, MessagePollResult } from '../../contract/messaging';
import { createDatabase, type DatabaseHandle, inboxMessages, messageEvents, outboxMessages } from '../../db';
import { clientRef, createKeyring, dataConverterFor, EncryptionCodec } from '../../security';
import { generateTestPki, readPair, type TestPki } from '../../simulator/certs';
import { parseScenario } from '../../simulator/scenario';
import { type Simulator, startSimulator } from '../../simulator/server';
import { messageTypeOf } from '../../transport/berichtstroom';
import { createRestTransport, type RestTransport, vecozoEndpoints } from '../../transport/rest/client';
import { type Cluster, startCluster } from '../support/postgres-cluster';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker, workflowBundle } from '../support/worker';

/*
 * Issue 9's fault tests on real parts: the Temporal dev server, a PostgreSQL cluster of this file's own
 * (the PostgreSQL cases stop and start it, which must not disturb other files), the simulator over HTTPS
 * with mutual TLS, and real activities. Faults: the simulator holding requests past the client's timeout
 * (on send and on fetch), the worker SIGKILLed while a push is in flight (the worker runs in a child
 * process, test/support/worker-process.ts), and PostgreSQL down while a poll round runs (from its start,
 * and from halfway through a page). Every message must arrive exactly once, be stored exactly once and
 * be confirmed only after it is stored.
 */

const gemeente = '0384';
const aanbieder = '42420001';
/** The client gives up after this; the simulator holds a request longer (heldMs) to make it time out. */
const timeoutMs = 1000;
const heldMs = 1500;

const scenario = parseScenario({
  name: 'messaging-faults-test',
  gemeente,
  aanbieder,
  toewijzingen: { clients: 0, seed: 11, firstNummer: 8000, issueOnStart: false },
  answers: { delayMs: 300, WMO305: { decision: 'approve' }, WMO307: { decision: 'approve' } },
});

const payloadKey = randomBytes(32).toString('base64');
const keyring = createKeyring([{ id: 'faults-2026', key: payloadKey }], 'faults-2026');
const dataConverter = dataConverterFor(keyring);
const refSecret = randomBytes(32).toString('hex');

let env: TemporalTestEnv;
let cluster: Cluster;
let handle: DatabaseHandle;
let dir: string;
let pki: TestPki;
let sim: Simulator;
const simLog: string[] = [];
/** Called synchronously inside the simulator's request handling, before it answers. */
let onSimLog: ((line: string) => void) | undefined;
let transport: RestTransport;
let client: Client;
let worker: Worker;
let workerRun: Promise<void>;
let taskQueue: string;
const pool = createCodecPool({ size: 2 });
/** Worker processes still running: a failed test must not leave one behind. */
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwmo-faults-'));
  pki = await generateTestPki({ dir, clients: [aanbieder] });
  const ca = await readFile(pki.caCert, 'utf8');
  [env, cluster, sim] = await Promise.all([
    createDevServerEnv(),
    startCluster(),
    startSimulator({
      tls: { ...(await readPair(pki.server)), ca },
      scenario,
      log: (line) => {
        simLog.push(line);
        onSimLog?.(line);
      },
    }),
  ]);
  handle = createDatabase({ url: cluster.url });
  await handle.migrate();
  transport = createRestTransport({
    endpoints: vecozoEndpoints(sim.url),
    tls: { ...(await readPair(clientPair())), ca },
    timeoutMs,
  });
  client = new Client({ connection: env.connection, dataConverter });
  let inbound: Inbound | undefined;
  const receiveMessage: Inbound['receiveMessage'] = (m) => (inbound as Inbound).receiveMessage(m);
  const recordUnavailable: Inbound['recordUnavailable'] = (m) => (inbound as Inbound).recordUnavailable(m);
  const created = await createTestWorker(
    env,
    createActivities({
      db: handle.db,
      codec: pool,
      transport,
      inbound: { receiveMessage, recordUnavailable },
    }),
    { dataConverter },
  );
  taskQueue = created.taskQueue;
  inbound = createInbound({
    db: handle.db,
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
  for (const child of children) await kill(child);
  worker?.shutdown();
  await workerRun;
  await pool.close();
  transport?.close();
  await sim?.close();
  await handle?.close();
  cluster?.stop();
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  Object.assign(sim.misbehaviour, {
    slowMs: 0,
    lateAnswerMs: 0,
    fail500: 0,
    duplicateDelivery: 'none',
    dropRetour: 0,
  });
});

function clientPair() {
  const pair = pki.clients[aanbieder];
  if (!pair) throw new Error('no client certificate');
  return pair;
}

const db = () => handle.db;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startRound(input: MessagePollInput = {}, queue = taskQueue) {
  return client.workflow.start('messagePollWorkflow', {
    taskQueue: queue,
    workflowId: `faults-round-${randomUUID()}`,
    args: [input],
  });
}

async function pollRound(input: MessagePollInput = {}, queue = taskQueue): Promise<MessagePollResult> {
  return (await startRound(input, queue)).result();
}

/** Rounds until `check` holds (the workflows answer between rounds), or fails naming `what`. */
async function roundsUntil(
  check: () => Promise<boolean>,
  what: string,
  input: MessagePollInput = {},
  queue = taskQueue,
) {
  for (let i = 0; i < 30; i++) {
    await pollRound(input, queue);
    if (await check()) return;
    await sleep(300);
  }
  throw new Error(`not reached after 30 rounds: ${what}`);
}

/** Waits until the simulator logs a line matching `pattern` (e.g. the request it now holds) after `from`. */
async function logged(pattern: RegExp, from: number): Promise<void> {
  await expect
    .poll(() => simLog.slice(from).some((l) => pattern.test(l)), { timeout: 20_000, interval: 20 })
    .toBe(true);
}

const count = (line: string) => simLog.filter((l) => l === line).length;
const pushes = (traceerId: string) => count(`push ${traceerId} from ${aanbieder} to ${gemeente}`);
const confirms = (traceerId: string) => count(`confirmed ${traceerId} by ${aanbieder}`);

/** Our 302s the simulated gemeente holds in answer to the 301 with this traceerId. */
const retoursAt = (traceerId: string) =>
  sim.store.all().filter((m) => m.alsAntwoordOp === traceerId && messageTypeOf(m.berichtstroom) === 'WMO302');

/** The outbox row of the 302 answering the 301 with this traceerId, once the workflow wrote it. */
async function retourRow(traceerId: string) {
  let row: typeof outboxMessages.$inferSelect | undefined;
  await expect
    .poll(
      async () => {
        [row] = await db().select().from(outboxMessages).where(eq(outboxMessages.alsAntwoordOp, traceerId));
        return row?.messageType;
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe('WMO302');
  return row as typeof outboxMessages.$inferSelect;
}

async function outboxRow(id: string) {
  const [row] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, id));
  if (!row) throw new Error(`no outbox row ${id}`);
  return row;
}

/** The retries of one activity type in a workflow's history: the reason each retried attempt failed. */
async function retriesOf(workflowId: string, activityType: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  const reasons: string[] = [];
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === activityType && started.lastFailure) {
      reasons.push(await failureMessage(started.lastFailure));
    }
  }
  return reasons;
}

/** A failure's message: encrypted in the history ('Encoded failure'), read back with the service's key. */
async function failureMessage(failure: { message?: string | null; encodedAttributes?: Payload | null }) {
  const encoded = failure.encodedAttributes;
  if (!encoded) return failure.message ?? '';
  const [plain] = await new EncryptionCodec(keyring).decode([encoded]);
  return (JSON.parse(Buffer.from(plain?.data ?? []).toString('utf8')) as { message: string }).message;
}

/** The 'sent' entries of an outbox row's status history. */
async function sentEvents(messageId: string) {
  const events = await db()
    .select()
    .from(messageEvents)
    .where(and(eq(messageEvents.messageId, messageId), eq(messageEvents.status, 'sent')));
  return events.map((e) => e.detail);
}

/*
 * Two ways the simulator holds a push: before handling it (slowMs: a client that gave up took the request
 * with it, so it never arrived and the retry sends it), or after (lateAnswerMs: it arrived, only the
 * answer is late, so the retry meets BRS114 and the status call shows it is there).
 */
const holds = [
  {
    what: 'held before it takes effect',
    mode: 'slowMs',
    line: /^slow POST \/berichten\/rest-push\/v1\/berichten /,
    arrives: false,
    sentDetail: (traceerId: string) => ({ traceerId }),
  },
  {
    what: 'taken but its answer held',
    mode: 'lateAnswerMs',
    line: /^late answer POST \/berichten\/rest-push\/v1\/berichten /,
    arrives: true,
    sentDetail: (traceerId: string) => ({ traceerId, error: 'BRS114: sent before' }),
  },
] as const;

describe('messaging faults', () => {
  it('the simulator holds a fetch past the client timeout: retried, every message stored and confirmed once', async () => {
    const issued = sim.issue(2);
    const from = simLog.length;
    sim.misbehaviour.slowMs = heldMs;
    const round = await startRound({ deliverLimit: 0 });
    // The first fetch is now held for heldMs (its wait is fixed when it starts); the retry goes through.
    await logged(/^slow GET \/berichten\/rest-pull\/v1\/berichten /, from);
    sim.misbehaviour.slowMs = 0;
    const result = await round.result();

    expect(result.pollError).toBeUndefined();
    expect(result.inbox).toMatchObject({ stored: 2, confirmed: 2, deferred: 0 });
    expect(await retriesOf(round.workflowId, 'pollInbox')).toEqual([
      expect.stringMatching(/^GET \/berichten\/rest-pull\/v1\/berichten timed out after 1000 ms/),
    ]);
    const rows = await db().select().from(inboxMessages).where(inArray(inboxMessages.traceerId, issued));
    expect(rows.map((r) => r.status).sort()).toEqual(['routed', 'routed']);
    for (const traceerId of issued) {
      expect(confirms(traceerId), traceerId).toBe(1);
      expect(sim.store.get(traceerId)?.confirmed).toBe(true);
    }
    // And their 302s go out, one each.
    await roundsUntil(
      async () => issued.every((id) => retoursAt(id).length === 1),
      'both 302s at the gemeente',
    );
    for (const id of issued) expect(retoursAt(id)).toHaveLength(1);
  });

  it.each(holds)(
    'a push $what past the client timeout: retried under the same traceerId, sent once',
    async (hold) => {
      const [traceerId] = sim.issue(1) as [string];
      await pollRound({ deliverLimit: 0 });
      const row = await retourRow(traceerId);

      const from = simLog.length;
      sim.misbehaviour[hold.mode] = heldMs;
      const round = await startRound({ maxPages: 0 }); // the outbox only: the held request is the push
      await logged(hold.line, from);
      sim.misbehaviour[hold.mode] = 0;
      const result = await round.result();

      expect(result).toMatchObject({ sent: 1, failed: 0, deferred: 0 });
      expect(await retriesOf(round.workflowId, 'deliverLanes')).toEqual([
        expect.stringMatching(/^POST \/berichten\/rest-push\/v1\/berichten timed out after 1000 ms/),
      ]);
      const sent = await outboxRow(row.id);
      // Two attempts on the row, both under the traceerId recorded before the first.
      expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      expect(await sentEvents(row.id)).toEqual([hold.sentDetail(sent.traceerId as string)]);
      expect(retoursAt(traceerId).map((m) => m.traceerId)).toEqual([sent.traceerId]);
      expect(pushes(sent.traceerId as string)).toBe(1);
    },
  );

  it.each(holds)(
    'the worker is SIGKILLed while its push is $what: sent exactly once after a restart',
    async (hold) => {
      const queue = `faults-child-${randomUUID()}`;
      let child = await startWorkerProcess(queue);
      const [traceerId] = sim.issue(1) as [string];
      await roundsUntil(
        async () =>
          (await db().select().from(outboxMessages).where(eq(outboxMessages.alsAntwoordOp, traceerId)))
            .length > 0,
        'the 302 in the outbox',
        { deliverLimit: 0 },
        queue,
      );
      const row = await retourRow(traceerId);

      // The simulator holds the push: the worker is in the middle of the send when it dies.
      const from = simLog.length;
      sim.misbehaviour[hold.mode] = heldMs;
      const hung = await startRound({ maxPages: 0 }, queue);
      await logged(hold.line, from);
      await kill(child);
      sim.misbehaviour[hold.mode] = 0;
      const assigned = await outboxRow(row.id);
      expect(assigned).toMatchObject({ status: 'pending', sentAt: null, traceerId: expect.any(String) });
      const assignedId = assigned.traceerId as string;
      // Let the held request finish at the simulator before the new worker starts.
      await sleep(heldMs + 300);
      expect(sim.store.has(assignedId)).toBe(hold.arrives);

      // The dead worker's attempt is retried once its heartbeats stop (heartbeat timeout 10 s): the same
      // round sends the row on the new worker, no new round needed.
      child = await startWorkerProcess(queue);
      try {
        const result = await hung.result();
        expect(result).toMatchObject({ sent: 1, deferred: 0 });
      } finally {
        await kill(child);
      }
      expect(await outboxRow(row.id)).toMatchObject({ status: 'sent', traceerId: assignedId });
      expect(await sentEvents(row.id)).toEqual([hold.sentDetail(assignedId)]);
      expect(retoursAt(traceerId).map((m) => m.traceerId)).toEqual([assignedId]);
      expect(pushes(assignedId)).toBe(1);
    },
  );

  it('PostgreSQL restarted during a poll: nothing confirmed while it is down, every message stored and confirmed once', async () => {
    const issued = sim.issue(3);
    cluster.halt();
    let halted = true;
    try {
      const round = await startRound({ deliverLimit: 0 });
      // The round fetched the page but could not store it: pollInbox fails and is retried.
      await expect
        .poll(
          async () => {
            const { raw } = await round.describe();
            return raw.pendingActivities?.[0]?.attempt ?? 0;
          },
          { timeout: 20_000, interval: 100 },
        )
        .toBeGreaterThanOrEqual(2);
      for (const id of issued) {
        expect(sim.store.get(id)?.confirmed, id).toBe(false);
        expect(confirms(id), id).toBe(0);
      }
      // ...and the simulator still offers all three.
      const offered = sim.store.ready(aanbieder, 50).map((m) => m.traceerId);
      expect(offered).toEqual(expect.arrayContaining(issued));
      cluster.resume();
      halted = false;
      const result = await round.result();
      expect(result.pollError).toBeUndefined();
      expect(result.inbox).toMatchObject({ stored: 3, confirmed: 3, duplicates: 0 });
    } finally {
      if (halted) cluster.resume();
    }
    const rows = await db().select().from(inboxMessages).where(inArray(inboxMessages.traceerId, issued));
    expect(rows.map((r) => r.traceerId).sort()).toEqual([...issued].sort());
    expect(rows.map((r) => r.status)).toEqual(['routed', 'routed', 'routed']);
    for (const id of issued) expect(confirms(id), id).toBe(1);
    // Routed for real: each assignment workflow answers with one 302, which goes out once.
    await roundsUntil(
      async () => issued.every((id) => retoursAt(id).length === 1),
      'three 302s at the gemeente',
    );
    for (const id of issued) expect(retoursAt(id)).toHaveLength(1);
  });

  it('PostgreSQL stopped halfway through a page: the message confirmed was stored, the rest wait and arrive once', async () => {
    const issued = sim.issue(3) as [string, string, string];
    // The first confirm stops PostgreSQL before the simulator even answers it (a synchronous pg_ctl in
    // the simulator's log call holds this process): the next messages of the page meet a dead database.
    let halted = false;
    onSimLog = (line) => {
      if (line.startsWith('confirmed ')) {
        onSimLog = undefined; // once
        cluster.halt();
        halted = true;
      }
    };
    try {
      // One message at a time, so "halfway through a page" is a fixed point: with 301s received side by
      // side (the default), all three may be stored before the first confirm stops the database.
      const round = await startRound({ deliverLimit: 0, receiveConcurrency: 1 });
      await expect
        .poll(async () => (await round.describe()).raw.pendingActivities?.[0]?.attempt ?? 0, {
          timeout: 20_000,
          interval: 100,
        })
        .toBeGreaterThanOrEqual(2);
      expect(halted).toBe(true);
      expect(issued.map(confirms)).toEqual([1, 0, 0]);
      cluster.resume();
      halted = false;
      const result = await round.result();
      expect(result.pollError).toBeUndefined();
      // The retried attempt sees only the two left: the confirmed one is gone from the mailbox.
      expect(result.inbox).toMatchObject({ fetched: 2, stored: 2, confirmed: 2, duplicates: 0 });
    } finally {
      onSimLog = undefined;
      if (halted) cluster.resume();
    }
    const rows = await db().select().from(inboxMessages).where(inArray(inboxMessages.traceerId, issued));
    expect(rows.map((r) => r.traceerId).sort()).toEqual([...issued].sort());
    expect(rows.map((r) => r.status)).toEqual(['routed', 'routed', 'routed']);
    expect(issued.map(confirms)).toEqual([1, 1, 1]);
  });
});

describe('a killed worker (heartbeats)', () => {
  /*
   * The poll loop's activities heartbeat with a 10 s heartbeat timeout: when the worker running an attempt
   * is SIGKILLed, the server retries it on a live worker within seconds. Without heartbeats the dead
   * attempt would hold the loop until its start-to-close timeout (5 minutes for pollInbox).
   */
  it('the worker is SIGKILLed inside pollInbox: the poll loop polls again within 30 s', async () => {
    const queue = `faults-loop-${randomUUID()}`;
    // The worker's own client timeout is longer than the hold: the attempt is in flight when it dies.
    let child = await startWorkerProcess(queue, 120_000);
    const from = simLog.length;
    sim.misbehaviour.slowMs = 90_000;
    const loop = await client.workflow.start('messagePollLoopWorkflow', {
      taskQueue: queue,
      workflowId: `faults-loop-${randomUUID()}`,
      args: [{ intervalMs: 200 }],
    });
    try {
      await logged(/^slow GET \/berichten\/rest-pull\/v1\/berichten /, from);
      await kill(child);
      const killedAt = Date.now();
      sim.misbehaviour.slowMs = 0;
      const [traceerId] = sim.issue(1) as [string];
      child = await startWorkerProcess(queue);
      await expect
        .poll(
          async () =>
            (await db().select().from(inboxMessages).where(eq(inboxMessages.traceerId, traceerId)))[0]
              ?.status,
          { timeout: 90_000, interval: 250 },
        )
        .toBe('routed');
      // The issue's bound: polling resumed within 30 s of the kill (heartbeat timeout 10 s + a retry).
      expect(Date.now() - killedAt).toBeLessThan(30_000);
      expect(confirms(traceerId)).toBe(1);
    } finally {
      sim.misbehaviour.slowMs = 0;
      await loop.terminate('test done').catch(() => undefined);
      await kill(child);
    }
  }, 150_000);
});

let bundlePath: string | undefined;

/** The workflow bundle this file's own worker runs, as a file for the worker processes. */
async function bundleFile(): Promise<string> {
  if (!bundlePath) {
    const path = join(dir, 'workflows-bundle.js');
    await writeFile(path, (await workflowBundle()).code);
    bundlePath = path;
  }
  return bundlePath;
}

/** A worker for `queue` in a child process (test/support/worker-process.ts), once it is polling. */
async function startWorkerProcess(queue: string, transportTimeoutMs = timeoutMs): Promise<ChildProcess> {
  const pair = clientPair();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../support/worker-process.ts')],
    {
      env: {
        ...process.env,
        FAULT_TASK_QUEUE: queue,
        FAULT_WORKFLOW_BUNDLE: await bundleFile(),
        FAULT_TEMPORAL_ADDRESS: env.address,
        FAULT_DATABASE_URL: cluster.url,
        FAULT_SIMULATOR_URL: sim.url,
        FAULT_TLS_CERT: pair.cert,
        FAULT_TLS_KEY: pair.key,
        FAULT_TLS_CA: pki.caCert,
        FAULT_TRANSPORT_TIMEOUT_MS: String(transportTimeoutMs),
        FAULT_PAYLOAD_KEY_ID: 'faults-2026',
        FAULT_PAYLOAD_KEY: payloadKey,
        FAULT_REF_SECRET: refSecret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('worker-ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`worker process exited (${code}): ${stderr.slice(-2000)}`)),
    );
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
