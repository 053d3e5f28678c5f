import { createHash, createHmac } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { createApi } from '../../api/app';
import { loadProfiles } from '../../config/profiles';
import {
  batchStateQuery,
  type ClaimLine,
  claimLinesSignal,
  claimsBatchWorkflowId,
} from '../../contract/claims';
import { claimBatches, inboxMessages, outboxMessages } from '../../db';
import { referentieNummer } from '../../declaratie';
import { buildDeclaratieAntwoord, encode, type MessageOf } from '../../iwmo';
import { createTestDatabase } from '../support/database';
import { decodeAs, sampleAanbieder, sampleBsn, sampleGemeente, wmo301 } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';

/*
 * The I/O side of claims on real parts (Temporal dev server, PostgreSQL, the codec's worker threads, the
 * HTTP API, the real activities): a 325 posted to /v1/messages reaches the batch of its 323 and the
 * archive shows them as one conversation; a 325 for no batch is kept, rejected with DECLARATIE-ONBEKEND;
 * the claims routes are tenant-scoped and refuse bad input naming the rule.
 */

const tokens = { aanbieder: 'ci-a', gemeente: 'ci-g', other: 'ci-o' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const apiKeys = [
  { id: 'zorg-bv', tokenSha256: sha(tokens.aanbieder), aanbieders: [sampleAanbieder], gemeenten: [] },
  { id: 'gemeente', tokenSha256: sha(tokens.gemeente), aanbieders: [], gemeenten: [sampleGemeente] },
  { id: 'other', tokenSha256: sha(tokens.other), aanbieders: ['11112222'], gemeenten: ['1916'] },
];
const clientRef = (bsn: string) => `c-${createHmac('sha256', 'k').update(bsn).digest('hex').slice(0, 20)}`;
const maand = '2026-05';
const nummers = [7301, 7302];

vi.spyOn(console, 'log').mockImplementation(() => {});

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;
const pool = createCodecPool({ size: 1 });
const db = () => testDb.handle.db;
const batchId = claimsBatchWorkflowId(sampleAanbieder, sampleGemeente, maand);

function inbound() {
  return createInbound({
    db: db(),
    temporal: env.client,
    taskQueue,
    profiles: loadProfiles(),
    clientRef,
    codec: pool,
    today: () => '2026-06-20',
  });
}

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

async function call(path: string, init: RequestInit & { token?: string } = {}) {
  const { token = tokens.aanbieder, headers, ...rest } = init;
  const res = await api().request(`/v1${path}`, {
    ...rest,
    headers: { authorization: `Bearer ${token}`, ...(headers as Record<string, string>) },
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, text };
}

const postXml = (xml: string, token = tokens.gemeente) =>
  call('/messages', { method: 'POST', body: xml, token, headers: { 'content-type': 'application/xml' } });

function line(toewijzingNummer: number, toewijzingMessageId: string): ClaimLine {
  return {
    referentieNummer: referentieNummer({
      gemeente: sampleGemeente,
      toewijzingNummer,
      periode: `${maand}-01`,
      productCode: '01A01',
      volgnummer: 0,
    }),
    toewijzingNummer,
    clientRef: clientRef(sampleBsn),
    toewijzingMessageId,
    categorie: '01',
    code: '01A01',
    productPeriode: { begindatum: `${maand}-01`, einddatum: `${maand}-31` },
    volume: 10,
    eenheid: '04',
    tarief: 6640,
    bedrag: 10 * 6640,
    debetCredit: 'D',
  };
}

const ids = { in301: '', out323: '', in325: '' };
let sent: MessageOf<'WMO323'>;
let lines: ClaimLine[];

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
  ({ worker, taskQueue } = await createTestWorker(env, createActivities({ db: db(), temporal: env.client })));
  running = worker.run();
  const in301 = await inbound().receiveMessage({ payload: wmo301('CIO-1', nummers), transport: 'test' });
  expect(in301.status).toBe('routed');
  ids.in301 = in301.messageId;
  lines = nummers.map((n) => line(n, ids.in301));
  const handle = await env.client.workflow.signalWithStart('claimsBatchWorkflow', {
    taskQueue,
    workflowId: batchId,
    args: [
      {
        aanbieder: sampleAanbieder,
        gemeente: sampleGemeente,
        maand,
        profile: loadProfiles().profileFor(sampleGemeente),
      },
    ],
    signal: claimLinesSignal,
    signalArgs: [{ assignmentWorkflowId: `wmo:${sampleGemeente}:${nummers[0]}`, handOverKey: 'k1', lines }],
  });
  let state = await handle.query(batchStateQuery);
  for (let i = 0; state.status === 'verzamelen' && i < 400; i++) {
    await new Promise((r) => setTimeout(r, 50));
    state = await handle.query(batchStateQuery);
  }
  expect(state.status).toBe('ingediend');
  const [out] = await db().select().from(outboxMessages).where(eq(outboxMessages.workflowId, batchId));
  ids.out323 = out?.id as string;
  sent = decodeAs(out?.payload as string, 'WMO323');
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await pool.close();
  await env?.teardown();
  await testDb?.drop();
});

function xml325(message: MessageOf<'WMO325'>): string {
  const encoded = encode(message, { rules: 'report' });
  if (!encoded.ok) throw new Error(`325 did not encode: ${encoded.findings[0]?.rule}`);
  return encoded.xml;
}

describe('a 325 through POST /v1/messages', () => {
  it('reaches the batch of its 323 (pseudonymised) and the archive links 325 ↔ 323', async () => {
    const rejected = lines[1]?.referentieNummer as string;
    const answer = buildDeclaratieAntwoord(
      sent,
      { prestaties: new Map([[rejected, ['0611']]]) },
      { identificatie: 'ANT0001', dagtekening: '2026-06-20' },
    );
    const res = await postXml(xml325(answer));
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      status: 'routed',
      messageType: 'WMO325',
      declaratie: {
        workflowId: batchId,
        declaratieIdentificatie: sent.bericht.Header.BerichtIdentificatie.Identificatie,
      },
    });
    ids.in325 = res.body.messageId;

    const handle = env.client.workflow.getHandle(batchId);
    await handle.result();
    const [batch] = await db().select().from(claimBatches).where(eq(claimBatches.workflowId, batchId));
    expect(batch).toMatchObject({ status: 'beoordeeld', antwoordMessageId: ids.in325 });
    expect(JSON.stringify(await handle.fetchHistory())).not.toContain(sampleBsn);

    const conv = await call(`/messages/${ids.in325}/conversation`);
    expect(conv.status).toBe(200);
    const byId = new Map(conv.body.messages.map((m: { id: string }) => [m.id, m]));
    expect(byId.get(ids.out323)).toBeDefined();
    expect(byId.get(ids.in325)).toMatchObject({ inReplyTo: ids.out323 });
    // From the 323's side too.
    const from323 = await call(`/messages/${ids.out323}/conversation`);
    expect(from323.body.messages.map((m: { id: string }) => m.id)).toContain(ids.in325);

    // The transport's conversatieId of the 323 finds the 325 too (list and export filter).
    await db()
      .update(outboxMessages)
      .set({ conversatieId: 'C-323-CIO' })
      .where(eq(outboxMessages.id, ids.out323));
    const listed = await call('/messages?conversatieId=C-323-CIO');
    expect(listed.body.items.map((m: { id: string }) => m.id).sort()).toEqual([ids.out323, ids.in325].sort());
  });

  it('a 325 for no batch of ours is stored, rejected with DECLARATIE-ONBEKEND, and visible', async () => {
    const answer = buildDeclaratieAntwoord(sent, {}, { identificatie: 'ANT0002', dagtekening: '2026-06-20' });
    answer.bericht.Header.DeclaratieIdentificatie = { Identificatie: 'ONBEKEND9', Dagtekening: '2026-06-10' };
    if (answer.bericht.DeclaratieAntwoord)
      answer.bericht.DeclaratieAntwoord.DeclaratieNummer = '038420990101';
    const res = await postXml(xml325(answer));
    expect(res.status, res.text).toBe(422);
    expect(res.body.findings[0]).toMatchObject({ rule: 'DECLARATIE-ONBEKEND' });
    expect(res.text).not.toContain(sampleBsn);
    const [row] = await db().select().from(inboxMessages).where(eq(inboxMessages.id, res.body.messageId));
    expect(row).toMatchObject({ status: 'rejected', messageType: 'WMO325', routedTo: null });
    const shown = await call(`/messages/${res.body.messageId}`);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).toContain('DECLARATIE-ONBEKEND');
  });

  it('a 325 from another gemeente for our 323 does not reach the batch', async () => {
    const answer = buildDeclaratieAntwoord(sent, {}, { identificatie: 'ANT0003', dagtekening: '2026-06-20' });
    answer.bericht.Header.Afzender = '1916';
    const res = await postXml(xml325(answer), tokens.aanbieder);
    expect(res.status, res.text).toBe(422);
    expect(res.body.findings[0]).toMatchObject({ rule: 'DECLARATIE-ONBEKEND' });
  });
});

describe('claims batches API', () => {
  it('lists and shows a batch to its aanbieder and gemeente, 404/empty for another tenant', async () => {
    for (const token of [tokens.aanbieder, tokens.gemeente]) {
      const list = await call(`/claims/batches?maand=${maand}`, { token });
      expect(list.status).toBe(200);
      expect(list.body.items.map((b: { workflowId: string }) => b.workflowId)).toEqual([batchId]);
    }
    const none = await call('/claims/batches', { token: tokens.other });
    expect(none.body.items).toEqual([]);
    expect((await call(`/claims/batches/${batchId}`, { token: tokens.other })).status).toBe(404);

    const one = await call(`/claims/batches/${batchId}`, { token: tokens.gemeente });
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({
      workflowId: batchId,
      declaratie: { outboxId: ids.out323, lineCount: 2 },
    });
    expect(one.body.antwoorden).toMatchObject([{ inboxMessageId: ids.in325, kind: 'beoordeeld' }]);
    expect(one.body.lines.map((l: { status: string }) => l.status).sort()).toEqual([
      'afgewezen',
      'toegekend',
    ]);
    expect(one.text).not.toContain(sampleBsn);
  });

  it('filters, pages and refuses bad input naming the rule', async () => {
    expect((await call('/claims/batches?maand=2026-04')).body.items).toEqual([]);
    expect((await call('/claims/batches?status=ingediend')).body.items).toEqual([]);
    const page = await call('/claims/batches?limit=1');
    expect(page.body.nextCursor).toBeNull();
    const forged = Buffer.from(JSON.stringify(["x' or 1=1 --"])).toString('base64url');
    for (const q of [`cursor=${forged}`, 'cursor=%00', 'maand=2026-13', 'gemeente=03%0084', 'status=open']) {
      const r = await call(`/claims/batches?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body.type).toBe('urn:iwmo-flow:problem:validation');
    }
    expect((await call('/claims/batches/declaratie%3A42420001%3A0384%3A2026-13')).status).toBe(422);
    expect((await call('/claims/batches/wmo%3A0384%3A1')).status).toBe(422);
  });
});

describe('assignment claims API', () => {
  const base = `/assignments/${sampleGemeente}/${nummers[0]}/claims`;

  it('answers the claims part of the state; another tenant gets 404', async () => {
    const r = await call(base);
    expect(r.status, r.text).toBe(200);
    expect(r.body.workflowId).toBe(`wmo:${sampleGemeente}:${nummers[0]}`);
    expect('claims' in r.body).toBe(true);
    expect((await call(base, { token: tokens.other })).status).toBe(404);
    expect((await call(`/assignments/1916/${nummers[0]}/claims`)).status).toBe(404);
  });

  it('refuses bad payments and corrections naming the rule, before any workflow sees them', async () => {
    const post = (path: string, body: unknown, token = tokens.aanbieder) =>
      call(path, {
        method: 'POST',
        token,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const good = { eventId: 'pay-1', betaaldatum: '2026-07-01', bedrag: 100 };
    for (const bad of [
      { ...good, bedrag: 0 },
      { ...good, bedrag: 1.5 },
      { ...good, betaaldatum: '2026-02-30' },
      { ...good, eventId: 'a\u0000b' },
      { ...good, kenmerk: 'Jan Jansen' },
      { ...good, extra: 1 },
    ]) {
      const r = await post(`${base}/payments`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body.findings?.length ?? 0).toBeGreaterThan(0);
    }
    expect((await post(`${base}/payments`, good, tokens.other)).status).toBe(404);
    const huge = JSON.stringify({ ...good, kenmerk: 'x'.repeat(70_000) });
    expect((await post(`${base}/payments`, huge)).status).toBe(413);
    const correction = `${base}/corrections/0384REF1:1`;
    expect(
      (await post(correction, { eventId: 'c1', besluit: 'opgeven', wijziging: { volume: 1 } })).status,
    ).toBe(422);
    expect((await post(`${base}/corrections/bad%00id`, { eventId: 'c1', besluit: 'opgeven' })).status).toBe(
      422,
    );
    expect((await post(correction, { eventId: 'c1', besluit: 'opgeven' }, tokens.other)).status).toBe(404);
  });

  it('a payment the assignment refuses (no settlement) is a problem naming the rule, not a 500', async () => {
    const r = await call(`${base}/payments`, {
      method: 'POST',
      body: JSON.stringify({ eventId: 'pay-early', betaaldatum: '2026-07-01', bedrag: 100 }),
      headers: { 'content-type': 'application/json' },
    });
    expect([409, 422], r.text).toContain(r.status);
    expect(typeof r.body.rule).toBe('string');
  });
});

describe('payment file', () => {
  const postCsv = (body: string, token = tokens.aanbieder, type = 'text/csv') =>
    call('/claims/payments', { method: 'POST', body, token, headers: { 'content-type': type } });
  const header = 'gemeente,toewijzingNummer,betaaldatum,bedrag,kenmerk';

  it('answers per line: bad lines with their rule, unknown or foreign assignments 404', async () => {
    const csv = [
      header,
      '0384,999999,2026-07-01,223.60,BET1',
      '1916,7301,2026-07-01,223.60,BET2',
      '0384,7301,2026-07-01,223.6,BET3',
      '0384,7301,2026-02-30,223.60,BET4',
      '0384,7301,2026-07-01,223.60,Jan Jansen',
      '0384,7301,2026-07-01',
      '0384,999999,2026-07-01,223.60,BET1',
    ].join('\n');
    const r = await postCsv(csv);
    expect(r.status, r.text).toBe(200);
    const byLine = new Map(r.body.lines.map((l: { line: number }) => [l.line, l]));
    expect(byLine.get(2)).toMatchObject({ status: 404 });
    expect(byLine.get(3)).toMatchObject({ status: 404 });
    expect(byLine.get(4)).toMatchObject({ status: 422, rule: 'PAYMENT-BEDRAG' });
    expect(byLine.get(5)).toMatchObject({ status: 422, rule: 'PAYMENT-DATUM' });
    expect(byLine.get(6)).toMatchObject({ status: 422, rule: 'PAYMENT-KENMERK' });
    expect(byLine.get(7)).toMatchObject({ status: 422, rule: 'PAYMENT-FILE-FIELDS' });
    expect(byLine.get(8)).toMatchObject({ status: 422, rule: 'PAYMENT-DUPLICATE' });
    expect(r.body).toMatchObject({ accepted: 0, refused: 7 });
  });

  it('refuses a file that is not one (header, content type, size, NUL)', async () => {
    const wrong = await postCsv('a,b,c\n0384,1,2026-07-01,1.00,X');
    expect(wrong.status).toBe(422);
    expect(wrong.body.rule).toBe('PAYMENT-FILE');
    expect((await postCsv(`${header}\n`)).status).toBe(422);
    expect(
      (await postCsv(`${header}\n0384,1,2026-07-01,1.00,X`, tokens.aanbieder, 'application/json')).status,
    ).toBe(415);
    expect((await postCsv(`${header}\n${'0384,1,2026-07-01,1.00,X\n'.repeat(50_000)}`)).status).toBe(413);
    const nul = await postCsv(`${header}\n0384,7301,2026-07-01,1.00,A\u0000B`);
    expect(nul.status).toBe(200);
    expect(nul.body.lines[0]).toMatchObject({ status: 422, rule: 'PAYMENT-KENMERK' });
  });
});
