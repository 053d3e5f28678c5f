import { createHash } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messageRoutes } from '../../api/messages';
import { wmo323WithLines } from '../../bench/documents';
import { inboxMessages } from '../../db';
import { sampleAanbieder, sampleBsn, sampleGemeente, sampleXml, wmo301 } from '../support/messages';
import { useMessagesHarness } from '../support/messages-harness';

/*
 * The messages API as HTTP, on real parts (test/support/messages-harness.ts): tenant scope on posts and
 * reads, the archive reads, OpenAPI, content type, size and key checks, and decoding off the event loop.
 */

const h = useMessagesHarness();
const { tokens, env, db, inbound, api, post, get, expectNoBsnLeaked } = h;

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

describe('privacy', () => {
  it('no BSN in any log line, problem body or stored finding of this file', async () => {
    await expectNoBsnLeaked(5);
  });
});
