import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../../calendar';
import { type ClaimsBatchInput, claimsBatchWorkflowId } from '../../../contract/claims';
import { declaratieInputOf } from '../../../contract/claims/convert';
import { assembleDeclaratie } from '../../../declaratie';
import { ClaimsBatch } from '../../../workflows/claims/state';
import { profiles } from '../../support/assignment';
import {
  aanbieder,
  antwoordOn,
  batchProfile,
  bsnByRef,
  gemeente,
  handOversOf,
} from '../../support/claims-batch';

/*
 * The batch's rules without Temporal: collection and de-duplication, the submission moment, the one
 * 323, reconciling a 325, escalating once, the view and what continue-as-new carries.
 */

const maand = '2027-01';
const id = claimsBatchWorkflowId(aanbieder, gemeente, maand);
const input = (over: Partial<ClaimsBatchInput> = {}): ClaimsBatchInput => ({
  aanbieder,
  gemeente,
  maand,
  profile: batchProfile,
  ...over,
});
const hand = handOversOf(2027, 1);

function collected(): ClaimsBatch {
  const b = new ClaimsBatch(input(), id);
  for (const h of hand) expect(b.handOver(h).kind).toBe('added');
  return b;
}

function submit(b: ClaimsBatch, dagtekening = '2027-02-04') {
  const built = b.assemble(dagtekening);
  if (!built.ok) throw new Error(JSON.stringify(built.findings));
  b.submitted(built.input, { ok: true, outboxId: 'o1', identificatie: 'D0001', duplicate: false });
  const assembled = assembleDeclaratie(declaratieInputOf(built.input, (ref) => ref, 'D0001'));
  if (!assembled.ok) throw new Error('not assembled');
  const sent = assembled.message;
  return { input: built.input, identificatie: 'D0001', xml: '', sent };
}

describe('ClaimsBatch', () => {
  it('submits at period end + the collection window (3 wd), never after the submission term', () => {
    const b = new ClaimsBatch(input(), id);
    expect(b.submitOn).toBe(addWorkingDays('2027-01-31', 3, batchProfile.workingDays));
    const late = { ...batchProfile, billing: { ...batchProfile.billing, submitAfterWorkingDays: 60 } };
    const capped = new ClaimsBatch(input({ profile: late }), id);
    expect(capped.submissionDue).toBe('2027-02-28'); // iwmo-3.2: end of the month after the period
    expect(capped.submitOn).toBe('2027-02-28');
  });

  it('under a cak4w profile counts from the end of the last CAK period touching the month', () => {
    const seed = profiles.profileFor('1916');
    // March 2029 is final when P4 (26 March … 22 April) ends: the assignments claim it then.
    const b = new ClaimsBatch(
      input({ gemeente: '1916', maand: '2029-03', profile: seed }),
      claimsBatchWorkflowId(aanbieder, '1916', '2029-03'),
    );
    expect(b.submitOn).toBe(addWorkingDays('2029-04-22', 3, seed.workingDays));
    expect(b.submissionDue).toBe(addWorkingDays('2029-04-22', 15, seed.workingDays));
  });

  it('ignores a repeated hand-over key, also after continue-as-new, and the same line under a new key', () => {
    const b = collected();
    const first = hand[0] as (typeof hand)[number];
    expect(b.handOver(first)).toEqual({ kind: 'duplicate' });
    expect(b.handOver({ ...first, handOverKey: 'retry-with-new-key' })).toEqual({ kind: 'duplicate' });
    const next = new ClaimsBatch(input({ carried: JSON.parse(JSON.stringify(b.carry())) }), id);
    expect(next.handOver(first)).toEqual({ kind: 'duplicate' });
    expect(next.view().lines).toHaveLength(20);
    expect(next.queuedOutcomes).toHaveLength(0);
  });

  it('hands back a hand-over that breaks a rule, naming it (TR416: a second debit of the same period)', () => {
    const b = collected();
    const first = hand[0] as (typeof hand)[number];
    const line = { ...(first.lines[0] as (typeof first.lines)[number]), referentieNummer: 'OTHER00001' };
    const r = b.handOver({ ...first, handOverKey: 'k2', lines: [line] });
    expect(r).toMatchObject({ kind: 'returned', rule: 'TR416' });
    expect(b.queuedOutcomes).toEqual([
      {
        assignmentWorkflowId: first.assignmentWorkflowId,
        outcome: expect.objectContaining({
          referentieNummer: 'OTHER00001',
          status: 'returned',
          rule: 'TR416',
        }),
      },
    ]);
    expect(b.view().lines).toHaveLength(20);
  });

  it('assembles one 323 with every line; totals = the sum of the lines; later lines go back', () => {
    const b = collected();
    const built = b.assemble('2027-02-04');
    if (!built.ok) throw new Error('not built');
    expect(built.input.lines).toHaveLength(20);
    const assembled = assembleDeclaratie(declaratieInputOf(built.input, (ref) => ref, 'D0001'));
    if (!assembled.ok) throw new Error('not assembled');
    const d = assembled.message.bericht.Declaratie;
    const sum = hand.flatMap((h) => h.lines).reduce((s, l) => s + l.bedrag, 0);
    expect(d.TotaalIngediendBedrag).toEqual({ TotaalBedrag: sum, DebetCredit: 'D' });
    expect(d.DeclaratieNummer).toBe('038420270101');
    expect(built.input.idempotencyKey).toBe(`${id}:323:1`);
    b.submitted(built.input, { ok: true, outboxId: 'o1', identificatie: 'D0001', duplicate: false });
    expect(b.status).toBe('ingediend');
    const late = hand[3] as (typeof hand)[number];
    const line = {
      ...(late.lines[0] as (typeof late.lines)[number]),
      referentieNummer: 'LATE0001',
      toewijzingNummer: 6000,
    };
    expect(b.handOver({ ...late, handOverKey: 'late', lines: [line] })).toMatchObject({
      kind: 'returned',
      rule: 'beleid',
    });
    expect(b.queuedOutcomes.map((q) => q.outcome)).toEqual([
      expect.objectContaining({ referentieNummer: 'LATE0001', status: 'returned' }),
    ]);
  });

  it('a 325 rejecting two lines: those two rejected with their codes, the rest awarded; finished once handed back', () => {
    const b = collected();
    const s = submit(b);
    const [r1, r2] = hand
      .slice(0, 2)
      .map((h) => (h.lines[0] as { referentieNummer: string }).referentieNummer);
    const antwoord = antwoordOn(
      s,
      new Map([
        [r1 as string, ['0611']],
        [r2 as string, ['9307']],
      ]),
    );
    expect(b.receiveAntwoord({ inboxMessageId: 'in-1', ontvangen: '2027-02-10', antwoord: antwoord })).toBe(
      'applied',
    );
    const outcomes = b.queuedOutcomes.map((q) => q.outcome);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([
      expect.objectContaining({ referentieNummer: r1, retourCodes: ['0611'] }),
      expect.objectContaining({ referentieNummer: r2, retourCodes: ['9307'] }),
    ]);
    expect(outcomes.filter((o) => o.status === 'awarded')).toHaveLength(18);
    expect(b.queuedRecords).toHaveLength(1);
    expect(b.finished).toBe(false);
    b.recorded(1);
    b.outcomesHandedBack(b.queuedOutcomes.length);
    expect(b.finished).toBe(true);
  });

  it('a mismatching 325 is kept and escalated once, not applied', () => {
    const b = collected();
    const s = submit(b);
    const antwoord = antwoordOn(s);
    const da = antwoord.DeclaratieAntwoord as NonNullable<typeof antwoord.DeclaratieAntwoord>;
    da.TotaalIngediendBedrag = {
      ...da.TotaalIngediendBedrag,
      TotaalBedrag: da.TotaalIngediendBedrag.TotaalBedrag + 1,
    };
    const a = { inboxMessageId: 'in-x', ontvangen: '2027-02-10', antwoord: antwoord };
    expect(b.receiveAntwoord(a)).toBe('mismatch');
    expect(b.receiveAntwoord(a)).toBe('duplicate');
    expect(b.queuedOutcomes).toHaveLength(0);
    expect(b.view().lines.every((l) => l.status === 'ingediend')).toBe(true);
    const due = b.toEscalate('2027-02-10');
    expect(due).toEqual([
      expect.objectContaining({ action: 'verwerk-325', rule: 'TR367', owner: 'gemeente' }),
    ]);
    b.escalated((due[0] as { idempotencyKey: string }).idempotencyKey);
    expect(b.toEscalate('2027-02-11')).toEqual([]);
  });

  it('a missing 325 escalates once after its term, counted from the delivery (10 wd in iWmo 3.2)', () => {
    const b = collected();
    submit(b, '2027-02-04');
    expect(b.answerDue).toBe(addWorkingDays('2027-02-04', 10, batchProfile.workingDays));
    expect(b.delivered(`${id}:323:1`, '2027-02-05T09:00:00Z')).toBe(true);
    const due = addWorkingDays('2027-02-05', 10, batchProfile.workingDays);
    expect(b.answerDue).toBe(due);
    expect(b.toEscalate(due)).toEqual([]);
    const [e] = b.toEscalate('2027-02-22');
    expect(e).toMatchObject({ action: 'verstuur-325', rule: 'OP090x4', dueDate: due, toewijzingNummer: 0 });
    b.escalated((e as { idempotencyKey: string }).idempotencyKey);
    expect(b.toEscalate('2027-03-01')).toEqual([]);
  });

  it('the view is an explicit list of public fields: no queues, no sent message, no profile body, no BSN', () => {
    const b = collected();
    submit(b);
    const view = b.view();
    expect(Object.keys(view).sort()).toEqual(
      [
        'aanbieder',
        'answerDue',
        'declaratieNummer',
        'escalated',
        'gemeente',
        'handOvers',
        'lines',
        'maand',
        'mismatches',
        'profile',
        'status',
        'submission',
        'submissionDue',
        'submitOn',
        'totaal',
        'workflowId',
      ].sort(),
    );
    expect(view.profile).toBe(batchProfile.id);
    const text = JSON.stringify(view);
    expect(text).not.toContain('client-ref');
    for (const bsn of bsnByRef.values()) expect(text).not.toContain(bsn);
  });
});
