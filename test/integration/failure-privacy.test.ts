import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { codecRoutes } from '../../api/codec';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { addDays } from '../../calendar/iso-date';
import { loadProfiles } from '../../config/profiles';
import { assignmentWorkflowId, startUpdate, stateQuery } from '../../contract/assignment';
import { clientRef, createKeyring, dataConverterFor, EncryptionCodec } from '../../security';
import { createTestDatabase } from '../support/database';
import { sampleBsn, sampleGemeente, wmo301 } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';

/*
 * Issue 13: a database error must not carry the 301 into Temporal or the log. The 305's outbox write is
 * made to fail (a CHECK constraint) while its parameters hold the whole 305 XML — BSN, name, birth
 * date of a synthetic client. Then the raw history (proto bytes, not decoded) and every console line
 * of this process (the worker logs there) are searched for them: nothing. The failure still tells an
 * operator what happened once decoded with the service's key (what /codec/decode does): SQLSTATE,
 * table and constraint.
 */

const History = proto.temporal.api.history.v1.History;
const surname = 'Vanderzwaluwenhoek';
const birthDate = '1967-08-13';

const logged: string[] = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    logged.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '));
  });
}
const stderr = vi.spyOn(process.stderr, 'write');

const keyring = createKeyring([{ id: 'priv-2026', key: randomBytes(32).toString('base64') }], 'priv-2026');
const dataConverter = dataConverterFor(keyring);
const codec = new EncryptionCodec(keyring);
const pool = createCodecPool({ size: 1 });
const today = amsterdamDateOf(new Date());
const opsToken = randomBytes(16).toString('hex');
// The /codec endpoint as the API mounts it, for an operator key.
const codecEndpoint = codecRoutes(
  [
    {
      id: 'ops',
      tokenSha256: createHash('sha256').update(opsToken).digest('hex'),
      aanbieders: [],
      gemeenten: [],
    },
  ],
  { payloadCodec: codec, allowedKeyIds: ['ops'], uiOrigins: ['http://127.0.0.1:8233'] },
);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let client: Client;
let worker: Worker;
let workerRun: Promise<void>;
let inbound: ReturnType<typeof createInbound>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
  const db = testDb.handle.db;
  // The store that fails: no 305 may enter the outbox. Its parameters (the 305 XML) reach the driver.
  await db.execute(
    sql`alter table outbox_messages add constraint no_305_today check (message_type <> 'WMO305')`,
  );
  const created = await createTestWorker(env, createActivities({ db, codec: pool }), { dataConverter });
  worker = created.worker;
  workerRun = worker.run();
  client = new Client({ connection: env.connection, dataConverter });
  inbound = createInbound({
    db,
    temporal: client,
    taskQueue: created.taskQueue,
    profiles: loadProfiles(),
    clientRef: (bsn) => clientRef(bsn, randomBytes(32).toString('hex')),
    codec: pool,
  });
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await pool.close();
  await testDb?.drop();
  await env?.teardown();
  stderr.mockRestore();
});

async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a failing store with client data in its parameters', () => {
  it('leaves no BSN, name or birth date in the raw history or the log; the decoded failure names SQLSTATE and table', async () => {
    const nummer = 9301;
    const xml = wmo301('PRIV-1', [nummer], ([p]) => {
      if (!p) return;
      p.Toewijzingsdatum = today;
      p.Ingangsdatum = addDays(today, -10);
      p.Einddatum = addDays(today, 365);
    }).replace(/>Wit</g, `>${surname}<`);
    expect(xml).toContain(sampleBsn);
    expect(xml).toContain(surname);
    expect(xml).toContain(birthDate);
    const outcome = await inbound.receiveMessage({ payload: xml, transport: 'api' });
    expect(outcome.toewijzingen).toHaveLength(1);
    const workflowId = assignmentWorkflowId(sampleGemeente, nummer);
    const handle = client.workflow.getHandle(workflowId);
    await eventually(async () => (await handle.query(stateQuery)).messages.length > 1, 'the 302 written');

    await handle.executeUpdate(startUpdate, { args: [{ eventId: 'priv-start', begindatum: today }] });
    const state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      return s.io?.failing ? s : undefined;
    }, 'the I/O failing');
    // Non-retryable at once: the constraint refuses the row, retrying cannot help.
    expect(state.io).toMatchObject({
      activity: 'sendMessage',
      lastErrorType: 'DatabaseRefused',
      attempts: 1,
    });
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // The raw history, as the server stores it: proto bytes, nothing decoded.
    const raw = await client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
    });
    const bytes = Buffer.from(History.encode(raw.history as proto.temporal.api.history.v1.IHistory).finish());
    for (const secret of [sampleBsn, surname, birthDate, 'Failed query', 'params:'])
      expect(bytes.includes(secret), `${secret} in the raw history`).toBe(false);

    // Under patch local-send the write is a local activity: its failure sits in the marker it recorded.
    const failure = raw.history?.events
      ?.map((e) => e.activityTaskFailedEventAttributes?.failure ?? e.markerRecordedEventAttributes?.failure)
      .find((f) => f);
    expect(failure?.message).toBe('Encoded failure');
    expect(failure?.applicationFailureInfo).toMatchObject({ type: 'DatabaseRefused', nonRetryable: true });
    // What an operator reads through the codec endpoint (as the Temporal UI asks it): the failure's text.
    const encoded = failure?.encodedAttributes;
    if (!encoded) throw new Error('the failure has no encoded attributes');
    const metadata = Object.fromEntries(
      Object.entries(encoded.metadata ?? {}).map(([k, v]) => [k, b64(v as Uint8Array)]),
    );
    const res = await codecEndpoint.request('/decode', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opsToken}` },
      body: JSON.stringify({ payloads: [{ metadata, data: b64(encoded.data as Uint8Array) }] }),
    });
    expect(res.status).toBe(200);
    const [decoded] = ((await res.json()) as { payloads: { data: string }[] }).payloads;
    const attributes = JSON.parse(Buffer.from(decoded?.data ?? '', 'base64').toString('utf8'));
    expect(attributes.message).toBe(
      'sendMessage: database error SQLSTATE 23514 (table outbox_messages, constraint no_305_today)',
    );
    expect(attributes.stack_trace).not.toContain(sampleBsn);

    // The log of this process: console lines and raw stderr writes (the worker's logger writes there).
    const written = stderr.mock.calls.map((c) => String(c[0]));
    const everything = [...logged, ...written].join('\n');
    expect(everything).toContain('DatabaseRefused');
    for (const secret of [sampleBsn, surname, birthDate, 'Failed query'])
      expect(everything.includes(secret), `${secret} in the log`).toBe(false);
  });
});
