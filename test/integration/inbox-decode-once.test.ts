import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbound } from '../../activities/inbound';
import { createInboxPollActivities } from '../../activities/inbox-poll';
import { inlineCodec, type MessageCodec } from '../../activities/messaging/codec';
import { loadProfiles } from '../../config/profiles';
import { inboxMessages } from '../../db';
import type { FetchedMessage, Transport } from '../../transport/types';
import { createTestDatabase } from '../support/database';
import { wmo301 } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * The poll path decodes a 301 once (activities/messaging/predecode.ts): the poller decodes it for its
 * lane key and hands the result to the inbound path, which stores and routes it without decoding it
 * again. Counted at the codec, on real parts (PostgreSQL, the Temporal dev server the 301s are routed
 * to; no worker: a started assignment just waits). The mailbox is a stand-in page.
 */

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
});

afterAll(async () => {
  await testDb?.drop();
  await env?.teardown();
});

/** inlineCodec, counting how often each message text is decoded. */
function countingCodec() {
  const decodes = new Map<string, number>();
  const codec: MessageCodec = {
    ...inlineCodec,
    inspect: (xml, today) => {
      decodes.set(xml, (decodes.get(xml) ?? 0) + 1);
      return inlineCodec.inspect(xml, today);
    },
  };
  return { codec, decodes };
}

function mailbox(page: FetchedMessage[]): Transport {
  return {
    name: 'stand-in',
    send: async () => ({ traceerId: 'unused', conversatieId: 'unused' }),
    fetch: async () => page,
    confirm: async () => 'confirmed',
    status: async () => [],
  };
}

async function pollOnce(prefix: string, concurrency: number) {
  const { codec, decodes } = countingCodec();
  const xmls = [1, 2, 3].map((n) => wmo301(`${prefix}-${n}`, [Number(`${concurrency}0${n}`)]));
  const page = xmls.map((xml, i) => ({
    traceerId: `${prefix}-t${i}`,
    ontvangenOp: '2026-11-20T09:15:00Z',
    size: Buffer.byteLength(xml),
    payload: Buffer.from(xml, 'utf8'),
  }));
  const inbound = createInbound({
    db: testDb.handle.db,
    temporal: env.client,
    taskQueue: 'decode-once',
    profiles: loadProfiles(),
    clientRef: (bsn) => `c-${createHmac('sha256', 'test').update(bsn).digest('hex').slice(0, 20)}`,
    codec,
  });
  const { pollInbox } = createInboxPollActivities({
    transport: mailbox(page),
    inbound,
    codec,
    log: () => {},
  });
  const result = await pollInbox({ limit: 50, concurrency });
  const rows = await Promise.all(
    page.map(async (m) => {
      const [row] = await testDb.handle.db
        .select({ status: inboxMessages.status })
        .from(inboxMessages)
        .where(eq(inboxMessages.traceerId, m.traceerId));
      return row?.status;
    }),
  );
  return { result, rows, counts: xmls.map((xml) => decodes.get(xml) ?? 0) };
}

describe('a 301 on the poll path is decoded once', () => {
  it('with receive concurrency (read ahead for its lane, not again when stored and routed)', async () => {
    const { result, rows, counts } = await pollOnce('DEC-A', 32);
    expect(result).toMatchObject({ fetched: 3, stored: 3, confirmed: 3 });
    expect(rows).toEqual(['routed', 'routed', 'routed']);
    expect(counts).toEqual([1, 1, 1]);
  });

  it('one by one (nothing read ahead)', async () => {
    const { result, rows, counts } = await pollOnce('DEC-B', 1);
    expect(result).toMatchObject({ fetched: 3, stored: 3, confirmed: 3 });
    expect(rows).toEqual(['routed', 'routed', 'routed']);
    expect(counts).toEqual([1, 1, 1]);
  });
});
