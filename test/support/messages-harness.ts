import { createHash, createHmac } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { createInbound } from '../../activities/inbound';
import { createMessageActivities } from '../../activities/messages';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { createApi } from '../../api/app';
import { loadProfiles } from '../../config/profiles';
import { type DatabaseHandle, inboxMessages, outboxMessages } from '../../db';
import { createTestDatabase } from './database';
import { sampleAanbieder, sampleBsn, sampleGemeente, wmo301 } from './messages';
import { createDevServerEnv, type TemporalTestEnv } from './temporal';

/*
 * Messages in and out on real parts, shared by test/integration/messages-*.test.ts: the Temporal dev
 * server (no worker: a started assignment workflow just waits, its history shows the signals),
 * PostgreSQL, the codec's worker threads and the HTTP API. Each test file calls useMessagesHarness() once
 * at its top: its own servers and database (started in its beforeAll, gone in its afterAll) and its own
 * console capture, which its last test checks with expectNoBsnLeaked.
 */

const tokens = { aanbieder: 'token-aanbieder', gemeente: 'token-gemeente', other: 'token-other' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const today = '2026-11-20';
const clientRef = (bsn: string) =>
  `c-${createHmac('sha256', 'test-secret').update(bsn).digest('hex').slice(0, 20)}`;
const taskQueue = 'messages-test';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
type Answer = { status: number; type: string | null; body: any };

export function useMessagesHarness() {
  // Fresh per file: a test may add a code to a key for a while.
  const apiKeys = [
    { id: 'zorg-bv', tokenSha256: sha(tokens.aanbieder), aanbieders: [sampleAanbieder], gemeenten: [] },
    { id: 'gemeente', tokenSha256: sha(tokens.gemeente), aanbieders: [], gemeenten: [sampleGemeente] },
    { id: 'other', tokenSha256: sha(tokens.other), aanbieders: ['11112222'], gemeenten: ['1916'] },
  ];

  // Every console line of the file is kept, so its last test can prove no BSN was logged.
  const logged: string[] = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' '));
    });
  }
  // Every problem body the API answered and every failure an activity refused with, for the same check.
  const answered: string[] = [];

  let started: { env: TemporalTestEnv; testDb: Awaited<ReturnType<typeof createTestDatabase>> } | undefined;
  const running = () => {
    if (!started) throw new Error('the messages harness starts in beforeAll');
    return started;
  };
  // Views that read the servers once started, so tests keep writing `env.client` and `testDb.handle`.
  const env = {
    get client(): Client {
      return running().env.client;
    },
  };
  const testDb = {
    get handle(): DatabaseHandle {
      return running().testDb.handle;
    },
  };
  const pool = createCodecPool({ size: 2 });

  beforeAll(async () => {
    const [temporal, database] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
    started = { env: temporal, testDb: database };
    await database.handle.migrate();
  });

  afterAll(async () => {
    await pool.close();
    await started?.testDb.drop();
    await started?.env.teardown();
  });

  const db = () => testDb.handle.db;
  const inbound = () =>
    createInbound({
      db: db(),
      temporal: env.client,
      taskQueue,
      profiles: loadProfiles(),
      clientRef,
      codec: pool,
      today: () => today,
    });
  const activities = () => createMessageActivities({ db: db(), codec: pool });

  function api() {
    return createApi({
      temporal: env.client,
      namespace: 'default',
      taskQueue,
      database: testDb.handle,
      apiKeys,
      messages: { db: db(), inbound: inbound() },
    });
  }

  async function postBody(
    body: string | Uint8Array,
    token: string,
    contentType = 'application/xml',
  ): Promise<Answer> {
    const res = await api().request('/v1/messages', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });
    const text = await res.text();
    answered.push(text);
    return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(text) };
  }

  const post = (xml: string, token = tokens.aanbieder, contentType = 'application/xml') =>
    postBody(xml, token, contentType);

  /** Bytes as they are, for payloads that are not UTF-8 text. */
  const postBytes = (bytes: Uint8Array, token = tokens.aanbieder) => postBody(bytes, token);

  async function get(path: string, token = tokens.aanbieder) {
    return api().request(`/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  }

  async function inboxRow(id: string) {
    const [row] = await db().select().from(inboxMessages).where(eq(inboxMessages.id, id));
    if (!row) throw new Error(`no inbox row ${id}`);
    return row;
  }

  async function outboxRows(key: string) {
    return db().select().from(outboxMessages).where(eq(outboxMessages.idempotencyKey, key));
  }

  const fetchHistory = (workflowId: string) => env.client.workflow.getHandle(workflowId).fetchHistory();

  /** History as text, payloads decoded (JSON converter), to search for what must not be there. */
  async function historyText(workflowId: string): Promise<string> {
    const history = await fetchHistory(workflowId);
    return JSON.stringify(history, (_k, v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
  }

  async function signals(workflowId: string, name: string): Promise<unknown[]> {
    const history = await fetchHistory(workflowId);
    return (history.events ?? [])
      .map((e) => e.workflowExecutionSignaledEventAttributes)
      .filter((a) => a?.signalName === name)
      .map((a) => JSON.parse(Buffer.from(a?.input?.payloads?.[0]?.data ?? []).toString('utf8')));
  }

  async function startInput(workflowId: string): Promise<unknown> {
    const history = await fetchHistory(workflowId);
    const first = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    return JSON.parse(Buffer.from(first?.input?.payloads?.[0]?.data ?? []).toString('utf8'));
  }

  /** A 301 received through the inbound path; its inbox id, for sendMessage. */
  async function received301(identificatie: string, nummers: number[]): Promise<string> {
    const outcome = await inbound().receiveMessage({
      payload: wmo301(identificatie, nummers),
      transport: 'test',
    });
    expect(outcome.status).toBe('routed');
    return outcome.messageId;
  }

  /** The ApplicationFailure a promise rejects with; its message joins the privacy check. */
  async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof ApplicationFailure))
      throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
    answered.push(err.message);
    return err;
  }

  /**
   * The file's privacy check, for its last test: no BSN in any line it logged, any problem body or
   * refusal it was answered, or any finding or outcome stored in its database. `minAnswers` proves the
   * check saw the file's answers (and so was not run on an empty list).
   */
  async function expectNoBsnLeaked(minAnswers: number) {
    const findings = await db().select({ f: inboxMessages.findings }).from(inboxMessages);
    const outcomes = await db().select({ o: inboxMessages.outcome }).from(inboxMessages);
    for (const text of [...logged, ...answered, JSON.stringify(findings), JSON.stringify(outcomes)]) {
      expect(text).not.toContain(sampleBsn);
    }
    expect(answered.length).toBeGreaterThanOrEqual(minAnswers);
  }

  const fixtures = { tokens, apiKeys, today, clientRef, taskQueue };
  const parts = { env, testDb, pool, db, inbound, activities, api };
  const http = { post, postBytes, get };
  const reads = { inboxRow, outboxRows, historyText, signals, startInput };
  return { ...fixtures, ...parts, ...http, ...reads, received301, refusal, expectNoBsnLeaked };
}
