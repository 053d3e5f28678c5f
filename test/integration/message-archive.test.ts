import { createHash, createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInbound } from '../../activities/inbound';
import { createMessageActivities } from '../../activities/messages';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { setOutboxStatus } from '../../activities/messaging/events';
import { createApi } from '../../api/app';
import { loadProfiles } from '../../config/profiles';
import { assignmentWorkflowId, retour302Key } from '../../contract/assignment';
import { inboxMessages, messageEvents, outboxMessages } from '../../db';
import { buildRetour, encode } from '../../iwmo';
import { createTestDatabase } from '../support/database';
import { decodeAs, sampleAanbieder, sampleBsn, sampleGemeente, wmo301 } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * The message archive on real parts: PostgreSQL, the Temporal dev server (no worker: routed 301s start
 * workflows that just wait), the codec's worker threads and the HTTP API. One conversation is built
 * through the real paths — a 301 in, its 302 and a 305 out, the 306 in — plus a second 301, and the
 * other tenant posts one unreadable message of its own.
 */

const tokens = { aanbieder: 'a-token', gemeente: 'g-token', other: 'o-token' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const apiKeys = [
  { id: 'zorg-bv', tokenSha256: sha(tokens.aanbieder), aanbieders: [sampleAanbieder], gemeenten: [] },
  { id: 'gemeente', tokenSha256: sha(tokens.gemeente), aanbieders: [], gemeenten: [sampleGemeente] },
  { id: 'other', tokenSha256: sha(tokens.other), aanbieders: ['11112222'], gemeenten: ['1916'] },
];
const today = '2026-11-20';
const clientRef = (bsn: string) => `c-${createHmac('sha256', 'k').update(bsn).digest('hex').slice(0, 20)}`;

vi.spyOn(console, 'log').mockImplementation(() => {});

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
const pool = createCodecPool({ size: 1 });
const db = () => testDb.handle.db;

function inbound() {
  return createInbound({
    db: db(),
    temporal: env.client,
    taskQueue: 'archive-test',
    profiles: loadProfiles(),
    clientRef,
    codec: pool,
    today: () => today,
  });
}

function api() {
  return createApi({
    temporal: env.client,
    namespace: 'default',
    taskQueue: 'archive-test',
    database: testDb.handle,
    apiKeys,
    // Pages of 2 rows: the export walks several database pages.
    messages: { db: db(), inbound: inbound(), exportPageSize: 2 },
  });
}

async function get(path: string, token = tokens.aanbieder) {
  return api().request(`/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
async function json(path: string, token = tokens.aanbieder): Promise<any> {
  const res = await get(path, token);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return res.json();
}

const ids = (items: { id: string }[]) => items.map((m) => m.id);

/** The ids the test built, filled in beforeAll. */
const m = { in301: '', out302: '', out305: '', in306: '', in301b: '', otherGarbage: '' };
const workflowId = assignmentWorkflowId(sampleGemeente, 901);

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
  const receive = inbound();
  const in301 = await receive.receiveMessage({
    payload: wmo301('ARC-1', [901]),
    transport: 'test',
    traceerId: 'T-301-1',
    conversatieId: 'C-ARC-1',
  });
  expect(in301.status).toBe('routed');
  m.in301 = in301.messageId;
  const send = createMessageActivities({ db: db(), codec: pool }).sendMessage;
  const out302 = await send({
    idempotencyKey: `${workflowId}:302`,
    workflowId,
    dagtekening: today,
    message: { type: 'WMO302', heenMessageId: m.in301, retourCodes: [] },
  });
  m.out302 = out302.outboxId;
  const out305 = await send({
    idempotencyKey: `${workflowId}:start`,
    workflowId,
    dagtekening: today,
    message: {
      type: 'WMO305',
      toewijzingMessageId: m.in301,
      toewijzingNummer: 901,
      begindatum: '2023-02-01',
      statusAanlevering: '1',
    },
  });
  m.out305 = out305.outboxId;
  // The sender's transitions: 302 sent at once, 305 failed once and then sent.
  await setOutboxStatus(db(), m.out302, { status: 'sent', traceerId: 'V-302' });
  await setOutboxStatus(db(), m.out305, { status: 'failed', error: 'HTTP 503 from the mailbox' });
  await setOutboxStatus(db(), m.out305, { status: 'sent', traceerId: 'V-305' });
  // The gemeente answers the 305 with an approved 306 (the heen's header, copied).
  const [row305] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, m.out305));
  const built = buildRetour(decodeAs(row305?.payload ?? '', 'WMO305'), [], {
    identificatie: 'G306-ARC',
    dagtekening: today,
  });
  if (!built.ok) throw new Error(built.reason);
  const xml306 = encode(built.retour, { rules: 'report' });
  if (!xml306.ok) throw new Error('306 does not encode');
  const in306 = await receive.receiveMessage({
    payload: xml306.xml,
    transport: 'test',
    traceerId: 'T-306-1',
  });
  expect(in306.status).toBe('routed');
  m.in306 = in306.messageId;
  // An unrelated 301, and the other tenant's unreadable message (its own, by the key that posted it).
  m.in301b = (await receive.receiveMessage({ payload: wmo301('ARC-2', [902]), transport: 'test' })).messageId;
  m.otherGarbage = (
    await receive.receiveMessage({ payload: 'not xml', transport: 'api', submittedBy: 'other' })
  ).messageId;
}, 120_000);

afterAll(async () => {
  await pool.close();
  await testDb?.drop();
  await env?.teardown();
});

describe('status history', () => {
  it('records each transition in and out, in order, with metadata only', async () => {
    const history = async (id: string) =>
      (await json(`/messages/${id}`)).events.map((e: { status: string }) => e.status);
    expect(await history(m.in301)).toEqual(['received', 'routed']);
    expect(await history(m.in306)).toEqual(['received', 'routed']);
    expect(await history(m.out302)).toEqual(['pending', 'sent']);
    expect(await history(m.out305)).toEqual(['pending', 'failed', 'sent']);
    const out305 = await json(`/messages/${m.out305}`);
    expect(out305.events[1].detail).toEqual({ error: 'HTTP 503 from the mailbox' });
    expect(out305.events[2].detail).toEqual({ traceerId: 'V-305' });
    expect(out305).toMatchObject({ direction: 'out', status: 'sent', traceerId: 'V-305', attempts: 2 });
    const in301 = await json(`/messages/${m.in301}`);
    expect(in301.events[1].detail).toEqual({ routedTo: workflowId });
    const garbage = await json(`/messages/${m.otherGarbage}`, tokens.other);
    expect(garbage.events.map((e: { status: string }) => e.status)).toEqual(['received', 'rejected']);
    expect(garbage.events[1].detail.rules.length).toBeGreaterThan(0);
    const all = await db().select().from(messageEvents);
    expect(JSON.stringify(all)).not.toContain(sampleBsn);
  });

  it('a re-delivery adds no event: the message did not change', async () => {
    const before = await db().select().from(messageEvents).where(eq(messageEvents.messageId, m.in301));
    const again = await inbound().receiveMessage({ payload: wmo301('ARC-1', [901]), transport: 'test' });
    expect(again).toMatchObject({ messageId: m.in301, duplicate: true });
    const after = await db().select().from(messageEvents).where(eq(messageEvents.messageId, m.in301));
    expect(after).toEqual(before);
  });
});

describe('GET /v1/messages', () => {
  const mine = () => [m.in301, m.out302, m.out305, m.in306, m.in301b];

  it('lists both directions, newest first, without payloads', async () => {
    const page = await json('/messages');
    expect(new Set(ids(page.items))).toEqual(new Set(mine()));
    expect(page.items).toHaveLength(mine().length);
    const times = page.items.map((i: { at: string }) => i.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(page.nextCursor).toBeNull();
    expect(JSON.stringify(page)).not.toContain(sampleBsn);
    expect(Object.keys(page.items[0]).sort()).toEqual(
      [
        'afzender',
        'at',
        'conversatieId',
        'direction',
        'id',
        'identificatie',
        'messageType',
        'ontvanger',
        'sizeBytes',
        'status',
        'traceerId',
        'workflowId',
      ].sort(),
    );
  });

  it('filters by direction, type, status, traceerId, conversatieId and time', async () => {
    const list = async (q: string) => ids((await json(`/messages?${q}`)).items).sort();
    expect(await list('direction=out')).toEqual([m.out302, m.out305].sort());
    expect(await list('direction=in')).toEqual([m.in301, m.in306, m.in301b].sort());
    expect(await list('type=WMO306')).toEqual([m.in306]);
    expect(await list('type=WMO301&direction=out')).toEqual([]);
    expect(await list('status=sent')).toEqual([m.out302, m.out305].sort());
    expect(await list('status=routed&type=WMO301')).toEqual([m.in301, m.in301b].sort());
    expect(await list('traceerId=T-301-1')).toEqual([m.in301]);
    expect(await list('traceerId=V-302')).toEqual([m.out302]);
    expect(await list('conversatieId=C-ARC-1')).toEqual([m.in301]);
    // from inclusive, to exclusive, on the received/created time of each message.
    const [out305] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, m.out305));
    const [in306] = await db().select().from(inboxMessages).where(eq(inboxMessages.id, m.in306));
    const from = out305?.createdAt.toISOString() ?? '';
    const to = in306?.receivedAt.toISOString() ?? '';
    expect(await list(`from=${from}&to=${to}`)).toEqual([m.out305]);
    expect(await list(`from=${to}`)).toEqual([m.in306, m.in301b].sort());
  });

  it('pages by cursor: every message once, whatever the page size', async () => {
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const page = await json(`/messages?limit=${limit}${query}`);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(page.items));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(ids((await json('/messages')).items));
    }
  });

  it('refuses bad filters with 422 naming the field', async () => {
    for (const [q, path] of [
      ['type=301', 'query.type'],
      ['status=lost', 'query.status'],
      ['from=yesterday', 'query.from'],
      ['from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z', 'query.to'],
      ['cursor=bm9wZQ', 'query.cursor'],
      ['limit=0', 'query.limit'],
    ]) {
      const res = await get(`/messages?${q}`);
      expect(res.status, q).toBe(422);
      const body = (await res.json()) as { findings: { path: string }[] };
      expect(body.findings[0]?.path).toBe(path);
    }
  });

  it('is scoped: the other tenant sees only its own message, and 404 on every id of ours', async () => {
    expect(ids((await json('/messages', tokens.other)).items)).toEqual([m.otherGarbage]);
    expect(ids((await json('/messages', tokens.gemeente)).items).sort()).toEqual(mine().sort());
    for (const id of mine())
      for (const path of [`/messages/${id}`, `/messages/${id}/xml`, `/messages/${id}/conversation`])
        expect((await get(path, tokens.other)).status, path).toBe(404);
    expect((await get(`/messages/${m.otherGarbage}`)).status).toBe(404);
  });
});

describe('GET /v1/messages/{id}, /xml', () => {
  it('reads an outbox message and its XML as stored', async () => {
    const res = await json(`/messages/${m.out302}`);
    const [row] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, m.out302));
    expect(res).toMatchObject({
      direction: 'out',
      id: m.out302,
      messageType: 'WMO302',
      status: 'sent',
      afzender: sampleAanbieder,
      ontvanger: sampleGemeente,
      identificatie: row?.identificatie,
      workflowId,
      sizeBytes: Buffer.byteLength(row?.payload ?? ''),
      sentAt: expect.any(String),
    });
    const xml = await get(`/messages/${m.out302}/xml`, tokens.gemeente);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await xml.text()).toBe(row?.payload);
  });
});

describe('GET /v1/messages/{id}/conversation', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the answer's JSON
  const conversation = async (id: string): Promise<any[]> =>
    (await json(`/messages/${id}/conversation`)).messages;

  it('of a 301: its 302, then what followed — the 305 and its 306 — oldest first', async () => {
    const found = await conversation(m.in301);
    expect(ids(found)).toEqual([m.in301, m.out302, m.out305, m.in306]);
    const replyTo = Object.fromEntries(found.map((x) => [x.id, x.inReplyTo]));
    expect(replyTo).toEqual({ [m.in301]: null, [m.out302]: m.in301, [m.out305]: null, [m.in306]: m.out305 });
  });

  it('of a 305 (or its 306): the 306 answering it, within the same conversation', async () => {
    for (const id of [m.out305, m.in306, m.out302]) {
      const found = await conversation(id);
      expect(ids(found).sort()).toEqual([m.in301, m.out302, m.out305, m.in306].sort());
      expect(found.find((x) => x.id === m.in306)?.inReplyTo).toBe(m.out305);
    }
  });

  it('of an unrelated 301: nothing of the other; a 305 of its workflow, unanswered, follows it', async () => {
    expect(ids(await conversation(m.in301b))).toEqual([m.in301b]);
    const other = assignmentWorkflowId(sampleGemeente, 902);
    const sent = await createMessageActivities({ db: db(), codec: pool }).sendMessage({
      idempotencyKey: `${other}:start`,
      workflowId: other,
      dagtekening: today,
      message: {
        type: 'WMO305',
        toewijzingMessageId: m.in301b,
        toewijzingNummer: 902,
        begindatum: '2023-02-01',
        statusAanlevering: '1',
      },
    });
    expect(ids(await conversation(m.in301b))).toEqual([m.in301b, sent.outboxId]);
    expect(ids(await conversation(sent.outboxId))).toEqual([m.in301b, sent.outboxId]);
  });

  it('links the 302 by its retour key, also without a workflow (a rejected 301)', async () => {
    const [row] = await db()
      .select({ key: outboxMessages.idempotencyKey })
      .from(outboxMessages)
      .where(and(eq(outboxMessages.id, m.out302)));
    expect(row?.key).toBe(retour302Key(m.in301));
  });
});

describe('GET /v1/messages/export', () => {
  async function exported(query: string, token = tokens.aanbieder) {
    const res = await get(`/messages/export${query}`, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    // biome-ignore lint/suspicious/noExplicitAny: one JSON object per line
    const parse = (line: string): any => JSON.parse(line);
    return text.trimEnd().split('\n').map(parse);
  }

  it('every message in scope exactly once, oldest first, with its history and XML that round-trips', async () => {
    const lines = await exported('');
    const inDb = [
      ...(await db().select({ id: inboxMessages.id }).from(inboxMessages)),
      ...(await db().select({ id: outboxMessages.id }).from(outboxMessages)),
    ]
      .map((r) => r.id)
      .filter((id) => id !== m.otherGarbage);
    expect(ids(lines).sort()).toEqual(inDb.sort());
    expect(new Set(ids(lines)).size).toBe(lines.length);
    const times = lines.map((l) => l.at);
    expect(times).toEqual([...times].sort());
    for (const line of lines) {
      const xml = await (await get(`/messages/${line.id}/xml`)).text();
      expect(line.xml).toBe(xml);
      expect(line.sizeBytes).toBe(Buffer.byteLength(xml));
      expect(line.events.length).toBeGreaterThanOrEqual(1);
    }
    expect(lines.find((l) => l.id === m.out305)?.events.map((e: { status: string }) => e.status)).toEqual([
      'pending',
      'failed',
      'sent',
    ]);
  });

  it('base64 XML on request; filters as the list; the other tenant exports only its own', async () => {
    const [line] = await exported('?xml=base64&type=WMO302');
    expect(line.id).toBe(m.out302);
    expect(line.xml).toBeUndefined();
    const xml = await (await get(`/messages/${m.out302}/xml`)).text();
    expect(Buffer.from(line.xmlBase64, 'base64').toString('utf8')).toBe(xml);
    expect(ids(await exported('', tokens.other))).toEqual([m.otherGarbage]);
    expect((await get('/messages/export?type=x')).status).toBe(422);
  });
});

describe('conversatieId: both directions (issue 13)', () => {
  // A 301 that came over a transport with uuid ids: its 302 takes the 301's conversatieId (CC05).
  const conversatie = '6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f';
  const ours = { in301: '', out302: '' };

  beforeAll(async () => {
    const in301 = await inbound().receiveMessage({
      payload: wmo301('ARC-3', [903]),
      transport: 'test',
      traceerId: '0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d',
      conversatieId: conversatie,
    });
    ours.in301 = in301.messageId;
    const other = assignmentWorkflowId(sampleGemeente, 903);
    const sent = await createMessageActivities({ db: db(), codec: pool }).sendMessage({
      idempotencyKey: `${other}:302`,
      workflowId: other,
      dagtekening: today,
      message: { type: 'WMO302', heenMessageId: ours.in301, retourCodes: [] },
    });
    ours.out302 = sent.outboxId;
  });

  it('finds the 301 and its 302 by the ConversatieId: list, conversation and export', async () => {
    const [row] = await db().select().from(outboxMessages).where(eq(outboxMessages.id, ours.out302));
    expect(row?.conversatieId).toBe(conversatie);
    const page = await json(`/messages?conversatieId=${conversatie}`);
    expect(ids(page.items).sort()).toEqual([ours.in301, ours.out302].sort());
    expect(page.items.map((i: { conversatieId: string }) => i.conversatieId)).toEqual([
      conversatie,
      conversatie,
    ]);
    const found = (await json(`/messages/${ours.in301}/conversation`)).messages;
    expect(ids(found)).toEqual([ours.in301, ours.out302]);
    expect(found.map((x: { conversatieId: string }) => x.conversatieId)).toEqual([conversatie, conversatie]);
    const res = await get(`/messages/export?conversatieId=${conversatie}`);
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ids(lines)).toEqual([ours.in301, ours.out302]);
  });
});

describe('input PostgreSQL cannot take is a 422, never a 500 (issue 13)', () => {
  const b64 = (v: unknown) =>
    Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const uuid = '6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f';

  async function refused(path: string, field: string) {
    const res = await get(path);
    expect(res.status, path).toBe(422);
    const body = (await res.json()) as { detail: string; findings: { path: string }[] };
    expect(body.findings[0]?.path, path).toBe(field);
    expect(body.detail).not.toContain('\u0000');
  }

  it('timestamps outside PostgreSQL’s range, NUL in text filters', async () => {
    await refused('/messages?from=0000-01-01T00:00:00Z', 'query.from');
    await refused('/messages?to=0000-12-31T23:59:59Z', 'query.to');
    await refused('/messages/export?from=0000-01-01T00:00:00Z', 'query.from');
    await refused('/messages?conversatieId=a%00b', 'query.conversatieId');
    await refused('/messages?traceerId=a%00b', 'query.traceerId');
    await refused('/messages/export?traceerId=a%01b', 'query.traceerId');
    await refused(`/messages?traceerId=${'x'.repeat(101)}`, 'query.traceerId');
    // Still fine: the first and last instants PostgreSQL reads this way.
    expect((await get('/messages?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z')).status).toBe(200);
  });

  it('forged cursors on every list route', async () => {
    const forged: Record<string, unknown[]> = {
      '/messages': [
        ['not a time', uuid],
        ['0000-01-01T00:00:00.000000Z', uuid],
        ['2026-13-45T99:00:00.000000Z', uuid],
        ['2026-11-20T10:00:00.000000Z', 'x\u0000'],
      ],
      '/escalations': [
        ['yesterday', uuid],
        ['0000-01-01 00:00:00+00', uuid],
      ],
      '/assignments': [
        ['0384', 1e12],
        ['0384', 1.5],
        ['03\u000084', 1],
      ],
      '/deadlines': [
        ['0000-01-01', 'wmo:0384:1', 'd'],
        ['2026-11-20', 'wmo\u0000', 'd'],
        ['2026-11-20', 'wmo:0384:1', '\uD800'],
      ],
    };
    const junk = ['!!!', b64('{not json'), b64({ a: 1 }), b64([1, 2, 3]), b64('null'), 'A'.repeat(5000)];
    for (const [route, positions] of Object.entries(forged))
      for (const cursor of [...junk, ...positions.map(b64)])
        await refused(`${route}?cursor=${cursor}`, 'query.cursor');
  });
});

describe('GET /v1/messages/export that fails after it started (issue 13)', () => {
  it('ends with an error line the client sees, and logs one line without SQL or parameters', async () => {
    const lines: string[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = createApi({
      temporal: env.client,
      namespace: 'default',
      taskQueue: 'archive-test',
      database: testDb.handle,
      apiKeys,
      log: (line) => lines.push(line),
      messages: { db: db(), inbound: inbound(), exportPageSize: 2 },
    });
    const res = await app.request('/v1/messages/export', {
      headers: { authorization: `Bearer ${tokens.aanbieder}`, 'x-request-id': 'export-fault-1' },
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    // The first page is out; the next page's query finds no table.
    await db().execute(sql`alter table message_events rename to message_events_away`);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    } finally {
      await db().execute(sql`alter table message_events_away rename to message_events`);
    }
    const printed = errors.mock.calls.map((c) => c.map(String).join(' '));
    errors.mockRestore();
    const out = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = out.at(-1);
    expect(out.length).toBe(3);
    expect(out.slice(0, -1).every((l) => typeof l.id === 'string')).toBe(true);
    expect(last).toEqual({
      error: {
        status: 500,
        title: 'Internal Server Error',
        detail: expect.any(String),
        requestId: 'export-fault-1',
      },
    });
    expect(last.error.detail).toContain('after 2 message(s)');
    const failures = lines.filter((l) => !l.startsWith('[api] GET'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^\[api\] export failed after 2 message\(s\): \w+.* req=export-fault-1$/);
    const logged = [...lines, ...printed].join('\n');
    expect(logged).not.toMatch(/select|message_events|params/i);
  });
});
