import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOfAmsterdamDay } from '../../calendar/amsterdam';
import {
  antwoordSignal,
  batchOutboxDeliveredSignal,
  batchStateQuery,
  type ClaimLineOutcome,
  type ClaimLinesHandOver,
  claimLinesSignal,
  claimsBatchWorkflowId,
  correctionConfirmedUpdate,
} from '../../contract/claims';
import type { claimsBatchWorkflow } from '../../workflows';
import { eventually } from '../support/assignment';
import {
  aanbieder,
  antwoordOn,
  assignmentIdOf,
  batchDoubles,
  batchProfile,
  gemeente,
  handOversOf,
} from '../support/claims-batch';
import { xsdPath } from '../support/messages';
import { createTimeSkippingEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';
import { receivedOutcomesQuery } from '../support/workflows/claim-outcomes';
import { validateWithXsd } from '../support/xmllint';

/*
 * Issue 15, the claims batch (time-skipping server; activity doubles, the 323 built by the real builder,
 * outcomes really signalled to stand-in assignment workflows): one XSD-valid 323 per month, 325
 * outcomes back to their assignments, a late and a mismatching 325 each escalated once, a repeated
 * hand-over ignored.
 */

const day = 24 * 60 * 60 * 1000;
let env: TemporalTestEnv;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

type BatchHandle = WorkflowHandle<typeof claimsBatchWorkflow>;

function handOver(taskQueue: string, maand: string, h: ClaimLinesHandOver) {
  return env.client.workflow.signalWithStart('claimsBatchWorkflow', {
    taskQueue,
    workflowId: claimsBatchWorkflowId(aanbieder, gemeente, maand),
    args: [{ aanbieder, gemeente, maand, profile: batchProfile }],
    signal: claimLinesSignal,
    signalArgs: [h],
  }) as Promise<BatchHandle>;
}

/** Server time runs on to 00:00 Amsterdam of `date`, plus a little. */
async function skipTo(date: string) {
  const until = startOfAmsterdamDay(date).getTime() + 60_000;
  const now = await env.currentTimeMs();
  if (until > now) await env.sleep(until - now);
}

async function receivers(taskQueue: string) {
  return Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      env.client.workflow.start('claimOutcomeReceiverWorkflow', { taskQueue, workflowId: assignmentIdOf(i) }),
    ),
  );
}

async function outcomesOf(handle: { query: WorkflowHandle['query'] }): Promise<ClaimLineOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await env.client.withDeadline(Date.now() + 5_000, () => handle.query(receivedOutcomesQuery));
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
}

async function submittedBatch(taskQueue: string, d: ReturnType<typeof batchDoubles>) {
  const hand = handOversOf(2027, 1);
  let handle: BatchHandle | undefined;
  for (const h of hand) handle = await handOver(taskQueue, '2027-01', h);
  await skipTo('2027-02-03');
  const [sent] = await eventually(() => (d.submitted.length ? d.submitted : undefined), 'the 323');
  return { handle: handle as BatchHandle, hand, sent: sent as (typeof d.submitted)[number] };
}

describe('claims batch workflow', () => {
  it('three months of lines from 20 assignments: exactly three 323s, one per month, XSD-valid, totals = sum of lines', async () => {
    const d = batchDoubles(env.client);
    const { worker, taskQueue } = await createTestWorker(env, d);
    await worker.runUntil(async () => {
      const months = [1, 2, 3].map((m) => ({ maand: `2027-0${m}`, hand: handOversOf(2027, m) }));
      for (const { maand, hand } of months) for (const h of hand) await handOver(taskQueue, maand, h);
      await skipTo('2027-04-07');
      await eventually(() => d.submitted.length >= 3 || undefined, 'three 323s');
      expect(d.submitted).toHaveLength(3);
      for (const [i, { maand, hand }] of months.entries()) {
        const s = d.submitted[i] as (typeof d.submitted)[number];
        const decl = s.sent.bericht.Declaratie;
        expect(decl.DeclaratiePeriode.Begindatum).toBe(`${maand}-01`);
        expect(decl.Clienten.Client).toHaveLength(20);
        const sum = hand.flatMap((h) => h.lines).reduce((t, l) => t + l.bedrag, 0);
        expect(decl.TotaalIngediendBedrag).toEqual({ TotaalBedrag: sum, DebetCredit: 'D' });
        const xsd = validateWithXsd(s.xml, xsdPath('323'));
        expect(xsd.valid, xsd.output).toBe(true);
        // The workflow held client references; the XML carries the BSNs the builder put in.
        expect(s.xml).not.toContain('client-ref');
        const state = await env.client.workflow
          .getHandle(claimsBatchWorkflowId(aanbieder, gemeente, maand))
          .query(batchStateQuery);
        expect(state).toMatchObject({ status: 'ingediend', totaal: sum, handOvers: 20 });
      }
    });
  });

  it('a 325 rejecting two lines: those two assignments get rejected with their codes, the other 18 awarded, once each', async () => {
    const d = batchDoubles(env.client);
    const { worker, taskQueue } = await createTestWorker(env, d);
    await worker.runUntil(async () => {
      const assignments = await receivers(taskQueue);
      const { handle, hand, sent } = await submittedBatch(taskQueue, d);
      const ref = (i: number) => (hand[i] as ClaimLinesHandOver).lines[0]?.referentieNummer as string;
      const rejected = new Map([
        [ref(3), ['0611']],
        [ref(7), ['9307', '9308']],
      ]);
      await handle.signal(antwoordSignal, {
        inboxMessageId: 'in-325-1',
        ontvangen: '2027-02-10',
        antwoord: antwoordOn(sent, rejected),
      });
      await handle.result();
      for (const [i, a] of assignments.entries()) {
        const got = await outcomesOf(a);
        expect(got).toHaveLength(1);
        if (i === 3)
          expect(got[0]).toMatchObject({
            referentieNummer: ref(3),
            status: 'rejected',
            retourCodes: ['0611'],
          });
        else if (i === 7) expect(got[0]).toMatchObject({ status: 'rejected', retourCodes: ['9307', '9308'] });
        else
          expect(got[0]).toMatchObject({
            referentieNummer: ref(i),
            status: 'awarded',
            bedrag: hand[i]?.lines[0]?.bedrag,
          });
      }
      expect(d.records).toEqual([
        expect.objectContaining({ kind: 'beoordeeld', inboxMessageId: 'in-325-1' }),
      ]);
      expect(d.escalations).toEqual([]);
    });
  });

  it('a late 325 escalates once, with its rule; the 325 that comes after is applied and resolves it', async () => {
    const d = batchDoubles(env.client);
    const { worker, taskQueue } = await createTestWorker(env, d);
    await worker.runUntil(async () => {
      await receivers(taskQueue);
      const { handle, sent } = await submittedBatch(taskQueue, d);
      const { answerDue } = await handle.query(batchStateQuery);
      expect(answerDue).toBeDefined();
      await env.sleep(
        3 * day + (startOfAmsterdamDay(answerDue as string).getTime() - (await env.currentTimeMs())),
      );
      await eventually(() => d.escalations.length || undefined, 'the escalation');
      await env.sleep(20 * day);
      expect(d.escalations).toEqual([
        expect.objectContaining({
          action: 'verstuur-325',
          rule: 'OP090x4',
          owner: 'gemeente',
          dueDate: answerDue,
        }),
      ]);
      await handle.signal(antwoordSignal, {
        inboxMessageId: 'in-325-late',
        ontvangen: '2027-03-20',
        antwoord: antwoordOn(sent),
      });
      await handle.result();
      expect(d.escalations).toHaveLength(1);
      // Resolved once, under the escalation's key ('escalation.resolved' to the same recipients).
      expect(d.resolutions).toEqual([
        expect.objectContaining({
          idempotencyKey: d.escalations[0]?.idempotencyKey,
          action: 'verstuur-325',
          metOn: '2027-03-20',
          recipients: d.escalations[0]?.recipients,
        }),
      ]);
      expect(
        (await handle.query(batchStateQuery)).lines.every((l) => l.status === 'toegekend' && l.handedBack),
      ).toBe(true);
    });
  });

  it('a mismatching 325 escalates once and is not applied', async () => {
    const d = batchDoubles(env.client);
    const { worker, taskQueue } = await createTestWorker(env, d);
    await worker.runUntil(async () => {
      await receivers(taskQueue);
      const { handle, sent } = await submittedBatch(taskQueue, d);
      const wrong = antwoordOn(sent);
      const da = wrong.DeclaratieAntwoord as NonNullable<typeof wrong.DeclaratieAntwoord>;
      da.DeclaratieNummer = '038420270199';
      const signal = { inboxMessageId: 'in-325-wrong', ontvangen: '2027-02-10', antwoord: wrong };
      await handle.signal(antwoordSignal, signal);
      await handle.signal(antwoordSignal, signal);
      await eventually(() => d.escalations.length || undefined, 'the escalation');
      await env.sleep(2 * day);
      expect(d.escalations).toEqual([
        expect.objectContaining({ action: 'verwerk-325', rule: 'TR367', owner: 'gemeente' }),
      ]);
      expect(d.records).toEqual([
        expect.objectContaining({ kind: 'mismatch', inboxMessageId: 'in-325-wrong' }),
      ]);
      const state = await handle.query(batchStateQuery);
      expect(state.status).toBe('ingediend');
      expect(state.lines.every((l) => l.status === 'ingediend' && !l.handedBack)).toBe(true);
      expect(d.outcomeCalls).toEqual([]);
    });
  });

  it('a repeated hand-over is ignored: one line per assignment in the 323', async () => {
    const d = batchDoubles(env.client);
    const { worker, taskQueue } = await createTestWorker(env, d);
    await worker.runUntil(async () => {
      const hand = handOversOf(2027, 1);
      for (const h of hand) await handOver(taskQueue, '2027-01', h);
      const handle = await handOver(taskQueue, '2027-01', hand[0] as ClaimLinesHandOver);
      await handOver(taskQueue, '2027-01', hand[5] as ClaimLinesHandOver);
      await skipTo('2027-02-03');
      const [s] = await eventually(() => (d.submitted.length ? d.submitted : undefined), 'the 323');
      const prestaties =
        s?.sent.bericht.Declaratie.Clienten.Client.flatMap((c) => c.Prestaties.Prestatie) ?? [];
      expect(prestaties).toHaveLength(20);
      expect((await handle.query(batchStateQuery)).handOvers).toBe(20);
      expect(d.outcomeCalls).toEqual([]);
    });
  });

  it('bad input is refused by its rule without failing the batch; the 325 term counts from the delivery', async () => {
    const d = batchDoubles(env.client);
    const { worker, taskQueue } = await createTestWorker(env, d);
    await worker.runUntil(async () => {
      await receivers(taskQueue);
      const { handle, hand, sent } = await submittedBatch(taskQueue, d);
      // Shapes a broken or hostile sender could signal: none may fail the workflow or enter its state.
      await handle.signal(claimLinesSignal, {
        assignmentWorkflowId: 'wmo:0384:1',
        handOverKey: 'k\u0000',
        lines: [],
      });
      await handle.signal(claimLinesSignal, { lines: 'x' } as unknown as ClaimLinesHandOver);
      await handle.signal(antwoordSignal, {
        inboxMessageId: 'in-bad',
        ontvangen: '2027-02-10',
        antwoord: {},
      } as never);
      await handle.signal(antwoordSignal, {
        inboxMessageId: 'in-half',
        ontvangen: '2027-02-10',
        antwoord: { Header: { DeclaratieIdentificatie: {} } },
      } as never);
      const late = await handle.executeUpdate(correctionConfirmedUpdate, {
        args: [{ correctionId: 'c1', assignmentWorkflowId: assignmentIdOf(0), lines: hand[0]?.lines ?? [] }],
      });
      expect(late).toMatchObject({ accepted: false, rule: 'beleid' });
      const refused = await handle
        .executeUpdate(correctionConfirmedUpdate, {
          args: [{ correctionId: '', assignmentWorkflowId: 'x', lines: [] }],
        })
        .then(
          () => undefined,
          (e: { cause?: Error }) => e.cause?.message,
        );
      expect(refused).toMatch(/^correctionId: must be a non-empty string/);

      const before = await handle.query(batchStateQuery);
      await handle.signal(batchOutboxDeliveredSignal, {
        outboxKey: `${before.workflowId}:323:1`,
        deliveredAt: '2027-02-08T10:00:00Z',
      });
      const after = await handle.query(batchStateQuery);
      expect(after.submission?.deliveredAt).toBe('2027-02-08T10:00:00Z');
      expect(after.answerDue && before.answerDue && after.answerDue > before.answerDue).toBe(true);
      // The half-read 325 was kept as a mismatch (escalated once); a good one still settles the batch.
      expect(after.mismatches).toEqual([{ inboxMessageId: 'in-half', rules: ['IV087'] }]);
      await handle.signal(antwoordSignal, {
        inboxMessageId: 'in-325',
        ontvangen: '2027-02-10',
        antwoord: antwoordOn(sent),
      });
      await handle.result();
      expect((await handle.query(batchStateQuery)).lines.every((l) => l.status === 'toegekend')).toBe(true);
      expect(d.escalations.map((e) => e.action)).toEqual(['verwerk-325']);
    });
  });
});
