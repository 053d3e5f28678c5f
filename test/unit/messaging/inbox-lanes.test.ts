import { describe, expect, it } from 'vitest';
import type { InboundOutcome } from '../../../activities/inbound';
import { createInboxPollActivities } from '../../../activities/inbox-poll';
import { parseScenario } from '../../../simulator/scenario';
import { build301, syntheticClients } from '../../../simulator/synthetic';
import type { FetchedMessage, Transport } from '../../../transport/types';

/*
 * pollInbox's order guarantees with receive concurrency (activities/inbox-poll.ts): 301s of different
 * clients overlap, one client's 301s stay in page order, and anything that is not a 301 is a barrier.
 * The transport and the inbound path are stand-ins that record when each message starts and ends.
 */

const scenario = parseScenario({
  name: 'lanes',
  gemeente: '0384',
  aanbieder: '42420001',
  toewijzingen: { clients: 3 },
});
const [a, b, c] = syntheticClients(3, 3);

function wmo301(client: typeof a, nummer: number): string {
  return build301({
    gemeente: '0384',
    aanbieder: '42420001',
    identificatie: `301-${nummer}`,
    dagtekening: '2026-11-20',
    tijd: '09:15:00',
    client: client as NonNullable<typeof a>,
    toewijzingNummer: nummer,
    ingangsdatum: '2026-12-01',
    einddatum: '2027-11-30',
    toewijzing: scenario.toewijzingen,
  });
}

const message = (traceerId: string, xml: string): FetchedMessage => ({
  traceerId,
  ontvangenOp: '2026-11-20T09:15:00Z',
  size: Buffer.byteLength(xml),
  payload: Buffer.from(xml, 'utf8'),
});

// A1 and A2: two 301s for one client; X: not a 301 (a barrier); B1, C1: other clients.
const page = [
  message('A1', wmo301(a, 1)),
  message('B1', wmo301(b, 2)),
  message('A2', wmo301(a, 3)),
  message('X', '<not-a-301/>'),
  message('C1', wmo301(c, 4)),
];
const slow = new Set(['A1', 'B1']);

async function poll(concurrency: number) {
  const events: string[] = [];
  const confirmed: string[] = [];
  const transport: Transport = {
    name: 'stand-in',
    send: async () => ({ traceerId: 'unused', conversatieId: 'unused' }),
    fetch: async () => page,
    confirm: async (traceerId) => {
      confirmed.push(traceerId);
      return 'confirmed';
    },
    status: async () => [],
  };
  const inbound = {
    recordUnavailable: async () => {
      throw new Error('every message in these pages has a payload');
    },
    receiveMessage: async (m: { traceerId?: string }): Promise<InboundOutcome> => {
      const id = m.traceerId as string;
      events.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, slow.has(id) ? 30 : 1));
      events.push(`end ${id}`);
      return { duplicate: false } as InboundOutcome;
    },
  };
  const { pollInbox } = createInboxPollActivities({ transport, inbound, log: () => {} });
  const result = await pollInbox({ limit: 50, concurrency });
  return { events, confirmed, result };
}

const at = (events: string[], event: string) => {
  const i = events.indexOf(event);
  if (i < 0) throw new Error(`no '${event}' in ${events.join(', ')}`);
  return i;
};

describe('pollInbox with receive concurrency', () => {
  it("overlaps other clients' 301s, keeps one client's in order, and waits at a non-301", async () => {
    const { events, confirmed, result } = await poll(8);
    expect(at(events, 'start B1')).toBeLessThan(at(events, 'end A1')); // side by side
    expect(at(events, 'start A2')).toBeGreaterThan(at(events, 'end A1')); // same client: in order
    for (const before of ['A1', 'B1', 'A2'])
      expect(at(events, 'start X')).toBeGreaterThan(at(events, `end ${before}`));
    expect(at(events, 'start C1')).toBeGreaterThan(at(events, 'end X'));
    expect([...confirmed].sort()).toEqual(['A1', 'A2', 'B1', 'C1', 'X']);
    expect(result).toMatchObject({ fetched: 5, stored: 5, confirmed: 5, deferred: 0 });
  });

  it('concurrency 1: strictly one after another, in page order', async () => {
    const { events, confirmed } = await poll(1);
    expect(events).toEqual(page.flatMap((m) => [`start ${m.traceerId}`, `end ${m.traceerId}`]));
    expect(confirmed).toEqual(page.map((m) => m.traceerId));
  });
});
