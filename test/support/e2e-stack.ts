import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound, type Inbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { createApi } from '../../api/app';
import { loadConfig } from '../../app/config';
import { startTransport } from '../../app/transport';
import { createWorker } from '../../app/worker';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import type { IsoDate } from '../../calendar/iso-date';
import { loadProfiles } from '../../config/profiles';
import type { MessagePollResult } from '../../contract/messaging';
import { inboxMessages, outboxMessages } from '../../db';
import { clientRef, createKeyring, dataConverterFor, EncryptionCodec } from '../../security';
import { parseScenario, type Scenario, type ScenarioInput } from '../../simulator/scenario';
import type { Simulator } from '../../simulator/server';
import type { SimMessage } from '../../simulator/store';
import { messageTypeOf } from '../../transport/berichtstroom';
import type { Transport } from '../../transport/types';
import { createTestDatabase } from './database';
import { type SimulatorStack, startSimulatorStack } from './simulator-stack';
import { createDevServerEnv, type TemporalTestEnv } from './temporal';

/*
 * The whole service in this process, as app/start.ts wires it, for the e2e suites: a Temporal server,
 * PostgreSQL (migrated), the simulator over mutual TLS as the gemeente, the worker as app/worker.ts builds
 * it (payload encryption on, the real activities and inbound path), message-poll rounds as the Schedule
 * starts them, and the HTTP API with one provider key. What the suites differ in is an option; what they
 * all ask of it (API calls, poll rounds, what the gemeente holds, inbox and outbox rows) is a method.
 */

export interface E2eStackOptions {
  /** Names the temp folder (`iwmo-<name>-`), the task queue and the poll rounds' workflow ids. */
  name: string;
  aanbieder: string;
  scenario: ScenarioInput;
  /**
   * 'app' (default): app/transport.ts starts the embedded simulator from the scenario in a file, exactly as
   * `npm start` does when TRANSPORT is unset. 'rest': test/support/simulator-stack.ts starts it and the
   * worker gets a REST client with `restOptions` (more from `rest.transport`), for a clock of our own or
   * clients with other limits.
   */
  transport?: 'app' | 'rest';
  restOptions?: { timeoutMs?: number; maxPayloadBytes?: number };
  /**
   * 'time-skipping': Temporal's test server instead of the dev server, time locked (a plain client) and
   * moved only by `skipTo`; the simulator's clock and the inbound path's "today" follow the server's.
   * Needs transport 'rest' (the embedded simulator keeps the wall clock).
   */
  temporal?: 'dev' | 'time-skipping';
  codecPoolSize?: number;
}

export interface ApiResponse {
  status: number;
  text: string;
  type: string | null;
  /** The parsed body of a JSON answer (null when empty or not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  body: any;
}

export interface E2eStack {
  env: TemporalTestEnv;
  testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  sim: Simulator;
  scenario: Scenario;
  /** The transport the worker uses. */
  transport: Transport;
  /** With transport 'rest': the simulator stack, to make more REST clients. */
  rest?: SimulatorStack;
  /** A plain client (waiting on it does not unlock time skipping), with the worker's data converter. */
  client: Client;
  inbound: Inbound;
  worker: Worker;
  taskQueue: string;
  app: ReturnType<typeof createApi>;
  /** The clock of the simulator and of the inbound path: the Temporal server's. */
  clock(): Date;
  today(): IsoDate;
  /** Server time moves on to `ms` when that is later (time skipping); the clocks follow. */
  skipTo(ms: number): Promise<void>;
  /** The API as the aanbieder's provider (bearer token), path below /v1. */
  call(path: string, init?: RequestInit): Promise<ApiResponse>;
  /** GET that must answer 200; its JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  getJson(path: string): Promise<any>;
  /** POST of JSON, answer as it comes. */
  post(path: string, body: unknown): Promise<ApiResponse>;
  /** POST of JSON that must answer 202; its JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  postAccepted(path: string, body: unknown): Promise<any>;
  /** One round, as the Schedule starts it (the Schedule itself: test/integration/message-poll.test.ts). */
  pollRound(): Promise<MessagePollResult>;
  /** Rounds until `done` holds, returns how many; fails naming `what` with the last round's counts. */
  roundsUntil(done: () => Promise<boolean>, what: string, rounds?: number): Promise<number>;
  /** What the gemeente received from us, by type. */
  pushed(type: string): SimMessage[];
  /** What the gemeente sent us, by type. */
  issuedOf(type: string): SimMessage[];
  /** Every message the gemeente sent us was confirmed. */
  allConfirmed(): boolean;
  inboxOf(type: string): Promise<(typeof inboxMessages.$inferSelect)[]>;
  outboxOf(type: string): Promise<(typeof outboxMessages.$inferSelect)[]>;
  stop(): Promise<void>;
}

const token = 'e2e-provider-token';

interface Base {
  env: TemporalTestEnv;
  testDb: E2eStack['testDb'];
  sim: Simulator;
  transport: Transport;
  rest?: SimulatorStack;
  stop(): Promise<void>;
}

export async function startE2eStack(options: E2eStackOptions): Promise<E2eStack> {
  const timeSkipping = options.temporal === 'time-skipping';
  if (timeSkipping && options.transport !== 'rest')
    throw new Error('time skipping needs transport "rest": the embedded simulator keeps the wall clock');
  /** Server time − wall time. */
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const scenario = parseScenario(options.scenario);
  const base =
    options.transport === 'rest'
      ? await startRest(options, scenario, timeSkipping ? clock : undefined)
      : await startEmbedded(options);
  try {
    if (timeSkipping) offsetMs = (await base.env.currentTimeMs()) - Date.now();
    const wired = await wire(base, options, timeSkipping ? () => amsterdamDateOf(clock()) : undefined);
    return {
      ...base,
      ...wired,
      ...helpers(base, wired, options.aanbieder, options.name),
      scenario,
      clock,
      today: () => amsterdamDateOf(clock()),
      async skipTo(ms) {
        const now = await base.env.currentTimeMs();
        if (ms > now) await base.env.sleep(ms - now);
        offsetMs = (await base.env.currentTimeMs()) - Date.now();
      },
      async stop() {
        wired.worker.shutdown();
        await wired.workerRun;
        await wired.codec.close();
        await base.stop();
      },
    };
  } catch (err) {
    await base.stop();
    throw err;
  }
}

/** The transport exactly as `npm start` makes it when TRANSPORT is unset: the embedded simulator. */
async function startEmbedded(options: E2eStackOptions): Promise<Base> {
  const dir = await mkdtemp(join(tmpdir(), `iwmo-${options.name}-`));
  const scenarioFile = join(dir, 'scenario.json');
  await writeFile(scenarioFile, JSON.stringify(options.scenario));
  const config = loadConfig({
    TRANSPORT: 'simulator',
    SIMULATOR_SCENARIO: scenarioFile,
    SIMULATOR_DIR: join(dir, 'simulator'),
    SIMULATOR_AANBIEDER: options.aanbieder,
  });
  const [env, testDb, messaging] = await Promise.all([
    createDevServerEnv(),
    createTestDatabase(),
    startTransport(config),
  ]);
  if (!messaging?.simulator) throw new Error('no embedded simulator');
  await testDb.handle.migrate();
  return {
    env,
    testDb,
    sim: messaging.simulator,
    transport: messaging.transport,
    async stop() {
      await messaging.stop();
      await testDb.drop();
      await env.teardown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startRest(options: E2eStackOptions, scenario: Scenario, now?: () => Date): Promise<Base> {
  const rest = await startSimulatorStack({
    prefix: `iwmo-${options.name}-`,
    aanbieder: options.aanbieder,
    scenario,
    ...(now ? { now } : {}),
    temporal: options.temporal ?? 'dev',
  });
  return { ...rest, rest, transport: rest.transport(options.restOptions) };
}

/** Client, inbound path, worker (running) and API on `base`, as app/start.ts wires them. */
async function wire(base: Base, options: E2eStackOptions, today?: () => IsoDate) {
  const keyring = createKeyring([{ id: 'e2e-2026', key: randomBytes(32).toString('base64') }], 'e2e-2026');
  const dataConverter = dataConverterFor(keyring);
  const refSecret = randomBytes(32).toString('hex');
  const ref = (bsn: string) => clientRef(bsn, refSecret);
  const codec = createCodecPool({ size: options.codecPoolSize ?? 2 });
  const db = base.testDb.handle.db;
  const taskQueue = `${options.name}-${randomUUID()}`;
  const client = new Client({ connection: base.env.connection, dataConverter });
  const profiles = loadProfiles();
  const inbound = createInbound({
    db,
    temporal: client,
    taskQueue,
    profiles,
    clientRef: ref,
    codec,
    ...(today ? { today } : {}),
  });
  const worker = await createWorker({
    connection: base.env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db, codec, transport: base.transport, inbound, temporal: client }),
    dataConverter,
  }).catch(async (err) => {
    await codec.close();
    throw err;
  });
  const app = createApi({
    temporal: client,
    namespace: 'default',
    taskQueue,
    database: base.testDb.handle,
    apiKeys: [
      {
        id: 'zorg-bv',
        tokenSha256: createHash('sha256').update(token).digest('hex'),
        aanbieders: [options.aanbieder],
        gemeenten: [],
      },
    ],
    messages: { db, inbound },
    requests: { clientRef: ref },
    codec: { payloadCodec: new EncryptionCodec(keyring), allowedKeyIds: [], uiOrigins: [] },
    log: () => {},
  });
  return { client, inbound, worker, workerRun: worker.run(), taskQueue, app, codec };
}

type Wired = Awaited<ReturnType<typeof wire>>;

function helpers(base: Base, wired: Wired, aanbieder: string, name: string) {
  const { sim } = base;
  const { app, client, taskQueue } = wired;
  const call = async (path: string, init: RequestInit = {}): Promise<ApiResponse> => {
    const res = await app.request(`/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
    const text = await res.text();
    const type = res.headers.get('content-type');
    const json = /^application\/(problem\+)?json/.test(type ?? '');
    return { status: res.status, text, type, body: json && text ? JSON.parse(text) : null };
  };
  const post = (path: string, body: unknown) =>
    call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const pollRound = (): Promise<MessagePollResult> =>
    client.workflow.execute('messagePollWorkflow', {
      taskQueue,
      workflowId: `${name}-poll-${randomUUID()}`,
      args: [{}],
    });
  const byType = (type: string) => sim.store.all().filter((m) => messageTypeOf(m.berichtstroom) === type);
  return {
    call,
    post,
    async getJson(path: string) {
      const res = await call(path);
      expect(res.status, `${path}: ${res.text}`).toBe(200);
      return JSON.parse(res.text);
    },
    async postAccepted(path: string, body: unknown) {
      const res = await post(path, body);
      expect(res.status, `${path}: ${res.text}`).toBe(202);
      return JSON.parse(res.text);
    },
    pollRound,
    async roundsUntil(done: () => Promise<boolean>, what: string, rounds = 40) {
      let last: MessagePollResult | undefined;
      for (let i = 1; i <= rounds; i++) {
        last = await pollRound();
        if (await done()) return i;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`not reached after ${rounds} rounds: ${what} (last round ${JSON.stringify(last)})`);
    },
    pushed: (type: string) => byType(type).filter((m) => m.afzender.code === aanbieder),
    issuedOf: (type: string) => byType(type).filter((m) => m.mailbox === aanbieder),
    allConfirmed: () => sim.store.all().every((m) => m.mailbox !== aanbieder || m.confirmed),
    inboxOf: (type: string) =>
      base.testDb.handle.db.select().from(inboxMessages).where(eq(inboxMessages.messageType, type)),
    outboxOf: (type: string) =>
      base.testDb.handle.db.select().from(outboxMessages).where(eq(outboxMessages.messageType, type)),
  };
}
