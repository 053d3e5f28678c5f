import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { createApi } from '../../api/app';
import { createWorker } from '../../app/worker';
import { amsterdamDateOf, startOfAmsterdamDay } from '../../calendar/amsterdam';
import { addDays, type IsoDate } from '../../calendar/iso-date';
import { loadProfiles } from '../../config/profiles';
import type { AssignmentClaimsState } from '../../contract/assignment';
import type { MessagePollResult } from '../../contract/messaging';
import { claimBatches, inboxMessages, outboxMessages, payments, settlements } from '../../db';
import { clientRef, createKeyring, dataConverterFor, EncryptionCodec } from '../../security';
import { generateTestPki, readPair } from '../../simulator/certs';
import { parseScenario } from '../../simulator/scenario';
import { type Simulator, startSimulator } from '../../simulator/server';
import type { SimMessage } from '../../simulator/store';
import { messageTypeOf } from '../../transport/berichtstroom';
import { createRestTransport, type RestTransport, vecozoEndpoints } from '../../transport/rest/client';
import { createTestDatabase } from '../support/database';
import { createTimeSkippingEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * Issue 15's "done when", end to end: the worker as app/worker.ts builds it (payload encryption on, the
 * real activities on PostgreSQL), the REST transport with mutual TLS to the simulator as `npm start`
 * runs it, the message poll rounds and the HTTP API. The gemeente issues 301s; the provider reports each
 * start through the API; the gemeente approves the 305s and answers every 323 with a 325 that rejects
 * every second line (9346/9307) and awards the corrected resubmission (claims-partial.json's answers).
 * Every assignment is claimed, reconciled, its rejected line corrected (confirmed through the API) and
 * resubmitted, and settles; payments posted through the API reach the workflow and the `payments` table;
 * the archive links each 325 to its 323.
 *
 * Claims wait for month ends and a submission term, and a correction goes into the current month's 323:
 * on the dev server's wall clock that is weeks. So Temporal is the time-skipping test server, time
 * locked (a plain client) and moved only by `env.sleep`; the simulator's clock and the inbound path's
 * "today" follow the server's, so dagtekeningen stay consistent with the workflows' days.
 */

const gemeente = '0384';
const aanbieder = '42420001';
const clients = 6;
const firstNummer = 6000;
const nummers = Array.from({ length: clients }, (_, i) => firstNummer + i);

const token = 'e2e-claims-token';
const apiKeys = [
  {
    id: 'zorg-bv',
    tokenSha256: createHash('sha256').update(token).digest('hex'),
    aanbieders: [aanbieder],
    gemeenten: [],
  },
];
const keyring = createKeyring([{ id: 'e2e-2026', key: randomBytes(32).toString('base64') }], 'e2e-2026');
const dataConverter = dataConverterFor(keyring);
const refSecret = randomBytes(32).toString('hex');

vi.spyOn(console, 'log').mockImplementation(() => {});

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;
let sim: Simulator;
let transport: RestTransport;
let client: Client;
let worker: Worker;
let workerRun: Promise<void>;
let taskQueue: string;
let app: ReturnType<typeof createApi>;
const codec = createCodecPool({ size: 2 });
/** Server time − wall time: the clock of the simulator and of the inbound path. */
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const today = (): IsoDate => amsterdamDateOf(clock());

const scenario = parseScenario({
  name: 'e2e-claims',
  gemeente,
  aanbieder,
  // Care for 10 days from the day of issue: one or two months of lines, then the toewijzing ends.
  toewijzingen: { clients, seed: 8, firstNummer, issueOnStart: false, durationDays: 10 },
  answers: {
    delayMs: 100,
    WMO305: { decision: 'approve' },
    WMO307: { decision: 'approve' },
    WMO323: { decision: 'reject-some', every: 2, retourCodes: ['9346', '9307'], resubmissions: 'award' },
  },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwmo-e2e-claims-'));
  const pki = await generateTestPki({ dir, clients: [aanbieder] });
  const ca = await readFile(pki.caCert, 'utf8');
  const started = await Promise.all([createTimeSkippingEnv(), createTestDatabase()]);
  [env, testDb] = started;
  offsetMs = (await env.currentTimeMs()) - Date.now();
  sim = await startSimulator({
    tls: { ...(await readPair(pki.server)), ca },
    scenario,
    now: clock,
    log: () => {},
  });
  const pair = pki.clients[aanbieder];
  if (!pair) throw new Error('no client certificate');
  transport = createRestTransport({
    endpoints: vecozoEndpoints(sim.url),
    tls: { ...(await readPair(pair)), ca },
  });
  await testDb.handle.migrate();
  const db = testDb.handle.db;
  taskQueue = `e2e-claims-${randomUUID()}`;
  // A plain client: waiting on it does not unlock time skipping (env.client would).
  client = new Client({ connection: env.connection, dataConverter });
  const inbound = createInbound({
    db,
    temporal: client,
    taskQueue,
    profiles: loadProfiles(),
    clientRef: (bsn) => clientRef(bsn, refSecret),
    codec,
    today,
  });
  worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db, codec, transport, inbound, temporal: client }),
    dataConverter,
  });
  workerRun = worker.run();
  app = createApi({
    temporal: client,
    namespace: 'default',
    taskQueue,
    database: testDb.handle,
    apiKeys,
    messages: { db, inbound },
    codec: { payloadCodec: new EncryptionCodec(keyring), allowedKeyIds: [], uiOrigins: [] },
    log: () => {},
  });
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await codec.close();
  transport?.close();
  await sim?.close();
  await testDb?.drop();
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// ---- helpers ----

async function call(path: string, init: RequestInit = {}) {
  const res = await app.request(`/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
  });
  return { status: res.status, text: await res.text() };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
async function getJson(path: string): Promise<any> {
  const res = await call(path);
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return JSON.parse(res.text);
}

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
async function post(path: string, body: unknown): Promise<any> {
  const res = await call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path}: ${res.text}`).toBe(202);
  return JSON.parse(res.text);
}

function pollRound(): Promise<MessagePollResult> {
  return client.workflow.execute('messagePollWorkflow', {
    taskQueue,
    workflowId: `e2e-claims-poll-${randomUUID()}`,
    args: [{}],
  });
}

async function roundsUntil(done: () => Promise<boolean>, what: string, rounds = 40): Promise<number> {
  let last: MessagePollResult | undefined;
  for (let i = 1; i <= rounds; i++) {
    last = await pollRound();
    if (await done()) return i;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not reached after ${rounds} rounds: ${what} (last round ${JSON.stringify(last)})`);
}

/** Server time moves on to 09:00 Amsterdam of `date`; the simulator and inbound clocks follow. */
async function skipTo(date: IsoDate) {
  const until = startOfAmsterdamDay(date).getTime() + 9 * 3600_000;
  const now = await env.currentTimeMs();
  if (until > now) await env.sleep(until - now);
  offsetMs = (await env.currentTimeMs()) - Date.now();
}

const pushed = (type: string): SimMessage[] =>
  sim.store.all().filter((m) => m.afzender.code === aanbieder && messageTypeOf(m.berichtstroom) === type);
const issuedOf = (type: string): SimMessage[] =>
  sim.store.all().filter((m) => m.mailbox === aanbieder && messageTypeOf(m.berichtstroom) === type);
const allConfirmed = () => sim.store.all().every((m) => m.mailbox !== aanbieder || m.confirmed);
const inboxOf = (type: string) =>
  testDb.handle.db.select().from(inboxMessages).where(eq(inboxMessages.messageType, type));
const outboxOf = (type: string) =>
  testDb.handle.db.select().from(outboxMessages).where(eq(outboxMessages.messageType, type));

async function claimsOf(n: number): Promise<AssignmentClaimsState> {
  const body = await getJson(`/assignments/${gemeente}/${n}/claims`);
  return body.claims;
}

/** The first day of the month after `date`. */
const nextMonth = (date: IsoDate): IsoDate => {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

// ---- the claim path ----

describe(`${clients} assignments claimed, reconciled, corrected and settled through simulator and API`, () => {
  it('every assignment settles; payments reach the workflow and the table; each 325 is linked to its 323', async () => {
    const issued = sim.issue(clients);
    expect(issued).toHaveLength(clients);
    await roundsUntil(
      async () => pushed('WMO302').length >= clients && allConfirmed(),
      '302s at the gemeente',
    );

    const begindatum = today();
    for (const n of nummers)
      await post(`/assignments/${gemeente}/${n}/start`, { eventId: `e2e-start-${n}`, begindatum });
    await roundsUntil(async () => {
      const all = await Promise.all(nummers.map((n) => getJson(`/assignments/${gemeente}/${n}`)));
      return all.every((s) => s.deliveries[0]?.start?.status === 'approved') && allConfirmed();
    }, 'every start approved');

    // The toewijzing ends after 10 days; the provider reports the end of care (307, OP272) the day after.
    const einddatum = addDays(begindatum, scenario.toewijzingen.durationDays - 1);
    await skipTo(addDays(einddatum, 1));
    for (const n of nummers)
      await post(`/assignments/${gemeente}/${n}/stop`, {
        eventId: `e2e-stop-${n}`,
        einddatum,
        redenBeeindiging: '19',
      });
    await roundsUntil(async () => {
      const all = await Promise.all(nummers.map((n) => getJson(`/assignments/${gemeente}/${n}`)));
      return all.every((s) => s.deliveries[0]?.stop?.status === 'approved') && allConfirmed();
    }, 'every stop approved');

    // Month by month: past the month's end and the batch's submission moment, deliver the 323s, bring
    // the 325s in, confirm every proposed correction through the API; until each assignment settled.
    const confirmed = new Set<string>();
    const paid = new Set<number>();
    let month = begindatum;
    for (let step = 0; step < 4; step++) {
      month = nextMonth(month);
      await skipTo(addDays(month, 14));
      await roundsUntil(async () => {
        const sent = (await outboxOf('WMO323')).every((r) => r.status === 'sent');
        const answered = (await inboxOf('WMO325')).filter((r) => r.status === 'routed').length;
        return sent && answered === pushed('WMO323').length && allConfirmed();
      }, `every 323 answered by ${month}`);
      // The outcomes reach the assignments through the batch (deliverLineOutcomes).
      await vi.waitFor(
        async () => {
          for (const n of nummers) {
            const c = await claimsOf(n);
            const open = c.lines.filter((l) => l.status === 'aangeboden' && l.maand < month.slice(0, 7));
            expect(open, `${n}`).toEqual([]);
          }
        },
        { timeout: 60_000, interval: 500 },
      );
      for (const n of nummers) {
        for (const p of (await claimsOf(n)).corrections.filter((c) => c.status === 'voorgesteld')) {
          expect(p.soort, p.correctionId).toBe('herindienen');
          const r = await post(`/assignments/${gemeente}/${n}/claims/corrections/${p.correctionId}`, {
            eventId: `e2e-confirm-${p.correctionId}`,
            besluit: 'bevestigen',
          });
          expect(r).toMatchObject({ accepted: true, status: 'bevestigd' });
          confirmed.add(p.correctionId);
        }
      }
      // The gemeente pays each settlement (well before the watch's end); the payment goes in through the API.
      for (const n of nummers) {
        const settlement = (await claimsOf(n)).settlement;
        if (!settlement || paid.has(n)) continue;
        const r = await post(`/assignments/${gemeente}/${n}/claims/payments`, {
          eventId: `e2e-pay-${n}`,
          betaaldatum: today(),
          bedrag: settlement.totaal,
          kenmerk: `BET${n}`,
        });
        expect(r).toMatchObject({ accepted: true, status: 'betaald', betaald: settlement.totaal });
        paid.add(n);
      }
      if (paid.size === clients) break;
    }

    // Every assignment was claimed; every second line of the first 323 was rejected and corrected.
    expect(confirmed.size).toBeGreaterThanOrEqual(clients / 2);
    const finals = await Promise.all(nummers.map((n) => claimsOf(n)));
    for (const [i, c] of finals.entries()) {
      const n = nummers[i];
      expect(c.settlement, `${n}`).toBeDefined();
      expect(c.lines.length, `${n}`).toBeGreaterThan(0);
      // A rejected line is given up once its confirmed resubmission (a new ReferentieNummer, TR314) went out.
      const open = c.lines.filter((l) => l.status !== 'toegekend' && l.status !== 'opgegeven');
      expect(open, `${n}: every line awarded, or rejected and resubmitted`).toEqual([]);
      for (const rejected of c.lines.filter((l) => l.status === 'opgegeven')) {
        expect(rejected.retourCodes, `${n}`).toEqual(['9346', '9307']);
        const correction = c.corrections.find((p) => p.referentieNummer === rejected.referentieNummer);
        expect(correction?.status, `${n}: ${rejected.referentieNummer} corrected`).toBe('bevestigd');
        for (const resubmitted of correction?.lines ?? []) {
          const line = c.lines.find((l) => l.referentieNummer === resubmitted.referentieNummer);
          expect(line?.status, `${n}: ${resubmitted.referentieNummer} resubmitted and awarded`).toBe(
            'toegekend',
          );
          expect(line?.batchWorkflowId).not.toBe(rejected.batchWorkflowId);
        }
      }
      const awarded = c.lines.filter((l) => l.status === 'toegekend').reduce((s, l) => s + l.bedrag, 0);
      expect(c.settlement?.totaal, `${n}`).toBe(awarded);
      expect(c.settlement?.totaal, `${n}`).toBeGreaterThan(0);
      expect(c.settlement?.status, `${n}`).toBe('betaald');
      expect(c.settlement?.payments.map((p) => p.eventId)).toEqual([`e2e-pay-${n}`]);
    }
    expect(finals.filter((c) => c.lines.some((l) => l.status === 'opgegeven')).length).toBeGreaterThanOrEqual(
      clients / 2,
    );
    expect(await testDb.handle.db.select().from(settlements)).toHaveLength(clients);

    // Every settlement was paid through the API (below) while the workflow watched for it.
    await vi.waitFor(
      async () => {
        const rows = await testDb.handle.db.select().from(payments);
        expect(rows.map((r) => r.eventId).sort()).toEqual(nummers.map((n) => `e2e-pay-${n}`).sort());
      },
      { timeout: 30_000, interval: 250 },
    );
    for (const [i, c] of finals.entries()) {
      const row = (await testDb.handle.db.select().from(payments)).find(
        (r) => r.eventId === `e2e-pay-${nummers[i]}`,
      );
      expect(row?.bedrag).toBe(c.settlement?.totaal);
    }

    // Paid: each assignment's workflow is done.
    await vi.waitFor(
      async () => {
        for (const n of nummers) {
          const d = await client.workflow.getHandle(`wmo:${gemeente}:${n}`).describe();
          expect(d.status.name, `${n}`).toBe('COMPLETED');
        }
      },
      { timeout: 30_000, interval: 250 },
    );

    // Each batch sent one 323; each 325 came back to its batch and is linked to its 323 in the archive.
    const batches = await testDb.handle.db.select().from(claimBatches);
    expect(batches.length).toBe(pushed('WMO323').length);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    const in325 = await inboxOf('WMO325');
    expect(in325).toHaveLength(issuedOf('WMO325').length);
    const out323 = new Set((await outboxOf('WMO323')).map((r) => r.id));
    for (const row of in325) {
      expect(row.status).toBe('routed');
      const { messages } = await getJson(`/messages/${row.id}/conversation`);
      const mine = messages.find((m: { id: string }) => m.id === row.id);
      expect(out323.has(mine?.inReplyTo), `325 ${row.id} in reply to a 323`).toBe(true);
    }
  }, 600_000);
});
