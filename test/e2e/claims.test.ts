import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startOfAmsterdamDay } from '../../calendar/amsterdam';
import { addDays, type IsoDate } from '../../calendar/iso-date';
import type { AssignmentClaimsState } from '../../contract/assignment';
import { batchStateQuery } from '../../contract/claims';
import { claimBatches, payments, settlements } from '../../db';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

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
 * locked (a plain client) and moved only by `env.sleep` (`stack.skipTo`); the simulator's clock and the inbound path's
 * "today" follow the server's, so dagtekeningen stay consistent with the workflows' days.
 */

const gemeente = '0384';
const aanbieder = '42420001';
const clients = 6;
const firstNummer = 6000;
const nummers = Array.from({ length: clients }, (_, i) => firstNummer + i);

vi.spyOn(console, 'log').mockImplementation(() => {});

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack({
    name: 'e2e-claims',
    aanbieder,
    scenario: {
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
    },
    // The simulator's clock follows the time-skipping server's: ours, not app/transport.ts's.
    transport: 'rest',
    temporal: 'time-skipping',
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

// ---- helpers ----

/** Server time moves on to 09:00 Amsterdam of `date`; the simulator and inbound clocks follow. */
const skipTo = (date: IsoDate) => stack.skipTo(startOfAmsterdamDay(date).getTime() + 9 * 3600_000);

async function claimsOf(n: number): Promise<AssignmentClaimsState> {
  const body = await stack.getJson(`/assignments/${gemeente}/${n}/claims`);
  return body.claims;
}

/** The first day of the month after `date`. */
const nextMonth = (date: IsoDate): IsoDate => {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

/** The months an assignment has claimed: lines handed over, or a finding saying why none. */
const claimedMonths = (c: AssignmentClaimsState) => [...c.lines, ...c.findings].map((x) => x.maand);

/** Lines still waiting for a 325 from a batch of a month before `month` (the batch id ends in its month). */
const openBefore = (c: AssignmentClaimsState, month: IsoDate) =>
  c.lines.filter((l) => l.status === 'aangeboden' && l.batchWorkflowId.slice(-7) < month.slice(0, 7));

// ---- the claim path ----

describe(`${clients} assignments claimed, reconciled, corrected and settled through simulator and API`, () => {
  it('every assignment settles; payments reach the workflow and the table; each 325 is linked to its 323', async () => {
    const { sim, client, testDb, scenario, today, getJson, postAccepted: post, roundsUntil } = stack;
    const { pushed, issuedOf, allConfirmed, inboxOf, outboxOf } = stack;
    const issued = sim.issue(clients);
    expect(issued).toHaveLength(clients);
    await roundsUntil(
      async () => pushed('WMO302').length >= clients && allConfirmed(),
      '302s at the gemeente',
    );

    const begindatum = today();
    // The months of care (10 days: one or two) before `month`; each is claimed with lines or a finding.
    const careMonthsBefore = (month: IsoDate) =>
      [begindatum, addDays(begindatum, scenario.toewijzingen.durationDays - 1)]
        .map((d) => d.slice(0, 7))
        .filter((m, i, all) => all.indexOf(m) === i && m < month.slice(0, 7));
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
      // First the day after the month closed, until every assignment's lines are in their batches: one
      // skip straight past the batch's submission moment would race the hand-overs against its 323 (a
      // late line goes to a later batch, by design, but this test counts the rejections of the first).
      await skipTo(addDays(month, 1));
      await vi.waitFor(
        async () => {
          for (const n of nummers) {
            const c = await claimsOf(n);
            expect(claimedMonths(c), `${n}`).toEqual(expect.arrayContaining(careMonthsBefore(month)));
            for (const l of c.lines.filter((l) => l.status === 'aangeboden')) {
              const batch = await client.workflow.getHandle(l.batchWorkflowId).query(batchStateQuery);
              expect(
                batch.lines.map((b) => b.referentieNummer),
                `${n}`,
              ).toContain(l.referentieNummer);
            }
          }
        },
        { timeout: 60_000, interval: 250 },
      );
      await skipTo(addDays(month, 14));
      // Poll rounds go on until the 325s reached the assignments: a batch's 323 is written by its own timer
      // after the skip, so "every 323 in the outbox answered" alone can hold before it is even there.
      await roundsUntil(async () => {
        const sent = (await outboxOf('WMO323')).every((r) => r.status === 'sent');
        const answered = (await inboxOf('WMO325')).filter((r) => r.status === 'routed').length;
        if (!sent || answered !== pushed('WMO323').length || !allConfirmed()) return false;
        const open = await Promise.all(nummers.map(async (n) => openBefore(await claimsOf(n), month)));
        return open.every((lines) => lines.length === 0);
      }, `every 323 of a batch before ${month} answered, its outcomes in the assignments`);
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
