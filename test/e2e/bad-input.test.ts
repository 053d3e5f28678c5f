import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Inbound } from '../../activities/inbound';
import { createInboxPollActivities } from '../../activities/inbox-poll';
import { staleClaimMs, storeInbound } from '../../activities/messaging/inbox';
import { retour302Key } from '../../contract/assignment';
import { inboxMessages, outboxMessages } from '../../db';
import type { Simulator } from '../../simulator/server';
import { placeholderBerichtstroom } from '../../transport/berichtstroom';
import type { RestTransport } from '../../transport/rest/client';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';
import { sampleXml } from '../support/messages';
import type { SimulatorStack } from '../support/simulator-stack';

/*
 * Bad input over the transport: messages put straight into the simulator's mailbox for our aanbieder (as
 * a misbehaving gemeente or a wrong channel would), fetched over HTTPS with mutual TLS by the real poller.
 * Each is kept in the inbox as rejected, with the rule it broke, before it is confirmed; the worker keeps
 * running and a valid 301 behind them is routed. And a message whose payload the poller does not
 * download (announced too large for it) gets a rejected row (PAYLOAD-UNAVAILABLE) before it is confirmed.
 */

const gemeente = '0384';
const aanbieder = '42420001';
vi.spyOn(console, 'log').mockImplementation(() => {});

let stack: E2eStack;
let testDb: E2eStack['testDb'];
let sim: Simulator;
/** The same mailbox, read by a client that downloads at most 64 KiB per payload. */
let smallTransport: RestTransport;
let client: Client;
let inbound: Inbound;
let worker: Worker;

beforeAll(async () => {
  stack = await startE2eStack({
    name: 'bad',
    aanbieder,
    scenario: {
      name: 'bad-input',
      gemeente,
      aanbieder,
      toewijzingen: { clients: 1, seed: 5, firstNummer: 6000, issueOnStart: false },
      answers: { delayMs: 100 },
    },
    // Its own REST clients: the worker's with a longer timeout (30 MB), and one that downloads less.
    transport: 'rest',
    restOptions: { timeoutMs: 30_000 },
  });
  ({ testDb, sim, client, inbound, worker } = stack);
  smallTransport = (stack.rest as SimulatorStack).transport({ maxPayloadBytes: 64 * 1024 });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

/** Puts a message for our aanbieder into the simulator's mailbox, as if the gemeente had sent it. */
function inject(payload: string | Buffer): string {
  const traceerId = randomUUID();
  sim.store.add({
    traceerId,
    conversatieId: traceerId,
    afzender: { rol: 'gemeente', code: gemeente },
    geadresseerde: { rol: 'aanbieder', code: aanbieder },
    berichtstroom: placeholderBerichtstroom('WMO301'),
    payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8'),
    mailbox: aanbieder,
    status: 'WordtAangeboden',
  });
  return traceerId;
}

const sample301 = sampleXml('301');
/** The sample 301 under another identificatie, so every variant has its own bytes. */
const variant = (id: string) => sample301.replace('>123456789012<', `>${id}<`);

async function rowOf(traceerId: string) {
  const [row] = await testDb.handle.db
    .select()
    .from(inboxMessages)
    .where(eq(inboxMessages.traceerId, traceerId));
  return row;
}

const pollRound = () => stack.pollRound();

/** The row was finished (stored with its outcome) no later than the simulator marked it confirmed. */
function storedBeforeConfirmed(row: { processedAt: Date | null }, traceerId: string) {
  const m = sim.store.get(traceerId);
  expect(m?.confirmed, traceerId).toBe(true);
  expect(row.processedAt, traceerId).not.toBeNull();
  expect(row.processedAt?.getTime()).toBeLessThanOrEqual(new Date(m?.statusGewijzigdOp ?? 0).getTime());
}

describe('bad input over the transport', () => {
  it('malformed, DOCTYPE, 30 MB, iJw, 3.1: each stored as rejected with its rule, confirmed after; a 301 behind them is routed', async () => {
    const thirtyMb = 30_000_000;
    const padded = variant('BAD-30MB').replace(
      '<wmo301:Header>',
      `<!-- ${'x'.repeat(thirtyMb)} --><wmo301:Header>`,
    );
    const bad = {
      malformed: { id: inject('<?xml version="1.0"?><Bericht><Header>'), rule: 'XML-WELLFORMED' },
      doctype: {
        id: inject(
          variant('BAD-DTD').replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Bericht [<!ENTITY x "y">]>',
          ),
        ),
        rule: 'XML-DTD',
      },
      thirtyMb: { id: inject(padded), rule: 'OP179' },
      ijw: {
        id: inject(variant('BAD-IJW').replaceAll('iwmo/3_2/wmo301', 'ijw/3_2/jw301')),
        rule: 'XSD-ROOT',
      },
      release31: {
        id: inject(variant('BAD-31').replaceAll('iwmo/3_2/wmo301', 'iwmo/3_1/wmo301')),
        rule: 'XSD-RELEASE',
      },
    };
    expect(Buffer.byteLength(padded)).toBeGreaterThan(thirtyMb);
    const [valid] = sim.issue(1);

    let rounds = 0;
    for (; rounds < 10; rounds++) {
      const result = await pollRound();
      expect(result.pollError).toBeUndefined();
      if ((await rowOf(valid as string))?.status === 'routed') break;
    }
    expect((await rowOf(valid as string))?.status).toBe('routed');

    for (const [what, { id, rule }] of Object.entries(bad)) {
      const row = await rowOf(id);
      expect(row?.status, what).toBe('rejected');
      expect(
        ((row?.findings ?? []) as { rule: string }[]).map((f) => f.rule),
        what,
      ).toContain(rule);
      storedBeforeConfirmed(row as { processedAt: Date | null }, id);
    }
    expect((await rowOf(bad.ijw.id))?.findings).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/iJw/) }),
    ]);
    // Kept as received, byte for byte (the archive serves it); nothing left in the mailbox.
    expect((await rowOf(bad.thirtyMb.id))?.sizeBytes).toBe(Buffer.byteLength(padded));
    expect(sim.store.all().filter((m) => m.mailbox === aanbieder && !m.confirmed)).toEqual([]);
    expect(worker.getState()).toBe('RUNNING');
  }, 240_000);

  it('a payload the poller does not download: stored as rejected (PAYLOAD-UNAVAILABLE) with its traceerId, then confirmed; once', async () => {
    const big = variant('BIG-100K').replace(
      '<wmo301:Header>',
      `<!-- ${'y'.repeat(100_000)} --><wmo301:Header>`,
    );
    const traceerId = inject(big);
    const poll = createInboxPollActivities({ transport: smallTransport, inbound, log: () => {} });
    const result = await poll.pollInbox({ limit: 10 });
    expect(result).toMatchObject({ fetched: 1, unavailable: 1, confirmed: 1, stored: 0, deferred: 0 });
    const row = await rowOf(traceerId);
    expect(row).toMatchObject({
      status: 'rejected',
      transport: 'vecozo',
      traceerId,
      conversatieId: traceerId,
      afzender: gemeente,
      messageType: 'WMO301',
      payload: '',
      sizeBytes: 0,
    });
    const findings = row?.findings as { rule: string; message: string }[];
    expect(findings.map((f) => f.rule)).toEqual(['PAYLOAD-UNAVAILABLE']);
    expect(findings[0]?.message).toContain(`${Buffer.byteLength(big)} bytes`);
    storedBeforeConfirmed(row as { processedAt: Date | null }, traceerId);

    // Offered again (a confirm that got lost): recognised, still one row.
    const again = await inbound.recordUnavailable({
      traceerId,
      transport: 'vecozo',
      reason: 'too-large',
      size: 1,
    });
    expect(again).toEqual({ messageId: row?.id, duplicate: true });
    const rows = await testDb.handle.db
      .select()
      .from(inboxMessages)
      .where(eq(inboxMessages.traceerId, traceerId));
    expect(rows).toHaveLength(1);
  });
});

describe('issue 13 over the transport', () => {
  it('a payload not downloaded whose announced Afzender holds a NUL: still recorded (without that code) and confirmed', async () => {
    const traceerId = randomUUID();
    const big = variant('BIG-NUL').replace(
      '<wmo301:Header>',
      `<!-- ${'z'.repeat(100_000)} --><wmo301:Header>`,
    );
    sim.store.add({
      traceerId,
      conversatieId: traceerId,
      afzender: { rol: 'gemeente', code: '0384\u0000' },
      geadresseerde: { rol: 'aanbieder', code: aanbieder },
      berichtstroom: placeholderBerichtstroom('WMO301'),
      payload: Buffer.from(big, 'utf8'),
      mailbox: aanbieder,
      status: 'WordtAangeboden',
    });
    const poll = createInboxPollActivities({ transport: smallTransport, inbound, log: () => {} });
    const result = await poll.pollInbox({ limit: 10 });
    expect(result).toMatchObject({ fetched: 1, unavailable: 1, confirmed: 1 });
    expect(await rowOf(traceerId)).toMatchObject({ status: 'rejected', afzender: null });
  });

  it('NUL, UTF-16 (with and without BOM), invalid UTF-8: stored once as sent, rejected (PAYLOAD-ENCODING), confirmed, not fetched again', async () => {
    const utf16 = (xml: string) =>
      Buffer.from(xml.replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le');
    const xml = (id: string) => Buffer.from(variant(id), 'utf8');
    const cases: Record<string, Buffer> = {
      nul: Buffer.from(variant('ENC-T-NUL').replace('?>', '?>\u0000'), 'utf8'),
      utf16bom: Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(variant('ENC-T-16B'))]),
      utf16: utf16(variant('ENC-T-16')),
      invalidUtf8: (() => {
        const b = xml('ENC-T-BAD');
        const at = b.indexOf('</');
        return Buffer.concat([b.subarray(0, at), Buffer.from([0xfe, 0x80]), b.subarray(at)]);
      })(),
    };
    const ids = Object.fromEntries(Object.entries(cases).map(([what, bytes]) => [what, inject(bytes)]));
    const first = await pollRound();
    expect(first.pollError).toBeUndefined();
    expect(first.inbox).toMatchObject({ fetched: 4, stored: 4, confirmed: 4, deferred: 0 });
    for (const [what, bytes] of Object.entries(cases)) {
      const traceerId = ids[what] as string;
      const rows = await testDb.handle.db
        .select()
        .from(inboxMessages)
        .where(eq(inboxMessages.traceerId, traceerId));
      expect(rows, what).toHaveLength(1);
      const row = rows[0];
      expect(row?.status, what).toBe('rejected');
      expect(
        ((row?.findings ?? []) as { rule: string }[]).map((f) => f.rule),
        what,
      ).toEqual(['PAYLOAD-ENCODING']);
      expect(Buffer.compare(row?.rawPayload as Buffer, bytes), what).toBe(0);
      storedBeforeConfirmed(row as { processedAt: Date | null }, traceerId);
    }
    // Confirmed: the next round finds nothing of them.
    const second = await pollRound();
    expect(second.inbox.fetched).toBe(0);
  }, 120_000);

  it('TR056: a second 301 with a used Identificatie and other content gets a 302 with 9056, no new version', async () => {
    const original = variant('TR56-T');
    const changed = original.replace(/<iwmo:Volume>10<\/iwmo:Volume>/, '<iwmo:Volume>20</iwmo:Volume>');
    expect(changed).not.toBe(original);
    const first = inject(original);
    await pollRound();
    const routed = await rowOf(first);
    expect(routed?.status).toBe('routed');
    const second = inject(changed);
    const again = inject(original); // the same bytes under a new traceerId: a re-delivery, no-op
    await pollRound();
    const reused = await rowOf(second);
    expect(reused?.status).toBe('rejected');
    expect(((reused?.findings ?? []) as { rule: string; retourCode?: string }[])[0]).toMatchObject({
      rule: 'TR056',
      retourCode: '9056',
    });
    const [retour] = await testDb.handle.db
      .select()
      .from(outboxMessages)
      .where(eq(outboxMessages.idempotencyKey, retour302Key(reused?.id as string)));
    expect(retour?.messageType).toBe('WMO302');
    expect(retour?.payload).toContain('9056');
    expect(retour?.alsAntwoordOp).toBe(second);
    expect(await rowOf(again)).toBeUndefined(); // recognised by its bytes: the first row answered it
    const workflowId = routed?.routedTo as string;
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const signals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'toewijzing',
    );
    expect(signals).toHaveLength(1);
    expect(sim.store.all().filter((m) => m.mailbox === aanbieder && !m.confirmed)).toEqual([]);
  }, 120_000);
  it('a row a dead process stored but never routed (stale claim) is routed by the next poll round, once', async () => {
    const xml = variant('STRAND-T');
    const bytes = Buffer.from(xml);
    const { row } = await storeInbound(testDb.handle.db, {
      payload: xml,
      payloadSha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.byteLength,
      transport: 'api',
      traceerId: null,
      conversatieId: null,
      submittedBy: 'someone',
      afzender: gemeente,
      ontvanger: aanbieder,
      messageType: 'WMO301',
    });
    const crashed = new Date(Date.now() - staleClaimMs - 1000);
    await testDb.handle.db
      .update(inboxMessages)
      .set({ claimedAt: crashed })
      .where(eq(inboxMessages.id, row.id));
    await pollRound();
    await pollRound();
    const [after] = await testDb.handle.db.select().from(inboxMessages).where(eq(inboxMessages.id, row.id));
    expect(after?.status).toBe('routed');
    const history = await client.workflow.getHandle(after?.routedTo as string).fetchHistory();
    const signals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'toewijzing',
    );
    expect(signals).toHaveLength(1);
  }, 120_000);
});
