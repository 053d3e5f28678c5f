import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettlementActivities, settlementWebhookId } from '../../activities/claims/settlement';
import type { SettlementInput } from '../../contract/assignment/claims';
import { payments, settlementLines, settlements } from '../../db';
import { createTestDatabase } from '../support/database';
import { sampleAanbieder, sampleBsn, sampleGemeente } from '../support/messages';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

/*
 * recordSettlement / recordPayment on PostgreSQL with a real webhook receiver: written once however often
 * the activity runs, the settlement announced once by a signed `settlement.recorded` notice without
 * personal data, a notice the receiver refuses for now retried (same webhook-id), bad input refused.
 */

const secret = `whsec_${Buffer.from('settlement-test-secret-32-bytes!').toString('base64')}`;
const links = { apiUrl: 'http://api.test', temporalUiUrl: 'http://ui.test', namespace: 'default' };

let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let receiver: Receiver;

beforeAll(async () => {
  [testDb, receiver] = await Promise.all([createTestDatabase(), startReceiver()]);
  await testDb.handle.migrate();
});

afterAll(async () => {
  await receiver?.close();
  await testDb?.drop();
});

function activities(path: string) {
  return createSettlementActivities({
    db: testDb.handle.db,
    webhooks: [{ party: 'aanbieder', code: sampleAanbieder, url: receiver.url(path), secret }],
    links,
    maxAttempts: 3,
  });
}

const input = (nummer: number): SettlementInput => ({
  workflowId: `wmo:${sampleGemeente}:${nummer}`,
  gemeente: sampleGemeente,
  aanbieder: sampleAanbieder,
  toewijzingNummer: nummer,
  settlement: {
    on: '2026-12-01',
    totaal: 44720 - 22360,
    lines: [
      { referentieNummer: 'REF1', debetCredit: 'D', bedrag: 44720 },
      { referentieNummer: 'REF2', debetCredit: 'C', bedrag: 22360 },
    ],
    paymentDue: '2026-12-15',
  },
});

describe('recordSettlement', () => {
  it('writes once and notifies once, signed, without personal data', async () => {
    const a = activities('/once');
    await a.recordSettlement(input(6001));
    await a.recordSettlement(input(6001));
    await a.recordSettlement({ ...input(6001), settlement: { ...input(6001).settlement, totaal: 1 } });
    const db = testDb.handle.db;
    const rows = await db.select().from(settlements).where(eq(settlements.workflowId, 'wmo:0384:6001'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ totaal: 22360, paymentDue: '2026-12-15', noticeStatus: 'delivered' });
    const lines = await db
      .select()
      .from(settlementLines)
      .where(eq(settlementLines.workflowId, 'wmo:0384:6001'));
    expect(lines).toHaveLength(2);

    const got = receiver.on('/once');
    expect(got).toHaveLength(1);
    const notice = got[0] as (typeof got)[number];
    expect(notice.headers['webhook-id']).toBe(settlementWebhookId('wmo:0384:6001'));
    const verified = new Webhook(secret).verify(notice.body, {
      'webhook-id': notice.headers['webhook-id'] as string,
      'webhook-timestamp': notice.headers['webhook-timestamp'] as string,
      'webhook-signature': notice.headers['webhook-signature'] as string,
    });
    expect(verified).toMatchObject({
      type: 'settlement.recorded',
      data: { assignment: { toewijzingNummer: 6001 }, totaal: 22360, lines: 2, paymentDue: '2026-12-15' },
    });
    expect(notice.body).not.toContain(sampleBsn);
    expect(notice.body).not.toMatch(/clientRef|c_[a-z2-7]{26}/);
  });

  it('retries a notice the receiver cannot take yet (same webhook-id), then records it delivered', async () => {
    receiver.script('/later', [503, 204]);
    const a = activities('/later');
    const first = await a.recordSettlement(input(6002)).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ApplicationFailure);
    expect((first as ApplicationFailure).nonRetryable).toBe(false);
    await a.recordSettlement(input(6002));
    await a.recordSettlement(input(6002));
    const got = receiver.on('/later');
    expect(got.map((r) => r.headers['webhook-id'])).toEqual([
      settlementWebhookId('wmo:0384:6002'),
      settlementWebhookId('wmo:0384:6002'),
    ]);
    const [row] = await testDb.handle.db
      .select()
      .from(settlements)
      .where(eq(settlements.workflowId, 'wmo:0384:6002'));
    expect(row).toMatchObject({ noticeStatus: 'delivered', noticeAttempts: 2 });
  });

  it('records no-endpoint when the aanbieder has no webhook, and refuses bad input for good', async () => {
    const a = createSettlementActivities({ db: testDb.handle.db, webhooks: [], links });
    await a.recordSettlement(input(6003));
    const [row] = await testDb.handle.db
      .select()
      .from(settlements)
      .where(eq(settlements.workflowId, 'wmo:0384:6003'));
    expect(row?.noticeStatus).toBe('no-endpoint');
    const bad = await a
      .recordSettlement({ ...input(6004), workflowId: `wmo:0384:${sampleBsn}\u0000` })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApplicationFailure);
    expect((bad as ApplicationFailure).nonRetryable).toBe(true);
    expect((bad as Error).message).not.toContain(sampleBsn);
  });
});

describe('recordPayment', () => {
  it('is one row per (assignment, eventId), however often it runs', async () => {
    const a = activities('/pay');
    const payment = { eventId: 'bank-1', betaaldatum: '2026-12-10', bedrag: 22360, kenmerk: 'BET1' };
    const base = { workflowId: 'wmo:0384:6001', gemeente: sampleGemeente, aanbieder: sampleAanbieder };
    await a.recordPayment({ ...base, payment });
    await a.recordPayment({ ...base, payment });
    await a.recordPayment({ ...base, workflowId: 'wmo:0384:6002', payment });
    const rows = await testDb.handle.db.select().from(payments).where(eq(payments.eventId, 'bank-1'));
    expect(rows.map((r) => r.workflowId).sort()).toEqual(['wmo:0384:6001', 'wmo:0384:6002']);
    const bad = await a
      .recordPayment({ ...base, payment: { ...payment, eventId: 'bank-2', bedrag: 0 } })
      .catch((e: unknown) => e);
    expect((bad as ApplicationFailure).nonRetryable).toBe(true);
  });
});
