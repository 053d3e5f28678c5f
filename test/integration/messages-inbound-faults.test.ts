import { createHash } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createInbound } from '../../activities/inbound';
import { createClaimKeeper, staleClaimMs, storeInbound } from '../../activities/messaging/inbox';
import { createApi } from '../../api/app';
import { loadProfiles } from '../../config/profiles';
import { retour302Key } from '../../contract/assignment';
import { inboxMessages } from '../../db';
import { decodeAs, sampleAanbieder, sampleBsn, sampleGemeente, wmo301, xsdPath } from '../support/messages';
import { useMessagesHarness } from '../support/messages-harness';
import { validateWithXsd } from '../support/xmllint';

/*
 * The inbound path when things go wrong, on real parts (test/support/messages-harness.ts): re-delivery,
 * Temporal down, claims of busy, crashed and dead processes, bytes that are not UTF-8 (issue 13), a row
 * PostgreSQL refuses, TR056, and stored rows that were never routed.
 */

const h = useMessagesHarness();
const { tokens, apiKeys, today, clientRef, taskQueue, env, testDb, pool, db, inbound, post } = h;
const { postBytes, get, inboxRow, outboxRows, signals, expectNoBsnLeaked } = h;

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
    await expectNoBsnLeaked(11);
  });
});
