import { describe, expect, it } from 'vitest';
import { DeadlineBook, type TrackedDeadline } from '../../../calendar/deadline-book';
import type { DeliveryState } from '../../../contract/assignment';
import { Claims, type ClaimsHost } from '../../../workflows/assignment/claims';
import { profiles, version } from '../../support/assignment';
import { nationalContract, seedContract } from '../declaratie/support';

/*
 * The assignment's claims ledger without Temporal: months and their lines, outcomes taken once, the
 * refusals by rule, the settlement and the end of the payment watch.
 */

function ledger(gemeente: '0384' | '1916') {
  const profile = profiles.profileFor(gemeente);
  const deadlines: TrackedDeadline[] = [];
  let seq = 0;
  const book = new DeadlineBook(deadlines, profile, () => ++seq);
  const fresh = Claims.fresh('2027-01-01');
  const claims = new Claims(fresh.pub, fresh.w, book, profile);
  const cak = gemeente === '1916';
  const deliveries: DeliveryState[] = [
    { begindatum: '2027-01-01', start: { status: 'approved', identificatie: 'X1' } },
  ];
  const host: ClaimsHost = {
    workflowId: `wmo:${gemeente}:5000`,
    toewijzing: version({
      gemeente,
      aanbieder: '42420001',
      toewijzingNummer: 5000,
      product: cak ? { categorie: '01', code: 'HO1' } : { categorie: '01', code: '01A01' },
      omvang: cak
        ? { volume: 22360, eenheid: '83', frequentie: '4' }
        : { volume: 4, eenheid: '04', frequentie: '2' },
      ingangsdatum: '2027-01-01',
      einddatum: '2027-02-28',
      ontvangen: '2026-12-20',
    }),
    deliveries,
    startReported: (d) => d.start.status === 'approved',
    careOver: false,
    deleted: false,
  };
  return { claims, host, deadlines, contract: cak ? seedContract : nationalContract };
}

const rule = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return (err as { rule?: string }).rule;
  }
  return undefined;
};

describe('assignment claims ledger', () => {
  it('claims a month once it is final, hands it over once, and takes each outcome once', () => {
    const { claims, host, contract } = ledger('0384');
    expect(claims.monthsDue(host, '2027-01-31')).toEqual([]);
    expect(claims.monthsDue(host, '2027-02-01')).toEqual(['2027-01']);
    claims.computeMonths(host, contract, '2027-02-01');
    claims.computeMonths(host, contract, '2027-02-02');
    expect(claims.w.pending.map((p) => p.key)).toEqual(['wmo:0384:5000:2027-01']);
    const [line] = claims.pub.lines;
    if (!line) throw new Error('no line');
    expect(JSON.stringify(claims.w)).not.toMatch(/"bsn"/);
    const award = {
      referentieNummer: line.referentieNummer,
      batchWorkflowId: line.batchWorkflowId,
      status: 'awarded' as const,
      bedrag: line.bedrag,
    };
    expect(
      claims.outcome(host, { ...award, batchWorkflowId: 'declaratie:42420001:0384:1999-01' }, '2027-03-01'),
    ).toBe(false);
    expect(claims.outcome(host, award, '2027-03-01')).toBe(true);
    expect(claims.outcome(host, award, '2027-03-01')).toBe(false);
    expect(line.status).toBe('toegekend');
  });

  it('refuses bad corrections and payments by rule', () => {
    const { claims, host, contract } = ledger('0384');
    claims.computeMonths(host, contract, '2027-02-01');
    const line = claims.pub.lines[0];
    if (!line) throw new Error('no line');
    claims.outcome(
      host,
      {
        referentieNummer: line.referentieNummer,
        batchWorkflowId: line.batchWorkflowId,
        status: 'rejected',
        retourCodes: ['0611'],
      },
      '2027-03-01',
    );
    const c = claims.pub.corrections[0];
    if (!c) throw new Error('no proposal');
    expect(c.termijn).toContain("profile 'iwmo-3.2' has no correction term");
    expect(
      rule(() => claims.validateConfirm({ eventId: 'e', correctionId: 'x:1', besluit: 'bevestigen' })),
    ).toBe('correctie-onbekend');
    expect(
      rule(() =>
        claims.validateConfirm({
          eventId: 'e',
          correctionId: c.correctionId,
          besluit: 'opgeven',
          wijziging: { volume: 2 },
        }),
      ),
    ).toBe('correctie-wijziging');
    expect(
      rule(() =>
        claims.validateConfirm({
          eventId: 'e',
          correctionId: c.correctionId,
          besluit: 'bevestigen',
          wijziging: { productPeriode: { begindatum: '2027-01-20', einddatum: '2027-02-03' } },
        }),
      ),
    ).toBe('CS337');
    expect(
      rule(() =>
        claims.validateRevise(host, { eventId: 'r', referentieNummer: line.referentieNummer, volume: 1 }),
      ),
    ).toBe('TR323');
    expect(
      rule(() =>
        claims.validatePayment({ eventId: 'p', betaaldatum: '2027-03-01', bedrag: 5 }, '2027-03-02'),
      ),
    ).toBe('betaling-zonder-afrekening');
  });

  it('settles once when care is over and every line final; an unpaid settlement is given up after the watch', () => {
    const { claims, host, contract, deadlines } = ledger('1916');
    host.deliveries[0] = {
      ...(host.deliveries[0] as DeliveryState),
      einddatum: '2027-01-20',
      redenBeeindiging: '02',
      stop: { status: 'approved' },
    };
    host.careOver = true;
    claims.computeMonths(host, contract, '2027-02-01');
    expect(claims.pub.lines).toHaveLength(1);
    expect(claims.settleIfDue(host, '2027-02-01')).toBe(false);
    const line = claims.pub.lines[0];
    if (!line) throw new Error('no line');
    claims.handedOver(claims.w.pending[0]?.key as string);
    claims.outcome(
      host,
      {
        referentieNummer: line.referentieNummer,
        batchWorkflowId: line.batchWorkflowId,
        status: 'awarded',
        bedrag: line.bedrag,
      },
      '2027-03-01',
    );
    expect(claims.settleIfDue(host, '2027-03-01')).toBe(true);
    expect(claims.settleIfDue(host, '2027-03-02')).toBe(false);
    const s = claims.pub.settlement;
    expect(s).toMatchObject({ totaal: line.bedrag, paymentDue: '2027-03-15', status: 'open' });
    expect(deadlines.find((d) => d.action === 'betaling')).toMatchObject({
      due: '2027-03-15',
      owner: 'gemeente',
    });
    expect(
      rule(() =>
        claims.validatePayment({ eventId: 'p', betaaldatum: '2027-03-02', bedrag: 0 }, '2027-03-02'),
      ),
    ).toBe('betaling-bedrag');
    claims.w.settlementOwed = false;
    claims.onDayPassed(claims.watchEnd() as string);
    expect(s?.status).toBe('open');
    expect(claims.done(host)).toBe(false);
    claims.onDayPassed('2027-05-01');
    expect(s?.status).toBe('te-laat');
    expect(deadlines.find((d) => d.action === 'betaling')?.status).toBe('cancelled');
    expect(claims.done(host)).toBe(true);
  });
});
