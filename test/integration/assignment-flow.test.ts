import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import type { WebhookEndpoint } from '../../activities/webhook';
import { createApi } from '../../api/app';
import { temporalCliPath } from '../../app/temporal-binaries';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { addDays } from '../../calendar/iso-date';
import { loadProfiles } from '../../config/profiles';
import { assignmentWorkflowId, retour302Key } from '../../contract/assignment';
import { escalations, outboxMessages } from '../../db';
import { buildRetour, decode, encode } from '../../iwmo';
import { clientRef, createKeyring, dataConverterFor } from '../../security';
import { createDropFolderTransport } from '../../transport/drop-folder';
import { createTestDatabase } from '../support/database';
import { decodeAs, sampleAanbieder, sampleBsn, sampleGemeente, wmo301 } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { type Receiver, startReceiver } from '../support/webhook-receiver';
import { createTestWorker } from '../support/worker';

/*
 * Issue 8 end to end on real parts: the Temporal dev server, PostgreSQL, a worker with the real
 * activities, payload encryption on client and worker, a local webhook receiver and the HTTP API.
 * A provider system and a gemeente drive one assignment through 301 → 302 → 305 → 306 → 307 → 308
 * over HTTP; a refused event keeps the workflow running; a deadline missed at start is escalated once,
 * delivered signed, listed as overdue and found by operators with `temporal workflow list`.
 * The dev server has no time skipping, so the missed deadline is made by dating the 301 weeks back.
 */

const execFileAsync = promisify(execFile);
const History = proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const tokens = { provider: 'flow-provider', gemeente: 'flow-gemeente', other: 'flow-other' };
const apiKeys = [
  { id: 'zorg-bv', tokenSha256: sha(tokens.provider), aanbieders: [sampleAanbieder], gemeenten: [] },
  { id: 'gemeente-0384', tokenSha256: sha(tokens.gemeente), aanbieders: [], gemeenten: [sampleGemeente] },
  { id: 'other', tokenSha256: sha(tokens.other), aanbieders: ['11112222'], gemeenten: ['1916'] },
];
type Token = keyof typeof tokens;

const keyring = createKeyring([{ id: 'flow-2026', key: randomBytes(32).toString('base64') }], 'flow-2026');
const dataConverter = dataConverterFor(keyring);
const refSecret = randomBytes(32).toString('hex');
const secrets = {
  gemeente: `whsec_${randomBytes(32).toString('base64')}`,
  aanbieder: `whsec_${randomBytes(32).toString('base64')}`,
};

// Every console line and every answer body, so the privacy test can prove no BSN left this process.
const logged: string[] = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(' '));
  });
}
const answered: string[] = [];

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let receiver: Receiver;
let client: Client;
let worker: Worker;
let workerRun: Promise<void>;
let app: ReturnType<typeof createApi>;
let activities: ReturnType<typeof createActivities>;
let dropRoot: string;
const pool = createCodecPool({ size: 2 });
const today = amsterdamDateOf(new Date());
/** What the inbound path takes for "today" (ontvangen, the 301's checks); a test may move it back. */
let inboundToday = today;

beforeAll(async () => {
  [env, testDb, receiver] = await Promise.all([createDevServerEnv(), createTestDatabase(), startReceiver()]);
  await testDb.handle.migrate();
  const db = testDb.handle.db;
  const webhooks: WebhookEndpoint[] = [
    {
      party: 'gemeente',
      code: sampleGemeente,
      url: receiver.url('/hooks/gemeente'),
      secret: secrets.gemeente,
    },
    {
      party: 'aanbieder',
      code: sampleAanbieder,
      url: receiver.url('/hooks/aanbieder'),
      secret: secrets.aanbieder,
    },
  ];
  const links = { apiUrl: 'https://iwmo.example.nl', temporalUiUrl: 'http://ui.test', namespace: 'default' };
  client = new Client({ connection: env.connection, dataConverter });
  // The 305/307 go out through a drop folder; the test plays the poller's sender (deliver, below), which
  // signals each workflow that its message was delivered: the deadlines count from then.
  dropRoot = await mkdtemp(join(tmpdir(), 'iwmo-flow-drop-'));
  const transport = createDropFolderTransport({ root: dropRoot });
  activities = createActivities({ db, codec: pool, webhooks, links, transport, temporal: client });
  const created = await createTestWorker(env, activities, { dataConverter });
  worker = created.worker;
  workerRun = worker.run();
  const inbound = createInbound({
    db,
    temporal: client,
    taskQueue: created.taskQueue,
    profiles: loadProfiles(),
    clientRef: (bsn) => clientRef(bsn, refSecret),
    codec: pool,
    today: () => inboundToday,
  });
  app = createApi({
    temporal: client,
    namespace: 'default',
    taskQueue: created.taskQueue,
    database: testDb.handle,
    apiKeys,
    messages: { db, inbound },
    log: (line) => logged.push(line),
  });
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await pool.close();
  await receiver?.close();
  await testDb?.drop();
  await env?.teardown();
  if (dropRoot) await rm(dropRoot, { recursive: true, force: true });
});

// ---- HTTP helpers ----

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
type Answer = { status: number; type: string | null; body: any; text: string };

async function call(path: string, token: Token, init: RequestInit = {}): Promise<Answer> {
  const res = await app.request(`/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${tokens[token]}`, ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  answered.push(text);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: text ? JSON.parse(text) : null,
    text,
  };
}

const get = (path: string, token: Token = 'provider') => call(path, token);
const postJson = (path: string, body: unknown, token: Token = 'provider') =>
  call(path, token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const postXml = (xml: string, token: Token) =>
  call('/messages', token, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });

/** Polls `probe` until it gives a value (not undefined/false); real time, for a real worker. */
async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- messages ----

let serial = 0;
/** A valid 301 for one toewijzing, dated `dag`, that runs from `ingangsdatum` for a year. */
function toewijzing(nummer: number, dag: string, ingangsdatum: string): string {
  serial++;
  return wmo301(
    `FLOW-${serial}`,
    [nummer],
    ([p]) => {
      if (!p) return;
      p.Toewijzingsdatum = dag;
      p.Toewijzingstijd = '09:00:00';
      p.Ingangsdatum = ingangsdatum;
      p.Einddatum = addDays(today, 365);
    },
    { dagtekening: dag },
  );
}

/** POSTs a 301 through the API and returns the workflow id it started. */
async function assign(nummer: number, dag = today, ingangsdatum = addDays(today, -30)): Promise<string> {
  const res = await postXml(toewijzing(nummer, dag, ingangsdatum), 'provider');
  expect(res.status, res.text).toBe(202);
  const workflowId = assignmentWorkflowId(sampleGemeente, nummer);
  expect(res.body.toewijzingen).toEqual([{ toewijzingNummer: nummer, workflowId, result: 'signalled' }]);
  return workflowId;
}

async function outbox(workflowId: string, type: string) {
  return testDb.handle.db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.workflowId, workflowId), eq(outboxMessages.messageType, type)));
}

/** The message once written, after the sender delivered it (as the poller does): its terms start then. */
async function sentXml(workflowId: string, type: 'WMO305' | 'WMO307'): Promise<string> {
  const [row] = await eventually(async () => {
    const rows = await outbox(workflowId, type);
    return rows.length > 0 && rows;
  }, `${type} in the outbox`);
  if (row?.status === 'pending') await activities.deliverMessage({ outboxId: row.id });
  return row?.payload ?? '';
}

/** The gemeente's 306/308 on a 305/307 we sent, approved (no findings), as the standard builds it. */
function retourOn(heenXml: string, type: 'WMO305' | 'WMO307', identificatie: string): string {
  const built = buildRetour(decodeAs(heenXml, type), [], { identificatie, dagtekening: today });
  if (!built.ok) throw new Error(built.reason);
  const out = encode(built.retour, { rules: 'report' });
  if (!out.ok) throw new Error('retour does not encode');
  return out.xml;
}

const path = (nummer: number, event = '') => `/assignments/${sampleGemeente}/${nummer}${event}`;

async function stateOf(nummer: number, token: Token = 'provider') {
  const res = await get(path(nummer), token);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

// ---- the lifecycle ----

describe('one assignment through the HTTP API', () => {
  it('301 → 302 → start → 305 → 306 → stop → 307 → 308, state and read model follow', async () => {
    const nummer = 8101;
    const workflowId = await assign(nummer);

    // The 302 on a valid 301: approved, header only.
    const r302 = await eventually(async () => {
      const rows = await outbox(workflowId, 'WMO302');
      return rows[0];
    }, '302 in the outbox');
    expect(r302.idempotencyKey).toMatch(/^retour:/);
    const retour302 = decodeAs(r302.payload, 'WMO302').bericht;
    expect(Object.keys(retour302)).toEqual(['Header']);
    expect(retour302.Header).not.toHaveProperty('RetourCodes');

    // Start of care → 202 with what it made owed; the same event again is the same answer, one 305.
    const startEvent = { eventId: 'flow-start-1', begindatum: today };
    const started = await postJson(path(nummer, '/start'), startEvent);
    expect(started.status, started.text).toBe(202);
    expect(started.body).toEqual({
      eventId: 'flow-start-1',
      accepted: true,
      messages: ['305'],
      lateWorkingDays: 0,
    });
    const xml305 = await sentXml(workflowId, 'WMO305');
    const again = await postJson(path(nummer, '/start'), startEvent);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(started.body);
    const decoded305 = decode(xml305);
    expect(decoded305.ok && decoded305.value.findings).toEqual([]);
    expect(decodeAs(xml305, 'WMO305').bericht.Client.Bsn).toBe(sampleBsn);

    // The gemeente answers with a 306 through POST /v1/messages: the start is approved.
    const r306 = await postXml(retourOn(xml305, 'WMO305', `G306-${nummer}`), 'gemeente');
    expect(r306.status, r306.text).toBe(202);
    expect(r306.body.retour).toMatchObject({ workflowId, heenType: 'WMO305' });
    const approvedStart = await eventually(async () => {
      const s = await stateOf(nummer);
      return s.deliveries[0]?.start.status === 'approved' && s;
    }, 'start approved');
    expect(approvedStart.status).toBe('in-zorg');
    expect(approvedStart.deadlines).toContainEqual(
      expect.objectContaining({ action: 'verstuur-306', status: 'met', owner: 'gemeente' }),
    );
    expect(await outbox(workflowId, 'WMO305')).toHaveLength(1);

    // Stop of care → 307 → 308.
    const stopped = await postJson(path(nummer, '/stop'), {
      eventId: 'flow-stop-1',
      einddatum: today,
      redenBeeindiging: '19',
    });
    expect(stopped.status, stopped.text).toBe(202);
    expect(stopped.body).toMatchObject({ accepted: true, messages: ['307'] });
    const xml307 = await sentXml(workflowId, 'WMO307');
    const decoded307 = decode(xml307);
    expect(decoded307.ok && decoded307.value.findings).toEqual([]);
    const r308 = await postXml(retourOn(xml307, 'WMO307', `G308-${nummer}`), 'gemeente');
    expect(r308.status, r308.text).toBe(202);

    const final = await eventually(async () => {
      const s = await stateOf(nummer, 'gemeente');
      return s.deliveries[0]?.stop?.status === 'approved' && s;
    }, 'stop approved');
    expect(final).toMatchObject({ workflowId, status: 'gestopt', overdue: false, escalations: [] });
    expect(final.deliveries).toEqual([
      expect.objectContaining({ begindatum: today, einddatum: today, redenBeeindiging: '19' }),
    ]);
    expect(final.deadlines.filter((d: { status: string }) => d.status === 'open')).toEqual([]);
    expect(
      final.messages.map((m: { direction: string; type: string }) => `${m.direction}:${m.type}`),
    ).toEqual(['in:WMO301', 'out:WMO302', 'out:WMO305', 'in:WMO306', 'out:WMO307', 'in:WMO308']);

    // The read model (written by the workflow's activity) shows the same, for both parties' lists.
    for (const token of ['provider', 'gemeente'] as const) {
      const row = await eventually(async () => {
        const list = await get(`/assignments?gemeente=${sampleGemeente}&status=gestopt`, token);
        expect(list.status, list.text).toBe(200);
        // The read model follows the workflow (an activity after each change): wait for the row that
        // shows the 308, not an earlier one that still had the 307 in flight.
        const found = list.body.items.find((i: { workflowId: string }) => i.workflowId === workflowId);
        return found?.openDeadlines?.length === 0 && found;
      }, 'read model row');
      expect(row).toMatchObject({
        gemeente: sampleGemeente,
        aanbieder: sampleAanbieder,
        toewijzingNummer: nummer,
        status: 'gestopt',
        overdue: false,
        nextDeadline: null,
        openDeadlines: [],
        profile: 'iwmo-3.2',
      });
    }
    // Care stopped, every message answered: the workflow only waits for this month's claims now.
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
  });
});

describe('refused events', () => {
  it('a start outside the toewijzing: 422 naming TR019 with its retour code; the workflow keeps running', async () => {
    const nummer = 8201;
    const workflowId = await assign(nummer, today, addDays(today, -10));
    const res = await postJson(path(nummer, '/start'), { eventId: 'early', begindatum: addDays(today, -20) });
    expect(res.status).toBe(422);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'urn:iwmo-flow:problem:rule',
      status: 422,
      rule: 'TR019',
      detail: expect.stringMatching(/^TR019: /),
      findings: [{ rule: 'TR019', retourCode: '9019', path: 'body', message: expect.any(String) }],
    });
    const handle = client.workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await stateOf(nummer)).deliveries).toEqual([]);
    expect(await outbox(workflowId, 'WMO305')).toEqual([]);

    // The corrected start goes through; a second one conflicts with it: 409 TR326.
    const ok = await postJson(path(nummer, '/start'), { eventId: 'right', begindatum: addDays(today, -5) });
    expect(ok.status, ok.text).toBe(202);
    const twice = await postJson(path(nummer, '/start'), {
      eventId: 'second',
      begindatum: addDays(today, -4),
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ rule: 'TR326', findings: [{ rule: 'TR326', retourCode: '9326' }] });

    // Rules on the event itself are 422 whatever the state; a schema break never reaches the workflow.
    const reden = await postJson(path(nummer, '/stop'), {
      eventId: 's',
      einddatum: today,
      redenBeeindiging: '99',
    });
    expect(reden).toMatchObject({ status: 422, body: { rule: 'RedenBeeindiging' } });
    const status2 = await postJson(path(nummer, '/corrections'), {
      eventId: 'c',
      target: 'start',
      statusAanlevering: '2',
      begindatum: addDays(today, -5),
    });
    expect(status2).toMatchObject({ status: 422, body: { rule: 'CS058' } });
    const schema = await postJson(path(nummer, '/start'), { begindatum: today, bsn: sampleBsn });
    expect(schema.status).toBe(422);
    expect(schema.body.type).toBe('urn:iwmo-flow:problem:validation');
    expect(schema.body.findings.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['body.eventId']),
    );
    const wrongType = await call(path(nummer, '/start'), 'provider', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await stateOf(nummer)).deliveries).toHaveLength(1);
  });

  it('an unknown assignment is 404; an ended one is 409 and accepts nothing', async () => {
    const missing = await postJson(path(8299, '/start'), { eventId: 'x', begindatum: today });
    expect(missing).toMatchObject({ status: 404, type: 'application/problem+json' });
    expect((await get(path(8299))).status).toBe(404);

    const nummer = 8202;
    const workflowId = await assign(nummer);
    const handle = client.workflow.getHandle(workflowId);
    await eventually(async () => (await outbox(workflowId, 'WMO302')).length > 0, '302');
    await handle.terminate('test: ended');
    const ended = await postJson(path(nummer, '/start'), { eventId: 'late', begindatum: today });
    expect(ended.status).toBe(409);
    expect(ended.body).toMatchObject({
      rule: 'ASSIGNMENT-CLOSED',
      detail: expect.stringContaining('TERMINATED'),
    });
  });
});

// ---- a deadline missed ----

describe('a missed deadline', () => {
  const nummer = 8301;
  const workflowId = assignmentWorkflowId(sampleGemeente, nummer);
  const received = addDays(today, -28);

  it('is escalated once, delivered as a signed webhook, and listed as overdue', async () => {
    // The 301 arrived four weeks ago and care was due to start then: the 305 (OP271, 5 wd) is late.
    inboundToday = received;
    try {
      await assign(nummer, received, received);
    } finally {
      inboundToday = today;
    }

    const [row] = await eventually(async () => {
      const rows = await testDb.handle.db
        .select()
        .from(escalations)
        .where(eq(escalations.workflowId, workflowId));
      return rows.length > 0 && rows[0]?.status === 'delivered' && rows;
    }, 'the escalation delivered');
    expect(row).toMatchObject({
      action: 'verstuur-305',
      rule: 'OP271',
      owner: 'aanbieder',
      gemeente: sampleGemeente,
    });
    expect(row?.lateWorkingDays).toBeGreaterThan(5);

    // Per the iwmo-3.2 profile a late 305 goes to the provider and the gemeente, each signed with its secret.
    for (const party of ['aanbieder', 'gemeente'] as const) {
      const [got, ...more] = receiver.on(`/hooks/${party}`);
      expect(more).toEqual([]);
      if (!got) throw new Error(`no webhook for ${party}`);
      const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
      const payload = new Webhook(secrets[party]).verify(got.body, headers) as {
        data: { escalationId: string; assignment: unknown; deadline: unknown; links: { assignment: string } };
      };
      expect(payload.data).toMatchObject({
        escalationId: row?.id,
        assignment: {
          workflowId,
          gemeente: sampleGemeente,
          aanbieder: sampleAanbieder,
          toewijzingNummer: nummer,
        },
        deadline: { action: 'verstuur-305', rule: 'OP271', owner: 'aanbieder' },
        links: { assignment: `https://iwmo.example.nl/v1${path(nummer)}` },
      });
      expect(got.body).not.toContain(sampleBsn);
      // A receiver detects a changed body and a signature made with another secret.
      const tampered = got.body.replace(/"lateWorkingDays":\d+/, '"lateWorkingDays":0');
      expect(tampered).not.toBe(got.body);
      expect(() => new Webhook(secrets[party]).verify(tampered, headers)).toThrow(WebhookVerificationError);
      const other = party === 'gemeente' ? secrets.aanbieder : secrets.gemeente;
      expect(() => new Webhook(other).verify(got.body, headers)).toThrow(WebhookVerificationError);
    }

    // GET /v1/deadlines?overdue=true lists it, for either party, from the read model.
    for (const token of ['provider', 'gemeente'] as const) {
      const listed = await eventually(async () => {
        const res = await get('/deadlines?overdue=true', token);
        expect(res.status, res.text).toBe(200);
        return res.body.items.find(
          (d: { workflowId: string; escalated: boolean }) => d.workflowId === workflowId && d.escalated,
        );
      }, 'overdue deadline listed');
      expect(listed).toMatchObject({
        gemeente: sampleGemeente,
        aanbieder: sampleAanbieder,
        toewijzingNummer: nummer,
        action: 'verstuur-305',
        owner: 'aanbieder',
        rule: 'OP271',
        overdue: true,
        deadlineId: expect.stringMatching(/^verstuur-305#/),
      });
      expect(listed.due < today).toBe(true);
    }
    const onTime = await get('/deadlines?overdue=false');
    expect(onTime.body.items.map((d: { workflowId: string }) => d.workflowId)).not.toContain(workflowId);
    const overdueList = await get('/assignments?overdue=true');
    expect(overdueList.body.items).toEqual([expect.objectContaining({ workflowId, overdue: true })]);
    const notOverdue = await get('/assignments?overdue=false');
    expect(notOverdue.body.items.map((i: { workflowId: string }) => i.workflowId)).not.toContain(workflowId);

    const state = await stateOf(nummer);
    expect(state.overdue).toBe(true);
    expect(state.escalations).toEqual([expect.objectContaining({ rule: 'OP271', owner: 'aanbieder' })]);
    // Still exactly one escalation: the workflow keeps waiting, it never escalates the same deadline twice.
    expect(
      await testDb.handle.db.select().from(escalations).where(eq(escalations.workflowId, workflowId)),
    ).toHaveLength(1);
  });

  it('operators find it with `temporal workflow list --query "WmoOverdue = true"`', async () => {
    const list = async () => {
      const { stdout } = await execFileAsync(temporalCliPath(), [
        'workflow',
        'list',
        '--address',
        env.address,
        '--query',
        'WmoOverdue = true',
        '--output',
        'jsonl',
      ]);
      return stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => (JSON.parse(l) as { execution: { workflowId: string } }).execution.workflowId);
    };
    // Visibility lags behind the workflow: poll.
    const ids = await eventually(async () => {
      const found = await list();
      return found.includes(workflowId) && found;
    }, 'the overdue workflow in visibility');
    // Only the overdue one: the assignment that went through on time is not in the answer.
    expect(ids).not.toContain(assignmentWorkflowId(sampleGemeente, 8101));
  });

  it('the late start is still accepted, marked late, and the deadline leaves the overdue list', async () => {
    const res = await postJson(path(nummer, '/start'), {
      eventId: 'late-start',
      begindatum: addDays(received, 1),
    });
    expect(res.status, res.text).toBe(202);
    expect(res.body.lateWorkingDays).toBeGreaterThan(5);
    await sentXml(workflowId, 'WMO305');
    await eventually(async () => {
      const res = await get('/deadlines?overdue=true');
      return !res.body.items.some((d: { workflowId: string }) => d.workflowId === workflowId);
    }, 'the 305 deadline closed');
    const met = (await stateOf(nummer)).deadlines.find(
      (d: { action: string }) => d.action === 'verstuur-305',
    );
    expect(met).toMatchObject({ status: 'met', escalated: true, lateWorkingDays: expect.any(Number) });
    // The escalation is resolved: one row, now 'resolved', and each recipient hears so by the same
    // signed webhook, under its own webhook-id.
    const [resolvedRow] = await eventually(async () => {
      const rows = await testDb.handle.db
        .select()
        .from(escalations)
        .where(eq(escalations.workflowId, workflowId));
      return rows[0]?.status === 'resolved' && rows.length === 1 && rows;
    }, 'the escalation resolved');
    for (const party of ['aanbieder', 'gemeente'] as const) {
      const notice = await eventually(
        async () => receiver.on(`/hooks/${party}`).find((r) => r.body.includes('escalation.resolved')),
        `resolved webhook for ${party}`,
      );
      const headers = Object.fromEntries(Object.entries(notice.headers).map(([k, v]) => [k, String(v)]));
      expect(headers['webhook-id']).toBe(`${resolvedRow?.id}:resolved`);
      const payload = new Webhook(secrets[party]).verify(notice.body, headers) as {
        type: string;
        data: { escalationId: string; deadline: unknown; resolution: { metOn: string } };
      };
      expect(payload).toMatchObject({
        type: 'escalation.resolved',
        data: {
          escalationId: resolvedRow?.id,
          deadline: { action: 'verstuur-305', rule: 'OP271', owner: 'aanbieder' },
          resolution: { metOn: met.closedOn },
        },
      });
      expect(notice.body).not.toContain(sampleBsn);
    }
  });
});

// ---- tenants ----

describe('two tenants', () => {
  it('the other tenant gets 404 on every assignment route and empty lists — never data', async () => {
    const nummer = 8401;
    const workflowId = await assign(nummer);
    await eventually(async () => {
      const res = await get(`/assignments?gemeente=${sampleGemeente}`);
      return res.body.items.some((i: { workflowId: string }) => i.workflowId === workflowId);
    }, 'read model row');
    const absent = await get(path(8499), 'other');
    expect(absent.status).toBe(404);

    const calls = [
      get(path(nummer), 'other'),
      postJson(path(nummer, '/start'), { eventId: 'intruder', begindatum: today }, 'other'),
      postJson(
        path(nummer, '/stop'),
        { eventId: 'intruder-2', einddatum: today, redenBeeindiging: '19' },
        'other',
      ),
      postJson(
        path(nummer, '/corrections'),
        { eventId: 'intruder-3', target: 'start', statusAanlevering: '3', begindatum: today },
        'other',
      ),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      // The same answer as for an assignment that does not exist: nothing confirms it is there.
      expect(res.body.detail).toBe(absent.body.detail);
      expect(res.text).not.toContain(workflowId);
    }
    for (const list of [
      '/assignments',
      `/assignments?gemeente=${sampleGemeente}`,
      `/assignments?aanbieder=${sampleAanbieder}`,
      '/deadlines',
      '/deadlines?overdue=true',
      `/deadlines?gemeente=${sampleGemeente}`,
    ]) {
      const res = await get(list, 'other');
      expect(res.status, list).toBe(200);
      expect(res.body, list).toEqual({ items: [], nextCursor: null });
    }
    // The intruder's start never reached the workflow.
    const state = await stateOf(nummer, 'gemeente');
    expect(state.deliveries).toEqual([]);
    expect(await outbox(workflowId, 'WMO305')).toEqual([]);
  });
});

// ---- lists ----

describe('lists', () => {
  it('page with a cursor, filter on status, and refuse a cursor they did not hand out', async () => {
    const all = await get(`/assignments?gemeente=${sampleGemeente}&limit=100`);
    expect(all.body.items.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await get(`/assignments?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i: { workflowId: string }) => i.workflowId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((i: { workflowId: string }) => i.workflowId));
    const byStatus = await get('/assignments?status=in-zorg');
    expect(byStatus.body.items.every((i: { status: string }) => i.status === 'in-zorg')).toBe(true);
    expect((await get('/assignments?cursor=bm9wZQ')).status).toBe(422);
    expect((await get('/assignments?status=unknown')).status).toBe(422);
    expect((await get('/deadlines?overdue=yes')).status).toBe(422);
  });

  it('describe themselves in /openapi.json with their problem statuses', async () => {
    const res = await app.request('/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, Record<string, { responses: object }>> };
    for (const event of ['start', 'stop', 'corrections']) {
      const op = doc.paths[`/v1/assignments/{gemeente}/{nummer}/${event}`]?.post;
      expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['202', '404', '409', '422']));
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/assignments', '/v1/assignments/{gemeente}/{nummer}', '/v1/deadlines']),
    );
  });
});

// ---- privacy ----

describe('privacy', () => {
  it('the raw history holds no BSN and no plaintext payload; no answer or log line holds the BSN', async () => {
    const workflowId = assignmentWorkflowId(sampleGemeente, 8101);
    const raw = await env.connection.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
    });
    const bytes = Buffer.from(History.encode(raw).finish());
    expect(bytes.includes(sampleBsn)).toBe(false);
    // Control: the 301's inbox id travels in the toewijzing signal and the 302 key; the codec hides it.
    const [heen] = await testDb.handle.db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.workflowId, workflowId), eq(outboxMessages.messageType, 'WMO302')));
    const inboxId = heen?.idempotencyKey.replace(/^retour:/, '') ?? '';
    expect(heen?.idempotencyKey).toBe(retour302Key(inboxId));
    expect(inboxId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bytes.includes(inboxId)).toBe(false);
    expect(bytes.includes('binary/encrypted')).toBe(true);
    // …while the workflow does hold it (the query decodes with the keyring): the check above can fail.
    const state = await stateOf(8101);
    expect(state.toewijzing.messageId).toBe(inboxId);

    expect(answered.length).toBeGreaterThan(30);
    for (const text of [...answered, ...logged]) expect(text).not.toContain(sampleBsn);
  });
});
