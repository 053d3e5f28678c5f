import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../../../config/profiles';
import { type AssignmentInput, retour302Key, type ToewijzingVersion } from '../../../contract/assignment';
import { Assignment, type OwedMessage, publicFields } from '../../../workflows/assignment/state';

/*
 * The assignment's state object on its own: no Temporal server, no worker, time passed in. What the
 * workflow's handlers and main loop do is one call each on this object, so its transitions, the view the
 * query shows and the deadlines it opens are tested here; the workflow tests and the replay of recorded
 * histories prove the workflow around it.
 */

const profile = loadProfiles().profile('iwmo-3.2');
const workflowId = 'wmo:0363:1001';
/** Monday 4 March 2030, 10:00 in Amsterdam; no holiday that week or the next. */
const monday = Date.parse('2030-03-04T10:00:00+01:00');
const day = (n: number) => monday + n * 24 * 3600_000;

function version(overrides: Partial<ToewijzingVersion> = {}): ToewijzingVersion {
  return {
    messageId: '6f1c2d3e-0000-4000-8000-000000000001',
    berichtIdentificatie: 'T1',
    gemeente: '0363',
    aanbieder: '12345678',
    clientRef: 'c_test0001',
    toewijzingNummer: 1001,
    product: { categorie: '02', code: '02A01' },
    toewijzingsdatum: '2030-03-04',
    toewijzingstijd: '09:00:00',
    ingangsdatum: '2030-03-04',
    einddatum: '2030-12-31',
    ontvangen: '2030-03-04',
    ...overrides,
  };
}

function started(countFromDelivery = false, v = version()): Assignment {
  const a = new Assignment({ toewijzing: v, profile }, countFromDelivery);
  a.init(workflowId, monday);
  return a;
}

let identificatie = 0;
/** What sendMessage answers once the outbox row is written. */
function write(a: Assignment, owed: OwedMessage, now: number): string {
  const id = `${owed.message.type.slice(3)}${String(++identificatie).padStart(9, '0')}`;
  a.sent(owed, { outboxId: `o-${identificatie}`, identificatie: id, duplicate: false }, now);
  return id;
}

/** Writes every owed message, as the main loop's sendOwed does. */
function writeAll(a: Assignment, now: number): string[] {
  const ids: string[] = [];
  while (a.owedMessages().length > 0) ids.push(write(a, a.owedMessages()[0] as OwedMessage, now));
  return ids;
}

const open = (a: Assignment, now = monday) =>
  a
    .view(now)
    .deadlines.filter((d) => d.status === 'open')
    .map((d) => `${d.action} ${d.owner} due ${d.due}${d.subject ? ` (${d.subject})` : ''}`);

function refusal(fn: () => void): { rule: string; class: string } | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplicationFailure) return err.details?.[0] as { rule: string; class: string };
    throw err;
  }
  return undefined;
}

describe('the assignment state without Temporal', () => {
  it('a 301 owes one 302 under the outbox key of its 301 and opens the 302 and 305 deadlines', () => {
    const a = started();
    expect(a.owedMessages()).toEqual([
      {
        key: retour302Key(version().messageId),
        message: { type: 'WMO302', heenMessageId: version().messageId, retourCodes: [] },
      },
    ]);
    expect(open(a)).toEqual([
      `verstuur-302 aanbieder due 2030-03-07 (${version().messageId})`,
      'verstuur-305 aanbieder due 2030-03-11',
    ]);
    expect(a.view(monday).status).toBe('toegewezen');
    expect(a.canContinueAsNew()).toBe(false);
    writeAll(a, monday);
    expect(a.canContinueAsNew()).toBe(true);
    expect(open(a)).toEqual(['verstuur-305 aanbieder due 2030-03-11']);
  });

  it('the same 301 again is a no-op; a newer version applies, an older one is recorded only', () => {
    const a = started();
    a.receiveVersion(version(), monday);
    expect(a.view(monday).versions).toHaveLength(1);
    const newer = version({
      messageId: '6f1c2d3e-0000-4000-8000-000000000002',
      toewijzingsdatum: '2030-03-05',
      einddatum: '2030-06-30',
      ontvangen: '2030-03-05',
    });
    a.receiveVersion(newer, day(1));
    const older = version({
      messageId: '6f1c2d3e-0000-4000-8000-000000000003',
      toewijzingsdatum: '2030-03-01',
      einddatum: '2030-04-30',
      ontvangen: '2030-03-05',
    });
    a.receiveVersion(older, day(1));
    expect(a.view(day(1)).versions.map((v) => [v.toewijzingsdatum, v.applied, v.reason])).toEqual([
      ['2030-03-04', true, undefined],
      ['2030-03-05', true, undefined],
      ['2030-03-01', false, 'older'],
    ]);
    expect(a.toewijzing().einddatum).toBe('2030-06-30');
    // Each 301 is answered, the older one too: three 302s, one per 301.
    expect(a.owedMessages().map((o) => o.key)).toEqual(
      [version(), newer, older].map((v) => retour302Key(v.messageId)),
    );
  });

  it('a deletion (RedenWijziging 13, Einddatum = Ingangsdatum) cancels all but the 302', () => {
    const a = started();
    a.receiveVersion(
      version({
        messageId: '6f1c2d3e-0000-4000-8000-000000000004',
        toewijzingsdatum: '2030-03-05',
        redenWijziging: '13',
        einddatum: '2030-03-04',
        ontvangen: '2030-03-05',
      }),
      day(1),
    );
    expect(a.view(day(1)).status).toBe('verwijderd');
    expect(open(a, day(1)).every((d) => d.startsWith('verstuur-302'))).toBe(true);
    expect(a.owedMessages().every((o) => o.message.type === 'WMO302')).toBe(true);
  });

  it('start: a 305 owed under workflow id + event id, the 305 deadline met when written, the 306 opened', () => {
    const a = started();
    writeAll(a, monday);
    const result = a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, day(1));
    expect(result).toEqual({ eventId: 'e-start', accepted: true, messages: ['305'], lateWorkingDays: 0 });
    expect(a.owedMessages().map((o) => o.key)).toEqual([`${workflowId}:305:e-start`]);
    expect(a.view(day(1)).status).toBe('in-zorg');
    const [id305] = writeAll(a, day(1));
    expect(open(a, day(1))).toEqual([`verstuur-306 gemeente due 2030-03-08 (${id305})`]);
    expect(a.view(day(1)).deliveries).toEqual([
      { begindatum: '2030-03-04', start: { status: 'sent', identificatie: id305 } },
    ]);
    // The same event again gets the first answer and owes nothing more.
    expect(a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, day(2))).toEqual(result);
    expect(a.owedMessages()).toEqual([]);
  });

  it('refuses by the rule and its class: outside the toewijzing is invalid, a second start a conflict', () => {
    const a = started();
    expect(refusal(() => a.validateStart({ eventId: 'x', begindatum: '2031-01-05' }, day(1)))).toMatchObject({
      rule: 'TR019',
      class: 'invalid',
    });
    a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, day(1));
    expect(refusal(() => a.validateStart({ eventId: 'y', begindatum: '2030-03-05' }, day(1)))).toMatchObject({
      rule: 'TR326',
      class: 'conflict',
    });
    // A known event passes its validator: it gets its first answer again.
    expect(refusal(() => a.validateStart({ eventId: 'e-start', begindatum: '2030-03-04' }, day(1)))).toBe(
      undefined,
    );
  });

  it('a temporary stop (reden 20), then a definitive one counted from when it became known', () => {
    const a = started();
    a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, monday);
    writeAll(a, monday);
    a.stop({ eventId: 'e-pause', einddatum: '2030-03-05', redenBeeindiging: '20' }, day(1));
    expect(a.view(day(1)).status).toBe('tijdelijk-gestopt');
    expect(a.owedMessages().map((o) => o.key)).toEqual([`${workflowId}:307:e-pause`]);
    expect(open(a, day(1))).toContain('verstuur-307 aanbieder due 2030-03-12');
    writeAll(a, day(1));
    a.stop({ eventId: 'e-stop', einddatum: '2030-03-06', redenBeeindiging: '02' }, day(3));
    expect(a.view(day(3)).status).toBe('gestopt');
    // Known on Thursday 7 March: 5 working days from then.
    expect(open(a, day(3))).toContain('verstuur-307 aanbieder due 2030-03-14');
  });

  it('retours: an approved 306 closes its deadline, a rejected one reopens the 305 deadline', () => {
    const a = started();
    writeAll(a, monday);
    a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, monday);
    const [id305] = writeAll(a, monday);
    const retour = (messageId: string, retourCodes: string[], on: string) =>
      a.receiveRetour(
        { messageId, messageType: 'WMO306', heenIdentificatie: id305 as string, retourCodes, ontvangen: on },
        day(2),
      );
    retour('r-1', ['8001'], '2030-03-06');
    expect(a.view(day(2)).deliveries[0]?.start).toEqual({
      status: 'rejected',
      identificatie: id305,
      retourCodes: ['8001'],
    });
    expect(open(a, day(2))).toEqual(['verstuur-305 aanbieder due 2030-03-13']);
    expect(a.view(day(2)).messages.at(-1)).toMatchObject({ type: 'WMO306', status: 'afgekeurd' });
    // The same retour again is a no-op.
    retour('r-1', ['8001'], '2030-03-06');
    expect(a.view(day(2)).messages.filter((m) => m.ref === 'r-1')).toHaveLength(1);
  });

  it('behind delivery-deadlines: the 305 deadline is met on delivery, the 306 term runs from the download', () => {
    const a = started(true);
    writeAll(a, monday);
    a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, monday);
    const owed = a.owedMessages()[0] as OwedMessage;
    const [id305] = writeAll(a, monday);
    expect(a.view(monday).messages.at(-1)).toMatchObject({ ref: owed.key, status: 'in-outbox' });
    expect(open(a)).toEqual(['verstuur-305 aanbieder due 2030-03-11']);
    expect(a.finished()).toBe(false);
    a.delivered({ outboxKey: owed.key, deliveredAt: '2030-03-06T08:00:00Z' }, day(2));
    expect(open(a, day(2))).toEqual([`verstuur-306 gemeente due 2030-03-11 (${id305})`]);
    a.delivered(
      { outboxKey: owed.key, deliveredAt: '2030-03-06T08:00:00Z', downloadedAt: '2030-03-08T08:00:00Z' },
      day(4),
    );
    expect(open(a, day(4))).toEqual([`verstuur-306 gemeente due 2030-03-13 (${id305})`]);
    expect(a.view(day(4)).messages.at(-1)).toMatchObject({ status: 'opgehaald', on: '2030-03-08' });
  });

  it('a missed deadline is escalated once, and resolved once when met after all', () => {
    const a = started();
    const late = day(4); // Friday 8 March: the 302 was due on Thursday
    expect(a.toEscalate(late).map((d) => d.action)).toEqual(['verstuur-302']);
    for (const d of a.toEscalate(late)) {
      expect(a.lateness(d.due, late)).toBe(1);
      a.escalated(d, late);
    }
    expect(a.toEscalate(late)).toEqual([]);
    expect(a.view(late).escalations).toMatchObject([{ rule: 'OP090', owner: 'aanbieder', on: '2030-03-08' }]);
    a.refresh(late);
    expect(a.summary()).toMatchObject({ overdue: true, nextDeadline: '2030-03-07', status: 'toegewezen' });
    expect(a.resolve()).toEqual([]);
    writeAll(a, late);
    expect(a.resolve().map((d) => d.action)).toEqual(['verstuur-302']);
    expect(a.resolve()).toEqual([]);
  });

  it('the projection carries codes and keys only, at the revision nextRevision gave', () => {
    const a = started();
    a.refresh(monday);
    expect(a.nextRevision()).toBe(1);
    const row = a.projection();
    expect(row).toMatchObject({ workflowId, gemeente: '0363', toewijzingNummer: 1001, revision: 1 });
    expect(row.openDeadlines.map((d) => d.action)).toEqual(['verstuur-302', 'verstuur-305']);
    expect(a.nextRevision()).toBe(2);
  });

  it('carry() hands everything to the next run: the new run shows the same view', () => {
    const a = started();
    a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, monday);
    writeAll(a, monday);
    const next = new Assignment(JSON.parse(JSON.stringify(a.carry())) as AssignmentInput);
    next.init(workflowId, day(1));
    expect(next.view(day(1))).toEqual(a.view(day(1)));
    // The event ids travel along: the same start in the new run gets the first answer.
    expect(next.start({ eventId: 'e-start', begindatum: '2030-03-04' }, day(1)).messages).toEqual(['305']);
    expect(next.owedMessages()).toEqual([]);
  });
});

describe('the view the query shows', () => {
  const internal = [
    'profile',
    'seq',
    'revision',
    'processedEvents',
    'seenMessages',
    'owed',
    'sent',
    'lastClaimedEnd',
    'awaiting',
    'early',
  ];

  it('holds the listed public fields and none of the bookkeeping', () => {
    const a = started(true);
    a.start({ eventId: 'e-start', begindatum: '2030-03-04' }, monday);
    writeAll(a, monday);
    a.refresh(monday);
    const shown = Object.keys(a.view(monday));
    expect(shown.every((k) => (publicFields as readonly string[]).includes(k))).toBe(true);
    expect(shown.filter((k) => internal.includes(k))).toEqual([]);
    expect(shown).toContain('deadlines');
  });

  it('a field added to the internal state stays out of the view unless it is listed', () => {
    const a = started();
    const { carried, ...rest } = a.carry();
    const withNewField = { ...(carried as object), newBookkeeping: { secret: 'x' } };
    const b = new Assignment({ ...rest, carried: withNewField });
    b.init(workflowId, monday);
    expect(JSON.parse(JSON.stringify(b.carry().carried))).toHaveProperty('newBookkeeping');
    expect(b.view(monday)).not.toHaveProperty('newBookkeeping');
  });

  it('is a copy: changing it changes nothing in the state', () => {
    const a = started();
    const v = a.view(monday);
    v.deadlines.length = 0;
    v.toewijzing.gemeente = '9999';
    expect(a.view(monday).deadlines).not.toHaveLength(0);
    expect(a.toewijzing().gemeente).toBe('0363');
  });
});
