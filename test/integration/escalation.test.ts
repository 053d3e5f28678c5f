import { randomBytes, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEscalationActivities, type EscalationDeps } from '../../activities/escalation';
import { escalationPayloadSchema } from '../../activities/escalation-payload';
import type { WebhookEndpoint } from '../../activities/webhook';
import type { EscalationInput } from '../../contract/assignment';
import { createDatabase, escalationDeliveries, escalations } from '../../db';
import { listEscalations } from '../../db/queries/escalations';
import { createTestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

/*
 * The escalate activity on real parts: a PostgreSQL database and a local HTTP receiver that checks
 * the Standard Webhooks signature the way a municipality's or provider's system would.
 */

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

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const links = {
  apiUrl: 'https://iwmo.example.nl',
  temporalUiUrl: 'https://temporal.example.nl',
  namespace: 'wmo-prod',
};

/** Endpoints on unique paths per test, so the receiver's log tells tests apart. */
function endpoints(tag: string) {
  const gemeente: WebhookEndpoint = {
    party: 'gemeente',
    code: '1916',
    url: receiver.url(`/${tag}/gemeente`),
    secret: secret(),
  };
  const aanbieder: WebhookEndpoint = {
    party: 'aanbieder',
    code: '12345678',
    url: receiver.url(`/${tag}/aanbieder`),
    secret: secret(),
  };
  return { gemeente, aanbieder };
}

function input(overrides: Partial<EscalationInput> = {}): EscalationInput {
  return {
    idempotencyKey: `wmo:1916:4711/deadline-${randomUUID()}`,
    workflowId: 'wmo:1916:4711',
    gemeente: '1916',
    aanbieder: '12345678',
    toewijzingNummer: 4711,
    action: 'verstuur-305',
    rule: 'OP271',
    owner: 'aanbieder',
    dueDate: '2026-03-06',
    lateWorkingDays: 2,
    recipients: ['aanbieder', 'gemeente'],
    ...overrides,
  };
}

function activities(webhooks: WebhookEndpoint[], extra: Partial<EscalationDeps> = {}) {
  return createEscalationActivities({ db: testDb.handle.db, webhooks, links, timeoutMs: 2_000, ...extra });
}

async function rowsFor(idempotencyKey: string) {
  const rows = await testDb.handle.db
    .select()
    .from(escalations)
    .where(eq(escalations.idempotencyKey, idempotencyKey));
  const deliveries = rows[0]
    ? await testDb.handle.db
        .select()
        .from(escalationDeliveries)
        .where(eq(escalationDeliveries.escalationId, rows[0].id))
    : [];
  const byParty = Object.fromEntries(deliveries.map((d) => [d.party, d]));
  return { rows, byParty };
}

function headersOf(r: { headers: Record<string, string | string[] | undefined> }): Record<string, string> {
  return Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
}

beforeEach(() => {
  receiver.received.length = 0;
});

describe('resolveEscalation', () => {
  it('marks the escalation resolved and tells its recipients by the same signed webhook', async () => {
    const hooks = endpoints('resolved');
    const escalation = activities([hooks.gemeente, hooks.aanbieder]);
    const job = input();
    const escalated = await escalation.escalate(job);
    const resolved = await escalation.resolveEscalation({ ...job, lateWorkingDays: 3, metOn: '2026-03-11' });
    expect(resolved).toEqual({ escalationId: escalated.escalationId, delivered: 2, failed: 0 });

    for (const party of ['gemeente', 'aanbieder'] as const) {
      const [missed, notice, ...more] = receiver.on(`/resolved/${party}`);
      expect(more).toEqual([]);
      if (!missed || !notice) throw new Error(`escalation and resolution did not both arrive for ${party}`);
      // Its own webhook-id: a receiver that drops repeats by id still takes the notice.
      expect(notice.headers['webhook-id']).toBe(`${escalated.escalationId}:resolved`);
      const payload = new Webhook(hooks[party].secret).verify(notice.body, headersOf(notice));
      expect(escalationPayloadSchema.strict().parse(payload)).toMatchObject({
        type: 'escalation.resolved',
        data: {
          assignment: { workflowId: 'wmo:1916:4711', toewijzingNummer: 4711 },
          deadline: { action: 'verstuur-305', rule: 'OP271', owner: 'aanbieder', dueDate: '2026-03-06' },
          lateWorkingDays: 2,
          escalationId: escalated.escalationId,
          resolution: { metOn: '2026-03-11', lateWorkingDays: 3 },
        },
      });
    }
    const { rows } = await rowsFor(job.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('resolved');
    expect(rows[0]?.deliveredAt).toBeInstanceOf(Date);
    // Resolving again (a retried activity) sends nothing more.
    await escalation.resolveEscalation({ ...job, lateWorkingDays: 3, metOn: '2026-03-11' });
    expect(receiver.on('/resolved/gemeente')).toHaveLength(2);
  });

  it('resolves nothing when no escalation was recorded under the key', async () => {
    const hooks = endpoints('unresolved');
    const result = await activities([hooks.gemeente]).resolveEscalation({ ...input(), metOn: '2026-03-11' });
    expect(result).toEqual({ escalationId: '', delivered: 0, failed: 0 });
    expect(receiver.on('/unresolved/gemeente')).toEqual([]);
  });
});

describe('escalate', () => {
  it('delivers a Standard Webhooks signed payload to each recipient, with links and no personal data', async () => {
    const hooks = endpoints('signed');
    const job = input();
    const result = await activities([hooks.gemeente, hooks.aanbieder]).escalate(job);
    expect(result).toEqual({ escalationId: expect.any(String), delivered: 2, failed: 0 });

    for (const party of ['gemeente', 'aanbieder'] as const) {
      const [got, ...more] = receiver.on(`/signed/${party}`);
      expect(more).toEqual([]);
      if (!got) throw new Error(`nothing arrived for ${party}`);
      expect(got.headers['webhook-id']).toBe(result.escalationId);
      expect(got.headers['content-type']).toBe('application/json');
      // The receiver's check, with its own secret: it throws unless the signature matches.
      const payload = new Webhook(hooks[party].secret).verify(got.body, headersOf(got));
      expect(escalationPayloadSchema.strict().parse(payload)).toEqual({
        type: 'escalation.deadline-missed',
        timestamp: expect.any(String),
        data: {
          escalationId: result.escalationId,
          assignment: {
            workflowId: 'wmo:1916:4711',
            gemeente: '1916',
            aanbieder: '12345678',
            toewijzingNummer: 4711,
          },
          deadline: { action: 'verstuur-305', rule: 'OP271', owner: 'aanbieder', dueDate: '2026-03-06' },
          lateWorkingDays: 2,
          recipients: ['aanbieder', 'gemeente'],
          subject: { kind: 'assignment', toewijzingNummer: 4711 },
          links: {
            subject: 'https://iwmo.example.nl/v1/assignments/1916/4711',
            assignment: 'https://iwmo.example.nl/v1/assignments/1916/4711',
            temporalUi: 'https://temporal.example.nl/namespaces/wmo-prod/workflows/wmo%3A1916%3A4711',
          },
        },
      });
    }

    const { rows, byParty } = await rowsFor(job.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'delivered', toewijzingNummer: 4711, lateWorkingDays: 2 });
    expect(rows[0]?.deliveredAt).toBeInstanceOf(Date);
    expect(byParty.gemeente).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
    expect(byParty.aanbieder).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
  });

  it('lets a receiver detect a tampered body, a forged signature and the wrong secret', async () => {
    const hooks = endpoints('tamper');
    await activities([hooks.gemeente]).escalate(input({ recipients: ['gemeente'] }));
    const [got] = receiver.on('/tamper/gemeente');
    if (!got) throw new Error('nothing arrived');
    const headers = headersOf(got);
    const verifier = new Webhook(hooks.gemeente.secret);
    expect(() => verifier.verify(got.body, headers)).not.toThrow();

    const tamperedBody = got.body.replace('"lateWorkingDays":2', '"lateWorkingDays":0');
    expect(tamperedBody).not.toBe(got.body);
    expect(() => verifier.verify(tamperedBody, headers)).toThrow(WebhookVerificationError);

    const signature = headers['webhook-signature'] ?? '';
    const forged = `v1,${Buffer.from('forged'.padEnd(32, 'x')).toString('base64')}`;
    expect(forged).not.toBe(signature);
    expect(() => verifier.verify(got.body, { ...headers, 'webhook-signature': forged })).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(secret()).verify(got.body, headers)).toThrow(WebhookVerificationError);
    // Replaying the body under another id does not verify either: the id is signed too.
    expect(() => verifier.verify(got.body, { ...headers, 'webhook-id': randomUUID() })).toThrow(
      WebhookVerificationError,
    );
  });

  it('retries after a 500 without sending again to the recipient that already has it', async () => {
    const hooks = endpoints('retry');
    receiver.script('/retry/aanbieder', [500, 204]);
    const escalation = activities([hooks.gemeente, hooks.aanbieder]);
    const job = input();

    const first = await escalation.escalate(job).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(ApplicationFailure);
    expect(first).toMatchObject({ type: 'EscalationDeliveryFailed', nonRetryable: false });
    expect((first as Error).message).toMatch(/aanbieder 12345678: HTTP 500/);
    let state = await rowsFor(job.idempotencyKey);
    expect(state.rows[0]?.status).toBe('pending');
    expect(state.rows[0]?.lastError).toBe('aanbieder: HTTP 500');
    expect(state.byParty.gemeente).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(state.byParty.aanbieder).toMatchObject({ status: 'retrying', attempts: 1, lastStatusCode: 500 });

    // What Temporal does next: the same activity with the same input.
    const second = await escalation.escalate(job);
    expect(second).toEqual({ escalationId: state.rows[0]?.id, delivered: 2, failed: 0 });
    expect(receiver.on('/retry/gemeente')).toHaveLength(1);
    const aanbieder = receiver.on('/retry/aanbieder');
    expect(aanbieder).toHaveLength(2);
    expect(new Set(aanbieder.map((r) => r.headers['webhook-id']))).toEqual(new Set([second.escalationId]));
    state = await rowsFor(job.idempotencyKey);
    expect(state.rows[0]).toMatchObject({ status: 'delivered', lastError: null });
    expect(state.byParty.aanbieder).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 204 });
  });

  it('writes one row for one idempotency key, and a repeat after delivery sends nothing', async () => {
    const hooks = endpoints('once');
    const escalation = activities([hooks.gemeente, hooks.aanbieder]);
    const job = input();
    const first = await escalation.escalate(job);
    const again = await escalation.escalate({ ...job, lateWorkingDays: 5 });
    expect(again).toEqual(first);
    expect(receiver.received).toHaveLength(2);
    const { rows } = await rowsFor(job.idempotencyKey);
    expect(rows).toHaveLength(1);
    // The first write stands: a key names one escalation, whatever a later call carries.
    expect(rows[0]?.lateWorkingDays).toBe(2);
  });

  it("records a party without an endpoint as 'no-endpoint', not as an error", async () => {
    const hooks = endpoints('partial');
    const job = input();
    const result = await activities([hooks.gemeente]).escalate(job);
    expect(result).toMatchObject({ delivered: 1, failed: 0 });
    const { rows, byParty } = await rowsFor(job.idempotencyKey);
    expect(byParty.aanbieder).toMatchObject({ status: 'no-endpoint', attempts: 0 });
    expect(rows[0]?.status).toBe('delivered');

    const nobody = input();
    expect(await activities([]).escalate(nobody)).toMatchObject({ delivered: 0, failed: 0 });
    expect((await rowsFor(nobody.idempotencyKey)).rows[0]?.status).toBe('no-endpoint');
  });

  it('gives up at once on a refusal (4xx) and after the attempts run out on 5xx', async () => {
    const hooks = endpoints('final');
    receiver.script('/final/gemeente', [401]);
    receiver.script('/final/aanbieder', [503]);
    const escalation = activities([hooks.gemeente, hooks.aanbieder], { maxAttempts: 2 });
    const job = input();
    await expect(escalation.escalate(job)).rejects.toMatchObject({ type: 'EscalationDeliveryFailed' });
    const result = await escalation.escalate(job);
    expect(result).toMatchObject({ delivered: 0, failed: 2 });
    expect(receiver.on('/final/gemeente')).toHaveLength(1);
    expect(receiver.on('/final/aanbieder')).toHaveLength(2);
    const { rows, byParty } = await rowsFor(job.idempotencyKey);
    expect(rows[0]?.status).toBe('failed');
    expect(byParty.gemeente).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 401' });
    expect(byParty.aanbieder).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'HTTP 503 (after 2 attempts)',
    });
    // Nothing is left to send: a further call is a no-op.
    await escalation.escalate(job);
    expect(receiver.received).toHaveLength(3);
  });

  it('records a receiver that is down as retrying, naming the network error', async () => {
    const down = await startReceiver();
    const url = down.url('/gone');
    await down.close();
    const job = input({ recipients: ['gemeente'] });
    const hook: WebhookEndpoint = { party: 'gemeente', code: '1916', url, secret: secret() };
    await expect(activities([hook]).escalate(job)).rejects.toThrow(
      /\(gemeente 1916: ECONNREFUSED\); will retry$/,
    );
    expect((await rowsFor(job.idempotencyKey)).byParty.gemeente).toMatchObject({
      status: 'retrying',
      lastStatusCode: null,
      lastError: 'ECONNREFUSED',
    });
  });

  it('refuses malformed input without retrying, naming the field', async () => {
    const failure = await activities([])
      .escalate(input({ gemeente: '19' }))
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidEscalationInput', nonRetryable: true });
    expect((failure as Error).message).toBe('escalation input: gemeente: CBS gemeentecode is 4 digits');
  });
});

describe('on embedded PGlite (the default database of npm start)', () => {
  it('records, delivers and pages the same way', async () => {
    const handle = createDatabase({ inMemory: true });
    try {
      await handle.migrate();
      const hooks = endpoints('pglite');
      const escalation = createEscalationActivities({ db: handle.db, webhooks: [hooks.gemeente], links });
      const made = [];
      for (const nummer of [1, 2, 3]) {
        made.push(
          await escalation.escalate(input({ toewijzingNummer: nummer, idempotencyKey: `p${nummer}` })),
        );
      }
      expect(made.map((m) => m.delivered)).toEqual([1, 1, 1]);
      expect(receiver.on('/pglite/gemeente')).toHaveLength(3);
      const scope = { gemeenten: ['1916'], aanbieders: [] };
      const first = await listEscalations(handle.db, scope, {}, { limit: 2 });
      expect(first.next).toBeDefined();
      const rest = await listEscalations(
        handle.db,
        scope,
        {},
        { limit: 2, ...(first.next && { after: first.next }) },
      );
      const order = [...first.items, ...rest.items].map((r) => r.toewijzingNummer);
      expect(order).toEqual([3, 2, 1]);
      expect(rest.next).toBeUndefined();
    } finally {
      await handle.close();
    }
  });
});
