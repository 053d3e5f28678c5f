import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

/*
 * Issue 9's "done when", end to end, all real and in this process: the Temporal dev server, PostgreSQL,
 * the worker as app/worker.ts builds it (payload encryption on), the transport as app/transport.ts starts
 * it for `npm start` (the simulator over HTTPS with mutual TLS, certificates made at run time), and the
 * HTTP API as app/start.ts wires it. The simulated gemeente issues 301s for 50 clients; message-poll
 * rounds (what the Schedule starts) bring them in and the 302s out; a provider posts every start and
 * stop through the API; the gemeente answers each 305/307 with a 306/308. At the end every workflow has
 * its start and stop approved, the gemeente holds each of our messages once, and the archive every
 * message once, linked in its conversation. About 50 s on two shared cores (35 s of it the test itself: 5 rounds).
 */

const gemeente = '0384';
const aanbieder = '42420001';
const clients = 50;
const firstNummer = 5000;
const today = amsterdamDateOf(new Date());
const nummers = Array.from({ length: clients }, (_, i) => firstNummer + i);

// The service logs every request and round; keep the test output readable.
vi.spyOn(console, 'log').mockImplementation(() => {});

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack({
    name: 'e2e',
    aanbieder,
    scenario: {
      name: 'e2e-lifecycle',
      gemeente,
      aanbieder,
      toewijzingen: { clients, seed: 3, firstNummer, issueOnStart: false },
      answers: { delayMs: 200, WMO305: { decision: 'approve' }, WMO307: { decision: 'approve' } },
    },
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

// ---- helpers ----

async function states() {
  return Promise.all(nummers.map((n) => stack.getJson(`/assignments/${gemeente}/${n}`)));
}

const sortedIds = (list: { traceerId: string }[]) => list.map((m) => m.traceerId).sort();

// ---- the lifecycle ----

describe('50 clients through simulator, poller, workflows and API', () => {
  it('301 → 302, start → 305 → 306, stop → 307 → 308: all approved, each message once, archived and linked', async () => {
    const { sim, call, getJson, postAccepted: post, roundsUntil, pushed, issuedOf, allConfirmed } = stack;
    const { inboxOf, outboxOf } = stack;
    const t0 = Date.now();
    const issued = sim.issue(clients);
    expect(issued).toHaveLength(clients);

    // Every 301 routed and confirmed, every workflow's 302 delivered to the gemeente.
    const r1 = await roundsUntil(
      async () => pushed('WMO302').length >= clients && allConfirmed(),
      `${clients} 302s at the gemeente`,
    );
    expect((await inboxOf('WMO301')).map((r) => r.status)).toEqual(Array(clients).fill('routed'));
    expect(
      pushed('WMO302')
        .map((m) => m.alsAntwoordOp)
        .sort(),
    ).toEqual([...issued].sort());

    // The provider starts care for each client through the API.
    for (const n of nummers)
      await post(`/assignments/${gemeente}/${n}/start`, { eventId: `e2e-start-${n}`, begindatum: today });
    const r2 = await roundsUntil(async () => {
      const all = await states();
      return all.every((s) => s.deliveries[0]?.start?.status === 'approved') && allConfirmed();
    }, 'every start approved');
    expect(issuedOf('WMO306')).toHaveLength(clients);

    // And stops it.
    for (const n of nummers)
      await post(`/assignments/${gemeente}/${n}/stop`, {
        eventId: `e2e-stop-${n}`,
        einddatum: today,
        redenBeeindiging: '19',
      });
    const r3 = await roundsUntil(async () => {
      const all = await states();
      return all.every((s) => s.deliveries[0]?.stop?.status === 'approved') && allConfirmed();
    }, 'every stop approved');
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    console.info(`[e2e] ${clients} clients: ${r1}+${r2}+${r3} rounds, ${seconds} s`);

    // Every workflow: one delivery, start and stop approved, care stopped.
    const final = await states();
    for (const s of final) {
      expect(s.status).toBe('gestopt');
      expect(s.deliveries).toHaveLength(1);
      expect(s.deliveries[0].start.status).toBe('approved');
      expect(s.deliveries[0].stop.status).toBe('approved');
    }

    // The gemeente saw each of our messages exactly once: one per client, each under the traceerId its
    // outbox row recorded, and every outbox row sent.
    for (const type of ['WMO302', 'WMO305', 'WMO307']) {
      const atGemeente = pushed(type);
      const rows = await outboxOf(type);
      expect(atGemeente, type).toHaveLength(clients);
      expect(
        rows.map((r) => r.status),
        type,
      ).toEqual(Array(clients).fill('sent'));
      expect(sortedIds(atGemeente), type).toEqual(rows.map((r) => r.traceerId ?? '').sort());
    }
    // And every 306/308 it answered came back in once, routed.
    for (const type of ['WMO306', 'WMO308']) {
      const rows = await inboxOf(type);
      expect(
        rows.map((r) => r.status),
        type,
      ).toEqual(Array(clients).fill('routed'));
      expect(rows.map((r) => r.traceerId ?? '').sort(), type).toEqual(sortedIds(issuedOf(type)));
    }

    // The archive: the list (paged) and the export both hold each of the 6 × 50 messages exactly once.
    const listed: { id: string; messageType: string; traceerId: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await getJson(`/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      listed.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const exportRes = await call('/messages/export');
    expect(exportRes.type).toMatch(/^application\/x-ndjson/);
    const exported = exportRes.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; messageType: string; traceerId: string });
    const every = sim.store.all().map((m) => m.traceerId);
    for (const archive of [listed, exported]) {
      expect(archive).toHaveLength(6 * clients);
      expect(new Set(archive.map((m) => m.id)).size).toBe(6 * clients);
      expect(archive.map((m) => m.traceerId).sort()).toEqual([...every].sort());
      for (const type of ['WMO301', 'WMO302', 'WMO305', 'WMO306', 'WMO307', 'WMO308'])
        expect(
          archive.filter((m) => m.messageType === type),
          type,
        ).toHaveLength(clients);
    }

    // Each 305's conversation: its 306 answers it; the 301 it started from and the 302 answering that.
    const idOf = new Map(exported.map((m) => [m.traceerId, m.id]));
    for (const start of pushed('WMO305')) {
      const answer = issuedOf('WMO306').find((m) => m.alsAntwoordOp === start.traceerId);
      expect(answer, start.traceerId).toBeDefined();
      const id305 = idOf.get(start.traceerId) as string;
      const { messages } = await getJson(`/messages/${id305}/conversation`);
      const found = new Map<string, { id: string; messageType: string; inReplyTo: string | null }>(
        messages.map((m: { id: string }) => [m.id, m]),
      );
      expect(found.get(idOf.get(answer?.traceerId ?? '') ?? '')?.inReplyTo).toBe(id305);
      const toewijzing = [...found.values()].filter((m) => m.messageType === 'WMO301');
      const retour = [...found.values()].filter((m) => m.messageType === 'WMO302');
      expect(toewijzing).toHaveLength(1);
      expect(retour.map((m) => m.inReplyTo)).toEqual([toewijzing[0]?.id]);
    }
  }, 300_000);
});
