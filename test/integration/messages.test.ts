import { createHash, createHmac } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInbound } from '../../activities/inbound';
import { createMessageActivities, messageRefusedType } from '../../activities/messages';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { createClaimKeeper, staleClaimMs, storeInbound } from '../../activities/messaging/inbox';
import { createApi } from '../../api/app';
import { messageRoutes } from '../../api/messages';
import { wmo323WithLines } from '../../bench/documents';
import { loadProfiles } from '../../config/profiles';
import type { SendMessageInput } from '../../contract/assignment';
import { assignmentWorkflowId, assignmentWorkflowType, retour302Key } from '../../contract/assignment';
import { inboxMessages, outboxMessages } from '../../db';
import { buildRetour, decode, encode, type Finding } from '../../iwmo';
import { createTestDatabase } from '../support/database';
import {
  decodeAs,
  sampleAanbieder,
  sampleBsn,
  sampleGemeente,
  sampleXml,
  wmo301,
  xsdPath,
} from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { validateWithXsd } from '../support/xmllint';

/*
 * Messages in and out on real parts: the Temporal dev server (no worker: a started assignment workflow
 * just waits, its history shows the signals), PostgreSQL, the codec's worker threads and the HTTP API.
 */

const tokens = { aanbieder: 'token-aanbieder', gemeente: 'token-gemeente', other: 'token-other' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const apiKeys = [
  { id: 'zorg-bv', tokenSha256: sha(tokens.aanbieder), aanbieders: [sampleAanbieder], gemeenten: [] },
  { id: 'gemeente', tokenSha256: sha(tokens.gemeente), aanbieders: [], gemeenten: [sampleGemeente] },
  { id: 'other', tokenSha256: sha(tokens.other), aanbieders: ['11112222'], gemeenten: ['1916'] },
];
const today = '2026-11-20';
const clientRef = (bsn: string) =>
  `c-${createHmac('sha256', 'test-secret').update(bsn).digest('hex').slice(0, 20)}`;
const taskQueue = 'messages-test';

// Every console line of this file is kept, so the last test can prove no BSN was logged.
const logged: string[] = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    logged.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' '));
  });
}
// Every problem body the API answered, for the same check.
const answered: string[] = [];

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
const pool = createCodecPool({ size: 2 });

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
});

afterAll(async () => {
  await pool.close();
  await testDb?.drop();
  await env?.teardown();
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

async function post(xml: string, token = tokens.aanbieder, contentType = 'application/xml') {
  const res = await api().request('/v1/messages', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: xml,
  });
  const text = await res.text();
  answered.push(text);
  // biome-ignore lint/suspicious/noExplicitAny: test reads whatever JSON came back
  return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(text) as any };
}

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

/** History as text, payloads decoded (JSON converter), to search for what must not be there. */
async function historyText(workflowId: string): Promise<string> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}

async function signals(workflowId: string, name: string): Promise<unknown[]> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === name)
    .map((a) => JSON.parse(Buffer.from(a?.input?.payloads?.[0]?.data ?? []).toString('utf8')));
}

async function startInput(workflowId: string): Promise<unknown> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return JSON.parse(Buffer.from(started?.input?.payloads?.[0]?.data ?? []).toString('utf8'));
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

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure))
    throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  return err;
}

describe('sendMessage', () => {
  it('the same key twice: one outbox row, the second answer is the first row (duplicate)', async () => {
    const heen = await received301('SEND-1', [501]);
    const input: SendMessageInput = {
      idempotencyKey: 'wmo:0384:501:start-1',
      workflowId: assignmentWorkflowId(sampleGemeente, 501),
      dagtekening: today,
      message: {
        type: 'WMO305',
        toewijzingMessageId: heen,
        toewijzingNummer: 501,
        begindatum: '2023-02-01',
        statusAanlevering: '1',
      },
    };
    const first = await activities().sendMessage(input);
    const second = await activities().sendMessage(input);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    const rows = await outboxRows(input.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: first.outboxId,
      identificatie: first.identificatie,
      messageType: 'WMO305',
      workflowId: input.workflowId,
      status: 'pending',
      afzender: sampleAanbieder,
      ontvanger: sampleGemeente,
    });
  });

  it('concurrent calls with one key write one row; exactly one of them is not a duplicate', async () => {
    const heen = await received301('SEND-2', [502]);
    const input: SendMessageInput = {
      idempotencyKey: 'wmo:0384:502:start-1',
      workflowId: assignmentWorkflowId(sampleGemeente, 502),
      dagtekening: today,
      message: {
        type: 'WMO305',
        toewijzingMessageId: heen,
        toewijzingNummer: 502,
        begindatum: '2023-02-01',
        statusAanlevering: '1',
      },
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => activities().sendMessage(input)));
    expect(await outboxRows(input.idempotencyKey)).toHaveLength(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.outboxId)).size).toBe(1);
  });

  it('305 and 307: XML that decodes and validates against the XSD, with a unique Identificatie ≤ 12', async () => {
    const heen = await received301('SEND-3', [503]);
    const workflowId = assignmentWorkflowId(sampleGemeente, 503);
    const base = { toewijzingMessageId: heen, toewijzingNummer: 503, begindatum: '2023-02-01' };
    const started = await activities().sendMessage({
      idempotencyKey: `${workflowId}:start`,
      workflowId,
      dagtekening: today,
      message: { type: 'WMO305', ...base, statusAanlevering: '1' },
    });
    const stopped = await activities().sendMessage({
      idempotencyKey: `${workflowId}:stop`,
      workflowId,
      dagtekening: today,
      message: {
        type: 'WMO307',
        ...base,
        einddatum: '2023-06-30',
        redenBeeindiging: '19',
        statusAanlevering: '1',
      },
    });
    expect(started.identificatie).not.toBe(stopped.identificatie);
    for (const [sent, nr] of [
      [started, '305'],
      [stopped, '307'],
    ] as const) {
      expect(sent.identificatie.length).toBeLessThanOrEqual(12);
      const [row] = await outboxRows(`${workflowId}:${nr === '305' ? 'start' : 'stop'}`);
      const xml = row?.payload ?? '';
      expect(validateWithXsd(xml, xsdPath(nr)).output).toMatch(/validates/);
      const res = decode(xml);
      expect(res.ok && res.value.findings).toEqual([]);
      const { Header, Client } = decodeAs(xml, `WMO${nr}`).bericht;
      expect(Header.BerichtIdentificatie).toEqual({ Identificatie: sent.identificatie, Dagtekening: today });
      expect(Client.Bsn).toBe(sampleBsn);
    }
  });

  it('the 302 on a valid 301 is header-only, and one per 301 whatever key each workflow passes', async () => {
    const heen = await received301('SEND-4', [504, 505]);
    const send = (nummer: number) =>
      activities().sendMessage({
        idempotencyKey: `${assignmentWorkflowId(sampleGemeente, nummer)}:302`,
        workflowId: assignmentWorkflowId(sampleGemeente, nummer),
        dagtekening: today,
        message: { type: 'WMO302', heenMessageId: heen, retourCodes: [] },
      });
    const first = await send(504);
    const second = await send(505);
    expect(second).toEqual({ ...first, duplicate: true });
    const rows = await outboxRows(retour302Key(heen));
    expect(rows).toHaveLength(1);
    const xml = rows[0]?.payload ?? '';
    expect(validateWithXsd(xml, xsdPath('302')).output).toMatch(/validates/);
    const retour = decodeAs(xml, 'WMO302').bericht;
    expect(Object.keys(retour)).toEqual(['Header']);
    expect(retour.Header).not.toHaveProperty('RetourCodes');
    expect(retour.Header.BerichtIdentificatie.Identificatie).toBe('SEND-4');
    expect(retour.Header.IdentificatieRetour).toBe(first.identificatie);
  });

  it('a message that breaks a rule: a non-retryable failure naming the rule, without the BSN', async () => {
    const heen = await received301('SEND-5', [506]);
    const failure = await refusal(
      activities().sendMessage({
        idempotencyKey: 'wmo:0384:506:stop',
        workflowId: assignmentWorkflowId(sampleGemeente, 506),
        dagtekening: today,
        message: {
          type: 'WMO307',
          toewijzingMessageId: heen,
          toewijzingNummer: 506,
          begindatum: '2023-02-01',
          einddatum: '2023-01-15',
          redenBeeindiging: '19',
          statusAanlevering: '1',
        },
      }),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe(messageRefusedType);
    expect(failure.message).toMatch(/^WMO307 refused: TR018 at \/Bericht\/Client\/StopProducten/);
    expect(failure.message).not.toContain(sampleBsn);
    expect(await outboxRows('wmo:0384:506:stop')).toEqual([]);
  });

  it('an unknown or malformed 301 reference is a non-retryable failure', async () => {
    const message = { type: 'WMO302' as const, retourCodes: [] };
    const unknown = await refusal(
      activities().sendMessage({
        idempotencyKey: 'k-unknown',
        workflowId: 'wmo:0384:1',
        dagtekening: today,
        message: { ...message, heenMessageId: '00000000-0000-4000-8000-000000000000' },
      }),
    );
    expect(unknown.nonRetryable && unknown.message).toMatch(/does not exist/);
    const malformed = await refusal(
      activities().sendMessage({
        idempotencyKey: 'k-bad',
        workflowId: 'wmo:0384:1',
        dagtekening: today,
        message: { ...message, heenMessageId: 'not-a-uuid' },
      }),
    );
    expect(malformed.nonRetryable && malformed.message).toMatch(/is not a uuid/);
  });
});

describe('POST /v1/messages: a 301', () => {
  it('is stored, and each ToegewezenProduct signals (and starts) its own assignment workflow', async () => {
    const res = await post(wmo301('IN-1', [601, 602]));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      duplicate: false,
      status: 'routed',
      messageType: 'WMO301',
      findings: [],
      toewijzingen: [
        { toewijzingNummer: 601, workflowId: 'wmo:0384:601', result: 'signalled' },
        { toewijzingNummer: 602, workflowId: 'wmo:0384:602', result: 'signalled' },
      ],
    });
    const row = await inboxRow(res.body.messageId);
    expect(row).toMatchObject({
      status: 'routed',
      messageType: 'WMO301',
      afzender: sampleGemeente,
      ontvanger: sampleAanbieder,
      identificatie: 'IN-1',
      transport: 'api',
      submittedBy: 'zorg-bv',
      routedTo: 'wmo:0384:601,wmo:0384:602',
    });
    expect(row.payloadSha256).toBe(createHash('sha256').update(row.payload).digest('hex'));
    for (const nummer of [601, 602]) {
      const workflowId = assignmentWorkflowId(sampleGemeente, nummer);
      const described = await env.client.workflow.getHandle(workflowId).describe();
      expect(described.type).toBe(assignmentWorkflowType);
      expect(described.status.name).toBe('RUNNING');
      expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
        expect.arrayContaining([
          ['WmoGemeente', sampleGemeente],
          ['WmoAanbieder', sampleAanbieder],
        ]),
      );
      const [version] = await signals(workflowId, 'toewijzing');
      expect(version).toMatchObject({
        messageId: row.id,
        berichtIdentificatie: 'IN-1',
        gemeente: sampleGemeente,
        aanbieder: sampleAanbieder,
        clientRef: clientRef(sampleBsn),
        toewijzingNummer: nummer,
        ingangsdatum: '2023-01-01',
        ontvangen: today,
      });
      expect(await startInput(workflowId)).toMatchObject({
        toewijzing: { toewijzingNummer: nummer, clientRef: clientRef(sampleBsn) },
        profile: { id: 'iwmo-3.2' }, // 0384 has no profile of its own: the default
      });
      expect(await historyText(workflowId)).not.toContain(sampleBsn);
    }
  });

  it('a re-delivery of the same message is recognised: the earlier outcome, no second signal', async () => {
    const xml = wmo301('IN-2', [603]);
    const first = await post(xml);
    const again = await post(xml, tokens.gemeente);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await signals('wmo:0384:603', 'toewijzing')).toHaveLength(1);
    const [rows] = await db()
      .select({ n: count() })
      .from(inboxMessages)
      .where(eq(inboxMessages.identificatie, 'IN-2'));
    expect(rows?.n).toBe(1);
  });

  it('a 301 with a level 2 finding is rejected and answered with a header-only 0001 302', async () => {
    const xml = wmo301('IN-3', [604], ([p]) => {
      if (p) p.Omvang = undefined; // CD041: a product code needs an Omvang
    });
    const res = await post(xml);
    expect(res.status).toBe(422);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      status: 422,
      title: 'Unprocessable Content',
      detail: expect.stringMatching(/^CD041: /),
    });
    expect(res.body.findings).toEqual([
      expect.objectContaining({
        rule: 'CD041',
        retourCode: '0001',
        path: expect.stringContaining('/Omvang'),
      }),
    ]);
    const row = await inboxRow(res.body.messageId);
    expect(row.status).toBe('rejected');
    expect(row.findings).toEqual(res.body.findings);
    const [retour] = await outboxRows(retour302Key(row.id));
    expect(res.body.outcome.answer).toEqual({
      messageType: 'WMO302',
      outboxId: retour?.id,
      identificatie: retour?.identificatie,
    });
    expect(retour).toMatchObject({
      messageType: 'WMO302',
      afzender: sampleAanbieder,
      ontvanger: sampleGemeente,
    });
    const xml302 = retour?.payload ?? '';
    expect(validateWithXsd(xml302, xsdPath('302')).output).toMatch(/validates/);
    const header = decodeAs(xml302, 'WMO302').bericht;
    expect(Object.keys(header)).toEqual(['Header']);
    expect(header.Header.RetourCodes?.RetourCode).toEqual(['0001']);
    await expect(env.client.workflow.getHandle('wmo:0384:604').describe()).rejects.toThrow();
  });

  const broken301 = (id: string) => wmo301(id, [605]);
  it.each([
    ['malformed XML', () => broken301('BAD-1').replace('</wmo301:Bericht>', ''), 'XML-WELLFORMED', null],
    [
      'a DOCTYPE',
      () => broken301('BAD-2').replace('?>', '?><!DOCTYPE Bericht [<!ENTITY e "x">]>'),
      'XML-DTD',
      null,
    ],
    [
      'an iJw message',
      () => broken301('BAD-3').replaceAll('iwmo/3_2/wmo301/schema', 'ijw/3_2/jw301/schema'),
      'XSD-ROOT',
      null,
    ],
    ['an iWmo 3.1 message', () => broken301('BAD-4').replaceAll('/3_2/', '/3_1/'), 'XSD-RELEASE', null],
    [
      'an XSD-invalid 301',
      () =>
        broken301('BAD-5').replace(`<wmo301:Bsn>${sampleBsn}</wmo301:Bsn>`, '<wmo301:Bsn>12345</wmo301:Bsn>'),
      expect.stringMatching(/^XSD/),
      'WMO301',
    ],
  ])(
    '%s: stored as rejected with the rule, answered 422, no retour, nothing routed',
    async (_, xml, rule, type) => {
      const res = await post(xml());
      expect(res.status).toBe(422);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.findings[0]).toMatchObject({ rule });
      const row = await inboxRow(res.body.messageId);
      expect(row).toMatchObject({ status: 'rejected', messageType: type, routedTo: null });
      expect(row.findings).toEqual(res.body.findings);
      expect(await outboxRows(retour302Key(row.id))).toEqual([]);
      await expect(env.client.workflow.getHandle('wmo:0384:605').describe()).rejects.toThrow();
    },
  );
});

describe('POST /v1/messages: retours and other messages', () => {
  async function sent305(identificatie: string, nummer: number) {
    const heen = await received301(identificatie, [nummer]);
    const workflowId = assignmentWorkflowId(sampleGemeente, nummer);
    const sent = await activities().sendMessage({
      idempotencyKey: `${workflowId}:start`,
      workflowId,
      dagtekening: today,
      message: {
        type: 'WMO305',
        toewijzingMessageId: heen,
        toewijzingNummer: nummer,
        begindatum: '2023-02-01',
        statusAanlevering: '1',
      },
    });
    const [row] = await outboxRows(`${workflowId}:start`);
    return { workflowId, sent, xml: row?.payload ?? '' };
  }

  function retour306(heenXml: string, findings: Finding[], identificatie: string): string {
    const built = buildRetour(decodeAs(heenXml, 'WMO305'), findings, { identificatie, dagtekening: today });
    if (!built.ok) throw new Error(built.reason);
    const out = encode(built.retour, { rules: 'report' });
    if (!out.ok) throw new Error('306 does not encode');
    return out.xml;
  }

  it('a 306 signals the workflow of the 305 it answers, with its retour codes', async () => {
    const { workflowId, sent, xml } = await sent305('RET-1', 701);
    const finding: Finding = {
      rule: 'TR019',
      retourCode: '9019',
      path: '/Bericht/Client/StartProducten/StartProduct[1]',
      message: '',
      hint: '',
    };
    const res = await post(retour306(xml, [finding], 'G306-1'), tokens.gemeente);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'routed',
      messageType: 'WMO306',
      retour: { workflowId, heenType: 'WMO305', heenIdentificatie: sent.identificatie },
    });
    expect([...res.body.retour.retourCodes].sort()).toEqual(['0200', '9019']);
    const [signal] = await signals(workflowId, 'retour');
    expect(signal).toEqual({
      messageId: res.body.messageId,
      messageType: 'WMO306',
      heenIdentificatie: sent.identificatie,
      retourCodes: res.body.retour.retourCodes,
      ontvangen: today,
    });
    expect((await inboxRow(res.body.messageId)).routedTo).toBe(workflowId);
  });

  it('a 306 on a 305 we never sent is rejected (RETOUR-ONBEKEND)', async () => {
    const { xml } = await sent305('RET-2', 702);
    const forged = xml.replace(/<iwmo:Identificatie>[^<]+</, '<iwmo:Identificatie>NOPE-1<');
    const res = await post(retour306(forged, [], 'G306-2'), tokens.gemeente);
    expect(res.status).toBe(422);
    expect(res.body.findings).toEqual([expect.objectContaining({ rule: 'RETOUR-ONBEKEND' })]);
    expect(await signals('wmo:0384:702', 'retour')).toEqual([]);
  });

  it('a 319 for a request this service never sent is stored as received, with a note saying why', async () => {
    const res = await post(
      sampleXml('319').replace(/<iwmo:Identificatie>[^<]+</, '<iwmo:Identificatie>A319-1<'),
      tokens.other,
    );
    // The 319 sample is not addressed to the other tenant: refused before anything is stored.
    expect(res.status).toBe(403);
    const header = decodeAs(sampleXml('319'), 'WMO319').bericht.Header;
    const key = apiKeys.find((k) => k.id === 'zorg-bv');
    if (!key) throw new Error('no key');
    key.aanbieders.push(header.Ontvanger);
    try {
      const ok = await post(sampleXml('319'), tokens.aanbieder);
      expect(ok.status).toBe(202);
      expect(ok.body).toMatchObject({ status: 'received', messageType: 'WMO319' });
      expect(ok.body.note).toMatch(/^not routed: no open request verzoek:/);
      expect((await inboxRow(ok.body.messageId)).status).toBe('received');
    } finally {
      key.aanbieders.pop();
    }
  });
});

describe('scope, reads and HTTP hygiene', () => {
  it('a message addressed to codes the key does not hold: 403, nothing stored', async () => {
    const xml = wmo301('SCOPE-1', [801]);
    const hash = createHash('sha256').update(xml).digest('hex');
    const res = await post(xml, tokens.other);
    expect(res.status).toBe(403);
    expect(res.type).toBe('application/problem+json');
    const rows = await db().select().from(inboxMessages).where(eq(inboxMessages.payloadSha256, hash));
    expect(rows).toEqual([]);
    await expect(env.client.workflow.getHandle('wmo:0384:801').describe()).rejects.toThrow();
  });

  it('a message without a readable header is stored as rejected, visible to the key that sent it only', async () => {
    const res = await post('this is not xml at all', tokens.other);
    expect(res.status).toBe(422);
    const id = res.body.messageId;
    expect((await get(`/messages/${id}`, tokens.other)).status).toBe(200);
    expect((await get(`/messages/${id}`, tokens.aanbieder)).status).toBe(404);
  });

  it('GET /v1/messages/{id}: either party reads it, another tenant gets 404 as for a missing id', async () => {
    const xml = wmo301('READ-1', [802]);
    const { body } = await post(xml);
    for (const token of [tokens.aanbieder, tokens.gemeente]) {
      const res = await get(`/messages/${body.messageId}`, token);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id: body.messageId,
        status: 'routed',
        messageType: 'WMO301',
        identificatie: 'READ-1',
        afzender: sampleGemeente,
        ontvanger: sampleAanbieder,
        sizeBytes: Buffer.byteLength(xml),
        findings: [],
        routedTo: 'wmo:0384:802',
      });
      const raw = await get(`/messages/${body.messageId}/xml`, token);
      expect(raw.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(await raw.text()).toBe(xml);
    }
    for (const path of [`/messages/${body.messageId}`, `/messages/${body.messageId}/xml`]) {
      const res = await get(path, tokens.other);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain(sampleBsn);
    }
    expect((await get('/messages/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/messages/nope')).status).toBe(404);
  });

  it('the routes describe themselves in OpenAPI 3.1', () => {
    const doc = messageRoutes({ db: db(), inbound: inbound() }).getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'iwmo-flow', version: 'test' },
    });
    expect(Object.keys(doc.paths ?? {})).toEqual([
      '/messages',
      '/messages/export',
      '/messages/{id}',
      '/messages/{id}/xml',
      '/messages/{id}/conversation',
    ]);
    const body = doc.paths?.['/messages']?.post?.requestBody;
    expect(body && 'content' in body ? Object.keys(body.content) : []).toEqual([
      'application/xml',
      'text/xml',
    ]);
  });

  it('415 for another content type, 413 above 25 MB, 401 without a key', async () => {
    expect((await post(wmo301('HYG-1', [803]), tokens.aanbieder, 'text/plain')).status).toBe(415);
    expect((await post(`<a>${'x'.repeat(25 * 1024 * 1024)}</a>`)).status).toBe(413);
    const anonymous = await api().request('/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: wmo301('HYG-2', [804]),
    });
    expect(anonymous.status).toBe(401);
    const stored = await db()
      .select({ n: count() })
      .from(inboxMessages)
      .where(and(eq(inboxMessages.identificatie, 'HYG-1')));
    expect(stored[0]?.n).toBe(0);
  });

  it('a large 323 decodes off the event loop: a small 301 posted meanwhile is answered first', async () => {
    const big = wmo323WithLines(sampleXml('323'), 10_000);
    const bigHash = createHash('sha256').update(big).digest('hex');
    let bigDone = false;
    const bigPost = post(big, tokens.gemeente).then((res) => {
      bigDone = true;
      return res;
    });
    // Wait until the big message is stored: decoding it comes next. Were it decoded on this thread,
    // this loop would only see the row once the decode is over, and the big answer would come first.
    const stored = () =>
      db()
        .select({ id: inboxMessages.id })
        .from(inboxMessages)
        .where(eq(inboxMessages.payloadSha256, bigHash));
    for (let i = 0; i < 600 && (await stored()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(bigDone).toBe(false);
    const small = await post(wmo301('BUSY-1', [805]));
    expect(small.status).toBe(202);
    expect(bigDone).toBe(false);
    const bigRes = await bigPost;
    expect(bigRes.status).toBe(202);
    expect(bigRes.body).toMatchObject({ status: 'received', messageType: 'WMO323', note: 'not routed yet' });
  });
});

describe('re-delivery and failures on the inbound path', () => {
  it('a transport re-delivery is recognised by its traceerId, even when the bytes differ', async () => {
    const xml = wmo301('TRC-1', [901]);
    const first = await inbound().receiveMessage({ payload: xml, transport: 'vecozo', traceerId: 'trace-1' });
    const again = await inbound().receiveMessage({
      payload: `${xml}\n`,
      transport: 'vecozo',
      traceerId: 'trace-1',
    });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await signals('wmo:0384:901', 'toewijzing')).toHaveLength(1);
  });

  it('Temporal unreachable: 503 with the message id, the row stays unrouted, the next delivery routes it', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 300, interceptors: [] });
    const down = createApi({
      temporal: env.client,
      namespace: 'default',
      taskQueue,
      database: testDb.handle,
      apiKeys,
      messages: {
        db: db(),
        inbound: createInbound({
          db: db(),
          temporal: new Client({ connection }),
          taskQueue,
          profiles: loadProfiles(),
          clientRef,
          codec: pool,
          today: () => today,
        }),
      },
    });
    const xml = wmo301('DOWN-1', [902]);
    try {
      const res = await down.request('/v1/messages', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.aanbieder}`, 'content-type': 'application/xml' },
        body: xml,
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const problem = (await res.json()) as { messageId: string };
      expect(await inboxRow(problem.messageId)).toMatchObject({
        status: 'received',
        outcome: null,
        claimedAt: null,
      });
      const retried = await post(xml);
      expect(retried.status).toBe(202);
      expect(retried.body).toMatchObject({ messageId: problem.messageId, status: 'routed', duplicate: true });
      expect(await signals('wmo:0384:902', 'toewijzing')).toHaveLength(1);
    } finally {
      await connection.close();
    }
  });

  it('while another process works on it: "being processed"; once its claim is stale, a re-delivery takes over', async () => {
    const xml = wmo301('CLAIM-1', [903]);
    const { row } = await storeInbound(db(), {
      payload: xml,
      payloadSha256: createHash('sha256').update(xml).digest('hex'),
      sizeBytes: Buffer.byteLength(xml),
      transport: 'api',
      traceerId: null,
      conversatieId: null,
      submittedBy: null,
      afzender: sampleGemeente,
      ontvanger: sampleAanbieder,
      messageType: 'WMO301',
    });
    const busy = await post(xml);
    expect(busy.status).toBe(202);
    expect(busy.body).toMatchObject({ messageId: row.id, status: 'received', note: 'being processed' });
    expect(await signals('wmo:0384:903', 'toewijzing').catch(() => [])).toEqual([]);
    const crashed = new Date(Date.now() - staleClaimMs - 1000);
    await db().update(inboxMessages).set({ claimedAt: crashed }).where(eq(inboxMessages.id, row.id));
    const taken = await post(xml);
    expect(taken.body).toMatchObject({ messageId: row.id, status: 'routed', duplicate: true });
    expect(await signals('wmo:0384:903', 'toewijzing')).toHaveLength(1);
  });
});

async function postBytes(bytes: Uint8Array, token = tokens.aanbieder) {
  const res = await api().request('/v1/messages', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
    body: bytes,
  });
  const text = await res.text();
  answered.push(text);
  // biome-ignore lint/suspicious/noExplicitAny: test reads whatever JSON came back
  return { status: res.status, body: JSON.parse(text) as any };
}

/** UTF-16 big-endian bytes of a text (Node only writes little-endian). */
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const withUtf16Declaration = (xml: string) => xml.replace('encoding="UTF-8"', 'encoding="UTF-16"');

describe('issue 13: bytes that are not UTF-8 text are kept as sent and rejected (PAYLOAD-ENCODING)', () => {
  const cases: [string, () => Buffer, RegExp][] = [
    [
      'one U+0000 in a 301',
      () => Buffer.from(wmo301('ENC-NUL', [611]).replace('?>', '?>\u0000'), 'utf8'),
      /U\+0000/,
    ],
    [
      'UTF-16LE with BOM',
      () =>
        Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from(withUtf16Declaration(wmo301('ENC-16LE', [612])), 'utf16le'),
        ]),
      /UTF-16LE/,
    ],
    [
      'UTF-16BE with BOM',
      () =>
        Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(withUtf16Declaration(wmo301('ENC-16BE', [613])))]),
      /UTF-16BE/,
    ],
    [
      'UTF-16LE without BOM',
      () => Buffer.from(withUtf16Declaration(wmo301('ENC-16NB', [614])), 'utf16le'),
      /UTF-16LE/,
    ],
    [
      'a byte that is not UTF-8',
      () => {
        const xml = Buffer.from(wmo301('ENC-BAD', [615]), 'utf8');
        const at = xml.indexOf('</');
        return Buffer.concat([xml.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), xml.subarray(at)]);
      },
      /geen geldige UTF-8/,
    ],
  ];

  it.each(cases)(
    '%s: 422 naming the rule, stored rejected with the bytes as sent, in the archive',
    async (_what, make, text) => {
      const bytes = make();
      const res = await postBytes(bytes);
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/^PAYLOAD-ENCODING: /);
      expect(res.body.findings).toEqual([
        expect.objectContaining({
          rule: 'PAYLOAD-ENCODING',
          path: '/',
          message: expect.stringMatching(text),
        }),
      ]);
      const row = await inboxRow(res.body.messageId);
      expect(row).toMatchObject({ status: 'rejected', payload: '', sizeBytes: bytes.byteLength });
      expect(Buffer.compare(row.rawPayload as Buffer, bytes)).toBe(0);
      expect(row.payloadSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      // The archive serves the bytes as they came, to the key that sent them.
      const raw = await get(`/messages/${row.id}/xml`);
      expect(raw.status).toBe(200);
      expect(Buffer.compare(Buffer.from(await raw.arrayBuffer()), bytes)).toBe(0);
      const meta = await get(`/messages/${row.id}`);
      expect(await meta.json()).toMatchObject({ status: 'rejected', sizeBytes: bytes.byteLength });
      // Sent again: the same row, the same answer; nothing reached a workflow.
      const again = await postBytes(bytes);
      expect(again.status).toBe(422);
      expect(again.body.outcome).toMatchObject({ messageId: row.id, duplicate: true, status: 'rejected' });
    },
  );

  it('a UTF-16 message for another tenant is refused with 403 before anything is stored (its header is read as UTF-16)', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(withUtf16Declaration(wmo301('ENC-OTHER', [617])), 'utf16le'),
    ]);
    const res = await postBytes(bytes, tokens.other);
    expect(res.status).toBe(403);
    const [rows] = await db()
      .select({ n: count() })
      .from(inboxMessages)
      .where(eq(inboxMessages.payloadSha256, createHash('sha256').update(bytes).digest('hex')));
    expect(rows?.n).toBe(0);
  });

  it('nothing of those five reached a workflow', async () => {
    for (const n of [611, 612, 613, 614, 615])
      await expect(env.client.workflow.getHandle(`wmo:0384:${n}`).describe()).rejects.toThrow();
  });

  it('a 301 with a UTF-8 byte order mark is routed, and the archive keeps the mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(wmo301('ENC-BOM', [616]))]);
    const res = await postBytes(bytes);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('routed');
    const raw = await get(`/messages/${res.body.messageId}/xml`);
    expect(Buffer.compare(Buffer.from(await raw.arrayBuffer()), bytes)).toBe(0);
    expect((await inboxRow(res.body.messageId)).payloadSha256).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });
});

describe('issue 13: a failure to store names no content', () => {
  it('a row PostgreSQL refuses: InboundStoreError with the SQLSTATE only, not the query parameters (the payload)', async () => {
    // A transport id PostgreSQL cannot take (U+0000): the insert fails; its parameters hold the payload.
    const xml = wmo301('STORE-ERR', [641]);
    const err = await inbound()
      .receiveMessage({ payload: xml, transport: 'test', traceerId: 'x\u0000y' })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(err?.name).toBe('InboundStoreError');
    expect(err?.message).toBe('message not stored: database error 22021');
    expect(err?.message).not.toContain(sampleBsn);
  });
});

describe('issue 13: TR056, an Identificatie used again for other content', () => {
  it('the second 301 is answered with a 302 with 9056 and changes nothing; the first again is a no-op', async () => {
    const first = wmo301('TR56-1', [621]);
    expect((await post(first)).body.status).toBe('routed');
    const other = wmo301('TR56-1', [621], ([p]) => {
      if (p?.Omvang) p.Omvang.Volume = 20;
    });
    const res = await post(other);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/^TR056: /);
    expect(res.body.findings).toEqual([expect.objectContaining({ rule: 'TR056', retourCode: '9056' })]);
    const [retour] = await outboxRows(retour302Key(res.body.messageId));
    expect(retour).toMatchObject({
      messageType: 'WMO302',
      afzender: sampleAanbieder,
      ontvanger: sampleGemeente,
    });
    expect(validateWithXsd(retour?.payload ?? '', xsdPath('302')).output).toMatch(/validates/);
    const answer = decodeAs(retour?.payload ?? '', 'WMO302').bericht;
    expect(JSON.stringify(answer)).toContain('9056');
    expect(answer.Header.BerichtIdentificatie.Identificatie).toBe('TR56-1');
    // No second version: one signal, the first content.
    expect(await signals('wmo:0384:621', 'toewijzing')).toHaveLength(1);
    const again = await post(first);
    expect(again.body).toMatchObject({ status: 'routed', duplicate: true });
    expect(await signals('wmo:0384:621', 'toewijzing')).toHaveLength(1);
  });

  it('another sender, or a new Identificatie, is not TR056; nor is reusing one whose 301 was refused (0001)', async () => {
    const refused = wmo301('TR56-2', [622], ([p]) => {
      if (p) p.Omvang = undefined;
    });
    expect((await post(refused)).status).toBe(422);
    expect((await post(wmo301('TR56-2', [622]))).body.status).toBe('routed');
    expect(
      (
        await post(
          wmo301('TR56-3', [622], ([p]) => {
            if (p?.Omvang) p.Omvang.Volume = 30;
          }),
        )
      ).body.status,
    ).toBe('routed');
    expect(await signals('wmo:0384:622', 'toewijzing')).toHaveLength(2);
  });
});

/** A 301 stored through the API path, then its claim set as a crashed or busy process left it. */
async function strand(xml: string, claimedAt: Date | null) {
  const bytes = Buffer.from(xml);
  const { row } = await storeInbound(db(), {
    payload: xml,
    payloadSha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.byteLength,
    transport: 'api',
    traceerId: null,
    conversatieId: null,
    submittedBy: 'zorg-bv',
    afzender: sampleGemeente,
    ontvanger: sampleAanbieder,
    messageType: 'WMO301',
  });
  await db().update(inboxMessages).set({ claimedAt }).where(eq(inboxMessages.id, row.id));
  return row.id;
}

describe('issue 13: rows stored but never routed are resumed', () => {
  it('resumeStranded routes a stale or released row once; a fresh claim is left alone; a retry then gets the outcome', async () => {
    const stale = wmo301('STRAND-1', [631]);
    const staleId = await strand(stale, new Date(Date.now() - staleClaimMs - 1000));
    const releasedId = await strand(wmo301('STRAND-2', [632]), null);
    const busyId = await strand(wmo301('STRAND-3', [633]), new Date());
    const first = await inbound().resumeStranded();
    expect(first.failed).toBe(0);
    expect(first.resumed).toBeGreaterThanOrEqual(2);
    expect((await inboxRow(staleId)).status).toBe('routed');
    expect((await inboxRow(releasedId)).status).toBe('routed');
    expect((await inboxRow(busyId)).status).toBe('received');
    // Again, and side by side: nothing is routed twice.
    await Promise.all([inbound().resumeStranded(), inbound().resumeStranded()]);
    expect(await signals('wmo:0384:631', 'toewijzing')).toHaveLength(1);
    expect(await signals('wmo:0384:632', 'toewijzing')).toHaveLength(1);
    await expect(env.client.workflow.getHandle('wmo:0384:633').describe()).rejects.toThrow();
    // Claimed before a restart (the start-up call passes the process's start): taken at once.
    const restart = await inbound().resumeStranded({ claimedBefore: new Date(Date.now() + 1000) });
    expect(restart.resumed).toBeGreaterThanOrEqual(1);
    expect((await inboxRow(busyId)).status).toBe('routed');
    const retry = await post(stale);
    expect(retry.body).toMatchObject({ messageId: staleId, status: 'routed', duplicate: true });
  });
});

describe('issue 17: a claim dies with its process', () => {
  it('a row claimed two minutes ago by a process that died is taken over; one a live process holds is not', async () => {
    const twoMinutesAgo = new Date(Date.now() - 2 * 60_000);
    const deadId = await strand(wmo301('CLAIM-DEAD', [641]), twoMinutesAgo);
    const liveId = await strand(wmo301('CLAIM-LIVE', [642]), twoMinutesAgo);
    // The live process: its keeper renews what it holds (here at once instead of on its 15 s timer).
    const keeper = createClaimKeeper(db());
    keeper.hold(liveId);
    await keeper.refresh();
    const swept = await inbound().resumeStranded();
    keeper.drop(liveId);
    expect(swept.failed).toBe(0);
    expect((await inboxRow(deadId)).status).toBe('routed');
    expect(await signals('wmo:0384:641', 'toewijzing')).toHaveLength(1);
    expect((await inboxRow(liveId)).status).toBe('received');
    await expect(env.client.workflow.getHandle('wmo:0384:642').describe()).rejects.toThrow();
  });
});

describe('privacy', () => {
  it('no BSN in any log line, problem body or stored finding of this file', async () => {
    const findings = await db().select({ f: inboxMessages.findings }).from(inboxMessages);
    const outcomes = await db().select({ o: inboxMessages.outcome }).from(inboxMessages);
    for (const text of [...logged, ...answered, JSON.stringify(findings), JSON.stringify(outcomes)]) {
      expect(text).not.toContain(sampleBsn);
    }
    expect(answered.length).toBeGreaterThan(10);
  });
});
