import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startOfAmsterdamDay } from '../../calendar/amsterdam';
import { addDays, type IsoDate } from '../../calendar/iso-date';
import { periodOf } from '../../calendar/periods';
import {
  type AssignmentState,
  confirmCorrectionUpdate,
  recordPaymentUpdate,
  reviseAwardedLineUpdate,
  startUpdate,
  stopUpdate,
  type ToewijzingVersion,
} from '../../contract/assignment';
import {
  antwoordSignal,
  batchStateQuery,
  claimLineOutcomeSignal,
  claimsBatchWorkflowId,
} from '../../contract/claims';
import {
  type AssignmentHandle,
  eventually,
  profiles,
  type RecordedActivities,
  recordingActivities,
  useAssignmentHarness,
  version,
} from '../support/assignment';
import { antwoordOn, batchDoubles, clientRefOf } from '../support/claims-batch';
import { xsdPath } from '../support/messages';
import { createTestWorker } from '../support/worker';
import { validateWithXsd } from '../support/xmllint';

/*
 * Issue 15, the assignment side of claims (time-skipping server): each month's lines computed by the
 * assignment and handed to the real claims batch workflow in the same worker (its activities are the
 * doubles of test/support/claims-batch.ts: the 323 built by the real builder, outcomes really signalled
 * back), corrections through the updates, the settlement and the payment watch. The seed protocol's
 * year runs with recorded hand-overs (no batch: the amounts are what is checked).
 */

const aanbieder = '42420001';
const h = useAssignmentHarness();

function withoutEscalate<T extends { escalate: unknown }>(activities: T): Omit<T, 'escalate'> {
  const { escalate: _, ...rest } = activities;
  return rest;
}

async function today(): Promise<IsoDate> {
  const ms = await h.env.currentTimeMs();
  return new Date(ms).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
}

/** Server time runs on to 00:00 Amsterdam of `date`, plus a minute. */
async function skipTo(date: IsoDate) {
  const until = startOfAmsterdamDay(date).getTime() + 60_000;
  const now = await h.env.currentTimeMs();
  if (until > now) await h.env.sleep(until - now);
}

const firstOfMonthAfter = (date: IsoDate, months = 1): IsoDate => {
  let d = date;
  for (let i = 0; i < months; i++) d = addDays(periodOf(d, 'month').end, 1);
  return d;
};

function toewijzing(
  i: number,
  gemeente: string,
  fields: Partial<ToewijzingVersion> & { ingangsdatum: IsoDate; ontvangen: IsoDate },
) {
  const cak = gemeente === '1916';
  return version({
    gemeente,
    aanbieder,
    clientRef: clientRefOf(i),
    toewijzingNummer: 5000 + i,
    product: cak ? { categorie: '01', code: 'HO1' } : { categorie: '01', code: '01A01' },
    omvang: cak
      ? { volume: 22360, eenheid: '83', frequentie: '4' }
      : { volume: 4, eenheid: '04', frequentie: '2' },
    ...fields,
  });
}

async function state(handle: Pick<AssignmentHandle, 'query'>): Promise<AssignmentState> {
  return h.queryState(handle);
}

async function until(handle: AssignmentHandle, what: string, ok: (s: AssignmentState) => boolean) {
  return eventually(async () => {
    const s = await state(handle);
    return ok(s) ? s : undefined;
  }, what);
}

async function refusal(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return String(err.cause?.message);
    throw err;
  }
  throw new Error('expected a refusal');
}

const inputProfile = (gemeente: string) => profiles.profileFor(gemeente);
const sum = (lines: { bedrag: number; debetCredit?: 'D' | 'C' }[]) =>
  lines.reduce((t, l) => t + (l.debetCredit === 'C' ? -l.bedrag : l.bedrag), 0);
const handedIn = (acts: RecordedActivities, workflowId: string) =>
  acts.handOvers.filter((x) => x.handOver.assignmentWorkflowId === workflowId);

describe('assignment claims (patch claim-lines)', () => {
  it('20 assignments of one gemeente × three months of care: exactly three 323s, their totals the sum of the lines handed over', async () => {
    const acts = recordingActivities({ batch: 'real' });
    const d = batchDoubles(h.env.client);
    const { worker, taskQueue } = await createTestWorker(h.env, { ...acts, ...withoutEscalate(d) });
    await worker.runUntil(async () => {
      const ontvangen = await today();
      const m1 = firstOfMonthAfter(ontvangen);
      const einddatum = addDays(firstOfMonthAfter(m1, 3), -1);
      const handles: AssignmentHandle[] = [];
      for (let i = 0; i < 20; i++)
        handles.push(
          await h.startAssignment(
            toewijzing(i, '0384', { ingangsdatum: m1, einddatum, ontvangen }),
            taskQueue,
          ),
        );
      await skipTo(m1);
      for (const handle of handles)
        await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start', begindatum: m1 }] });
      await skipTo(addDays(firstOfMonthAfter(m1, 3), 10));
      await eventually(() => d.submitted.length >= 3 || undefined, 'three 323s');
      expect(d.submitted).toHaveLength(3);
      expect(acts.handOvers).toHaveLength(60);
      for (const [k, s] of d.submitted.entries()) {
        const maand = firstOfMonthAfter(m1, k).slice(0, 7);
        expect(s.input.maand).toBe(maand);
        const handed = acts.handOvers.filter((x) => x.maand === maand).flatMap((x) => x.handOver.lines);
        expect(handed).toHaveLength(20);
        expect(s.input.lines.map((l) => l.referentieNummer).sort()).toEqual(
          handed.map((l) => l.referentieNummer).sort(),
        );
        const decl = s.sent.bericht.Declaratie;
        expect(decl.Clienten.Client).toHaveLength(20);
        expect(decl.TotaalIngediendBedrag).toEqual({ TotaalBedrag: sum(handed), DebetCredit: 'D' });
        for (const l of handed) expect(l.bedrag).toBe(l.volume * (l.tarief as number));
        const xsd = validateWithXsd(s.xml, xsdPath('323'));
        expect(xsd.valid, xsd.output).toBe(true);
      }
      // No BSN anywhere in the workflow: the lines carry the client reference.
      const shown = JSON.stringify(await state(handles[0] as AssignmentHandle));
      expect(shown).toContain('client-ref-0');
      expect(shown).not.toMatch(/\b[0-9]{9}\b/);
    });
  });

  it('an assignment without a 305 (none reported, or one never delivered) claims nothing and says why', async () => {
    const acts = recordingActivities({ deliver: 'manual' });
    const { worker, taskQueue } = await createTestWorker(h.env, acts);
    await worker.runUntil(async () => {
      const ontvangen = await today();
      const m1 = firstOfMonthAfter(ontvangen);
      const never = await h.startAssignment(
        toewijzing(0, '0384', { ingangsdatum: m1, ontvangen }),
        taskQueue,
      );
      const undelivered = await h.startAssignment(
        toewijzing(1, '0384', { ingangsdatum: m1, ontvangen }),
        taskQueue,
      );
      await skipTo(m1);
      await undelivered.executeUpdate(startUpdate, { args: [{ eventId: 'start', begindatum: m1 }] });
      await skipTo(addDays(firstOfMonthAfter(m1), 2));
      const maand = m1.slice(0, 7);
      const a = await until(never, 'a finding', (s) => (s.claims?.findings.length ?? 0) > 0);
      expect(a.claims?.findings).toEqual([
        expect.objectContaining({ maand, reason: 'geen-start', rule: 'beleid' }),
      ]);
      const b = await until(undelivered, 'a finding', (s) => (s.claims?.findings.length ?? 0) > 0);
      expect(b.claims?.findings).toEqual([
        expect.objectContaining({ maand, reason: 'start-niet-gemeld', rule: 'beleid' }),
      ]);
      expect(a.claims?.lines).toEqual([]);
      expect(b.claims?.lines).toEqual([]);
      expect(acts.handOvers).toEqual([]);
    });
  });

  it('a 325 rejecting two lines: confirmed resubmissions in the next 323; a wrong awarded line: credit + new debit in a later 323', async () => {
    const acts = recordingActivities({ batch: 'real' });
    const d = batchDoubles(h.env.client);
    const { worker, taskQueue } = await createTestWorker(h.env, { ...acts, ...withoutEscalate(d) });
    await worker.runUntil(async () => {
      const ontvangen = await today();
      const m1 = firstOfMonthAfter(ontvangen);
      const m2 = firstOfMonthAfter(m1);
      const einddatum = addDays(firstOfMonthAfter(m2), -1);
      const handles: AssignmentHandle[] = [];
      for (let i = 0; i < 3; i++)
        handles.push(
          await h.startAssignment(
            toewijzing(i, '0384', { ingangsdatum: m1, einddatum, ontvangen }),
            taskQueue,
          ),
        );
      const [a0, a1, a2] = handles as [AssignmentHandle, AssignmentHandle, AssignmentHandle];
      await skipTo(m1);
      for (const handle of handles)
        await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start', begindatum: m1 }] });
      await skipTo(addDays(m2, 10));
      const [first] = await eventually(() => (d.submitted.length ? d.submitted : undefined), 'the first 323');
      if (!first) throw new Error('no 323');
      const refOf = (i: number) =>
        (first.input.lines.find((l) => l.clientRef === clientRefOf(i)) as { referentieNummer: string })
          .referentieNummer;
      const rejected = new Map([
        [refOf(0), ['0611']],
        [refOf(1), ['0611']],
      ]);
      await h.env.client.workflow
        .getHandle(claimsBatchWorkflowId(aanbieder, '0384', m1.slice(0, 7)))
        .signal(antwoordSignal, {
          inboxMessageId: 'in-325-1',
          ontvangen: await today(),
          antwoord: antwoordOn(first, rejected),
        });
      const s0 = await until(a0, 'a proposal', (s) => (s.claims?.corrections.length ?? 0) > 0);
      const s1 = await until(a1, 'a proposal', (s) => (s.claims?.corrections.length ?? 0) > 0);
      const s2 = await until(a2, 'the award', (s) => s.claims?.lines[0]?.status === 'toegekend');
      const p0 = s0.claims?.corrections[0];
      expect(p0).toMatchObject({ soort: 'herindienen', retourCodes: ['0611'], status: 'voorgesteld' });
      // iWmo 3.2 sets no correction term: the proposal says which profile lacks one.
      expect(p0?.termijn).toContain("profile 'iwmo-3.2' has no correction term");
      expect(s0.claims?.lines[0]).toMatchObject({ status: 'afgewezen', retourCodes: ['0611'] });

      // Bad input is refused by its rule, and changes nothing.
      expect(
        await refusal(
          a0.executeUpdate(confirmCorrectionUpdate, {
            args: [{ eventId: 'c-x', correctionId: 'nope:1', besluit: 'bevestigen' }],
          }),
        ),
      ).toMatch(/^correctie-onbekend/);
      expect(
        await refusal(
          a0.executeUpdate(confirmCorrectionUpdate, {
            args: [
              {
                eventId: 'c-y',
                correctionId: p0?.correctionId as string,
                besluit: 'bevestigen',
                wijziging: { volume: 0 },
              },
            ],
          }),
        ),
      ).toMatch(/^correctie-wijziging/);
      expect(
        await refusal(a0.executeUpdate(confirmCorrectionUpdate, { args: [{ eventId: 'c-z' } as never] })),
      ).toMatch(/^Schema/);
      for (const [handle, s] of [
        [a0, s0],
        [a1, s1],
      ] as const) {
        const correctionId = s.claims?.corrections[0]?.correctionId as string;
        const ok = await handle.executeUpdate(confirmCorrectionUpdate, {
          args: [{ eventId: 'confirm', correctionId, besluit: 'bevestigen' }],
        });
        expect(ok).toEqual({ accepted: true, correctionId, status: 'bevestigd' });
        // The same event again: the same answer; another event on a decided proposal: refused by rule.
        expect(
          await handle.executeUpdate(confirmCorrectionUpdate, {
            args: [{ eventId: 'confirm', correctionId, besluit: 'bevestigen' }],
          }),
        ).toEqual(ok);
        expect(
          await refusal(
            handle.executeUpdate(confirmCorrectionUpdate, {
              args: [{ eventId: 'again', correctionId, besluit: 'opgeven' }],
            }),
          ),
        ).toMatch(/^correctie-besloten/);
      }
      // The third line was awarded but was wrong: one hour less.
      const awarded = s2.claims?.lines[0];
      expect(
        await refusal(
          a0.executeUpdate(reviseAwardedLineUpdate, {
            args: [{ eventId: 'r-0', referentieNummer: refOf(0), volume: 1 }],
          }),
        ),
      ).toMatch(/^TR323/);
      const revised = await a2.executeUpdate(reviseAwardedLineUpdate, {
        args: [{ eventId: 'revise', referentieNummer: refOf(2), volume: (awarded?.volume as number) - 1 }],
      });
      await a2.executeUpdate(confirmCorrectionUpdate, {
        args: [{ eventId: 'confirm', correctionId: revised.correctionId, besluit: 'bevestigen' }],
      });

      await skipTo(addDays(firstOfMonthAfter(m2), 10));
      const [, second] = await eventually(
        () => (d.submitted.length >= 2 ? d.submitted : undefined),
        'the second 323',
      );
      if (!second) throw new Error('no second 323');
      expect(second.input.maand).toBe(m2.slice(0, 7));
      const lines = second.input.lines;
      const earlier = lines.filter((l) => l.productPeriode.begindatum < m2);
      // Two resubmissions (new ReferentieNummers, corrected to the contract tariff), a credit and a new debit.
      const resubmitted = earlier.filter((l) => l.debetCredit === 'D' && l.clientRef !== clientRefOf(2));
      expect(resubmitted.map((l) => l.clientRef).sort()).toEqual([clientRefOf(0), clientRefOf(1)]);
      for (const l of resubmitted) {
        expect(l.correctie).toBe(true);
        expect([refOf(0), refOf(1)]).not.toContain(l.referentieNummer);
      }
      const credit = earlier.find((l) => l.debetCredit === 'C');
      expect(credit).toMatchObject({
        vorigReferentieNummer: refOf(2),
        volume: awarded?.volume,
        bedrag: awarded?.bedrag,
      });
      const debet = earlier.find((l) => l.debetCredit === 'D' && l.clientRef === clientRefOf(2));
      expect(debet?.volume).toBe((awarded?.volume as number) - 1);
      // TR316: the credit never went out with its original.
      expect(first.input.lines.some((l) => l.debetCredit === 'C')).toBe(false);
      expect(lines.filter((l) => l.productPeriode.begindatum >= m2)).toHaveLength(3);
      const xsd = validateWithXsd(second.xml, xsdPath('323'));
      expect(xsd.valid, xsd.output).toBe(true);
      expect(second.sent.bericht.Declaratie.TotaalIngediendBedrag.TotaalBedrag).toBe(Math.abs(sum(lines)));
    });
  });

  it('a batch that has ended is not started again: its month’s lines go to the next open batch as earlier-month lines', async () => {
    const acts = recordingActivities({ batch: 'real' });
    const d = batchDoubles(h.env.client);
    const { worker, taskQueue } = await createTestWorker(h.env, { ...acts, ...withoutEscalate(d) });
    await worker.runUntil(async () => {
      const ontvangen = await today();
      const m1 = firstOfMonthAfter(ontvangen);
      const m2 = firstOfMonthAfter(m1);
      const v = toewijzing(0, '0384', { ingangsdatum: m1, einddatum: addDays(m2, 20), ontvangen });
      const handle = await h.startAssignment(v, taskQueue);
      // The batch of m1 ran and ended before this assignment's line came.
      const closed = await h.env.client.workflow.start('claimsBatchWorkflow', {
        taskQueue,
        workflowId: claimsBatchWorkflowId(aanbieder, '0384', m1.slice(0, 7)),
        args: [{ aanbieder, gemeente: '0384', maand: m1.slice(0, 7), profile: inputProfile('0384') }],
      });
      await eventually(async () => (await closed.query(batchStateQuery)).status, 'the batch running');
      await closed.terminate('ended');
      await skipTo(m1);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start', begindatum: m1 }] });
      await skipTo(addDays(m2, 2));
      const s = await until(handle, 'the line re-handed', (x) =>
        (x.claims?.lines[0]?.batchWorkflowId ?? '').endsWith(m2.slice(0, 7)),
      );
      expect(s.claims?.lines).toHaveLength(1);
      const later = acts.handOvers.find((x) => x.maand === m2.slice(0, 7));
      expect(later?.handOver.lines[0]).toMatchObject({ correctie: true, productPeriode: { begindatum: m1 } });
      await skipTo(addDays(firstOfMonthAfter(m2), 10));
      const [sent] = await eventually(() => (d.submitted.length ? d.submitted : undefined), 'the 323');
      expect(sent?.input.maand).toBe(m2.slice(0, 7));
      expect(sent?.input.lines.some((l) => l.productPeriode.begindatum === m1)).toBe(true);
    });
  });

  it('settlement exactly once after the last award; a late payment escalates once; paid → the workflow ends', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(h.env, acts);
    await worker.runUntil(async () => {
      const ontvangen = await today();
      const m1 = firstOfMonthAfter(ontvangen);
      const v = toewijzing(0, '1916', { ingangsdatum: m1, einddatum: addDays(m1, 364), ontvangen });
      const handle = await h.startAssignment(v, taskQueue);
      await skipTo(m1);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start', begindatum: m1 }] });
      await h.sentOf(acts, 'WMO305');
      await until(handle, '306 deadline', (s) => s.deadlines.some((x) => x.action === 'verstuur-306'));
      await h.retour(handle, 'WMO306', h.identificatieOf(acts, 'WMO305'));
      const stopOn = addDays(firstOfMonthAfter(m1), 9);
      await skipTo(stopOn);
      await handle.executeUpdate(stopUpdate, {
        args: [{ eventId: 'stop', einddatum: stopOn, redenBeeindiging: '02' }],
      });
      await h.sentOf(acts, 'WMO307');
      await until(handle, '308 deadline', (s) => s.deadlines.some((x) => x.action === 'verstuur-308'));
      await h.retour(handle, 'WMO308', h.identificatieOf(acts, 'WMO307'));
      await skipTo(firstOfMonthAfter(m1, 3));
      const s = await until(handle, 'two lines', (x) => (x.claims?.lines.length ?? 0) === 2);
      const [l1, l2] = s.claims?.lines ?? [];
      if (!l1 || !l2) throw new Error('no lines');
      // A malformed outcome and one from another batch are dropped, never failing the workflow.
      await handle.signal(claimLineOutcomeSignal, {
        referentieNummer: l2.referentieNummer,
        batchWorkflowId: l2.batchWorkflowId,
        status: 'awarded',
        bedrag: 'all of it',
      } as never);
      await handle.signal(claimLineOutcomeSignal, {
        referentieNummer: l2.referentieNummer,
        batchWorkflowId: 'declaratie:42420001:1916:1999-01',
        status: 'awarded',
        bedrag: l2.bedrag,
      });
      await handle.signal(claimLineOutcomeSignal, {
        referentieNummer: l1.referentieNummer,
        batchWorkflowId: l1.batchWorkflowId,
        status: 'awarded',
        bedrag: l1.bedrag,
      });
      const waiting = await until(handle, 'one award', (x) => x.claims?.lines[0]?.status === 'toegekend');
      expect(waiting.claims?.lines[1]?.status).toBe('aangeboden');
      expect(waiting.claims?.settlement).toBeUndefined();
      expect(waiting.claims?.waitingFor).toContain(l2.referentieNummer);
      expect(acts.settlements).toEqual([]);
      const award2 = {
        referentieNummer: l2.referentieNummer,
        batchWorkflowId: l2.batchWorkflowId,
        status: 'awarded' as const,
        bedrag: l2.bedrag,
      };
      await handle.signal(claimLineOutcomeSignal, award2);
      await handle.signal(claimLineOutcomeSignal, award2); // at-least-once delivery: taken once
      const settled = await until(handle, 'the settlement', (x) => !!x.claims?.settlement);
      const settlement = settled.claims?.settlement;
      expect(settlement).toMatchObject({ totaal: l1.bedrag + l2.bedrag, status: 'open', payments: [] });
      expect(settlement?.paymentDue && settlement.paymentDue > settlement.on).toBe(true);
      await eventually(() => acts.settlements.length === 1 || undefined, 'recordSettlement');

      await skipTo(addDays(settlement?.paymentDue as IsoDate, 3));
      await eventually(
        () => acts.escalations.some((e) => e.action === 'betaling') || undefined,
        'the payment escalation',
      );
      await skipTo(addDays(settlement?.paymentDue as IsoDate, 10));
      await state(handle);
      expect(acts.escalations.filter((e) => e.action === 'betaling')).toHaveLength(1);
      expect(
        await refusal(
          handle.executeUpdate(recordPaymentUpdate, {
            args: [{ eventId: 'pay-0', betaaldatum: await today(), bedrag: 0 }],
          }),
        ),
      ).toMatch(/^betaling-bedrag/);
      expect(
        await refusal(
          handle.executeUpdate(recordPaymentUpdate, {
            args: [{ eventId: 'pay-0', betaaldatum: '2099-01-01', bedrag: 5 }],
          }),
        ),
      ).toMatch(/^betaling-datum/);
      const paid = await handle.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            eventId: 'pay-1',
            betaaldatum: await today(),
            bedrag: settlement?.totaal as number,
            kenmerk: 'B123',
          },
        ],
      });
      expect(paid).toEqual({ accepted: true, status: 'betaald', betaald: settlement?.totaal });
      const final = await handle.result();
      expect(final.claims?.settlement?.status).toBe('betaald');
      expect(acts.settlements).toHaveLength(1);
      expect(acts.payments).toHaveLength(1);
      expect(acts.escalations.filter((e) => e.action === 'betaling')).toHaveLength(1);
    });
  });

  it('seed protocol over a year: 12 monthly hand-overs = 13 × tariff; a temporary stop over a CAK period = 12 × tariff; death mid-period billed to that period’s end; twelve 323s', async () => {
    const acts = recordingActivities({ batch: 'real' });
    const d = batchDoubles(h.env.client);
    const { worker, taskQueue } = await createTestWorker(h.env, { ...acts, ...withoutEscalate(d) });
    await worker.runUntil(async () => {
      // CAK year 2029 runs from Monday 1 January to Sunday 30 December (52 ISO weeks).
      await skipTo('2029-01-01');
      const ontvangen = await today();
      expect(ontvangen).toBe('2029-01-01');
      const fields = { ingangsdatum: '2029-01-01', einddatum: '2029-12-30', ontvangen };
      const [full, pause, death] = [
        await h.startAssignment(toewijzing(0, '1916', fields), taskQueue),
        await h.startAssignment(toewijzing(1, '1916', fields), taskQueue),
        await h.startAssignment(toewijzing(2, '1916', fields), taskQueue),
      ];
      for (const handle of [full, pause, death])
        await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start', begindatum: '2029-01-01' }] });
      // P5 2029 is 23 April … 20 May: care stops temporarily before it and starts again after it.
      await skipTo('2029-04-22');
      await pause.executeUpdate(stopUpdate, {
        args: [{ eventId: 'pause', einddatum: '2029-04-22', redenBeeindiging: '20' }],
      });
      await skipTo('2029-05-21');
      await pause.executeUpdate(startUpdate, { args: [{ eventId: 'again', begindatum: '2029-05-21' }] });
      // Death on 5 June, inside P6 (21 May … 17 June).
      await skipTo('2029-06-05');
      await death.executeUpdate(stopUpdate, {
        args: [{ eventId: 'died', einddatum: '2029-06-05', redenBeeindiging: '02' }],
      });
      // December's last CAK period (P1 2030, from 31 December) ends 27 January 2030.
      await skipTo('2030-02-01');
      const months = Array.from({ length: 12 }, (_, i) => `2029-${String(i + 1).padStart(2, '0')}`);
      const fullHanded = await eventually(() => {
        const x = handedIn(acts, full.workflowId);
        return x.length >= 12 ? x : undefined;
      }, 'twelve hand-overs');
      expect(fullHanded.map((x) => x.maand)).toEqual(months);
      expect(sum(fullHanded.flatMap((x) => x.handOver.lines))).toBe(13 * 22360);
      const pauseHanded = handedIn(acts, pause.workflowId);
      expect(pauseHanded.map((x) => x.maand)).toEqual(months);
      expect(sum(pauseHanded.flatMap((x) => x.handOver.lines))).toBe(12 * 22360);
      const deathHanded = handedIn(acts, death.workflowId);
      expect(deathHanded.map((x) => x.maand)).toEqual(months.slice(0, 6));
      expect(sum(deathHanded.flatMap((x) => x.handOver.lines))).toBe(6 * 22360);
      const june = deathHanded[5]?.handOver.lines[0];
      expect(june?.productPeriode).toEqual({ begindatum: '2029-06-01', einddatum: '2029-06-17' });
      // One 323 per month, each month's own lines (the batch waits until the month's last CAK period ended).
      await eventually(() => d.submitted.length >= 12 || undefined, 'twelve 323s');
      expect(d.submitted.map((x) => x.input.maand)).toEqual(months);
      for (const x of d.submitted) {
        expect(x.input.lines.every((l) => l.productPeriode.begindatum.startsWith(x.input.maand))).toBe(true);
        expect(x.sent.bericht.Declaratie.TotaalIngediendBedrag.TotaalBedrag).toBe(sum(x.input.lines));
      }
      expect(sum(d.submitted.flatMap((x) => x.input.lines))).toBe((13 + 12 + 6) * 22360);
      // Every line in euro's: volume = amount, no tariff (CS339).
      for (const l of fullHanded.flatMap((x) => x.handOver.lines)) {
        expect(l).toMatchObject({ eenheid: '83', volume: l.bedrag, debetCredit: 'D' });
        expect(l.tarief).toBeUndefined();
      }
    });
  });
});
