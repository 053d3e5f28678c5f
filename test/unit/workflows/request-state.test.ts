import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../../../config/profiles';
import type { RequestInput, RequestState } from '../../../contract/request/contract';
import { Request } from '../../../workflows/request/state';

/*
 * The request's state object without Temporal: its transitions, the deadlines it opens from the
 * profile, the 320 it owes per 319, the refusals of a resend, and the view's explicit field list.
 */

const profiles = loadProfiles();
const national = profiles.profile('iwmo-3.2');
const seed = profiles.profile('leidschendam-voorburg-2019');

const monday = Date.parse('2030-03-04T10:00:00Z'); // Monday 4 March 2030, 11:00 Amsterdam
const day = 24 * 60 * 60 * 1000;

function input(fields: Partial<RequestInput> = {}): RequestInput {
  return {
    kind: '315',
    aanbieder: '42420001',
    gemeente: '0384',
    referentieAanbieder: 'VOT-1',
    clientRef: 'c_state01',
    payloadRef: 'doc-1',
    product: { categorie: '02', code: '02A01' },
    ingangsdatum: '2030-03-11',
    profile: national,
    ...fields,
  };
}

/** A request whose 315 is in the outbox with Identificatie VOT-ID-1, dagtekening Monday. */
function sentRequest(fields: Partial<RequestInput> = {}) {
  const r = new Request(input(fields), 'verzoek:42420001:VOT-1');
  const owed = r.nextOwed();
  if (!owed) throw new Error('nothing owed');
  r.sent(owed, { outboxId: 'o1', identificatie: 'VOT-ID-1', dagtekening: '2030-03-04', duplicate: false });
  return r;
}

const open = (s: RequestState) =>
  s.deadlines.filter((d) => d.status === 'open').map((d) => `${d.action} ${d.due} ${d.rule}`);

describe('a new request', () => {
  it('owes its 315, keyed by the document so the products of one 315 share one message', () => {
    const r = new Request(input(), 'verzoek:42420001:VOT-1');
    expect(r.status).toBe('nieuw');
    expect(r.nextOwed()).toEqual({ key: 'verzoek:doc-1', message: { type: 'WMO315', payloadRef: 'doc-1' } });
    expect(
      new Request(input({ kind: '317', product: undefined, toewijzingNummers: [101] }), 'x').nextOwed()
        ?.message.type,
    ).toBe('WMO317');
  });

  it('once sent: ingediend, 316 due in 3 working days and 301/319 in 5 (OP090, OP274)', () => {
    const s = sentRequest().view(monday);
    expect(s.status).toBe('ingediend');
    expect(open(s)).toEqual(['verstuur-316 2030-03-07 OP090', 'verstuur-301-of-319 2030-03-11 OP274']);
    expect(s.missingTerms).toEqual([]);
    expect(s.versions).toEqual([
      { payloadRef: 'doc-1', status: 'verzonden', identificatie: 'VOT-ID-1', dagtekening: '2030-03-04' },
    ]);
  });

  it('a 317 waits for a 318 and the answer within 5 working days (OP346)', () => {
    const s = sentRequest({ kind: '317', product: undefined, toewijzingNummers: [101, 102] }).view(monday);
    expect(open(s)).toEqual(['verstuur-318 2030-03-07 OP090', 'verstuur-301-of-319 2030-03-11 OP346']);
  });

  it('under the seed protocol no term is invented: the state names the profile that lacks each one', () => {
    const s = sentRequest({ profile: seed }).view(monday);
    expect(open(s)).toEqual([]);
    expect(s.missingTerms.map((t) => [t.action, t.profileId])).toEqual([
      ['verstuur-316', 'leidschendam-voorburg-2019'],
      ['verstuur-301-of-319', 'leidschendam-voorburg-2019'],
      ['verstuur-definitief-antwoord', 'leidschendam-voorburg-2019'],
      ['verstuur-320', 'leidschendam-voorburg-2019'],
    ]);
    expect(s.missingTerms[0]?.reason).toMatch(/sets no request terms/);
  });
});

describe('answers', () => {
  const retour = (codes: string[], id = 'in-316') => ({
    messageId: id,
    messageType: 'WMO316' as const,
    heenIdentificatie: 'VOT-ID-1',
    retourCodes: codes,
    ontvangen: '2030-03-05',
  });

  it('an approved 316 closes its deadline: ontvangen, the answer still due', () => {
    const r = sentRequest();
    r.receiveRetour(retour([]));
    const s = r.view(monday);
    expect(s.status).toBe('ontvangen');
    expect(open(s)).toEqual(['verstuur-301-of-319 2030-03-11 OP274']);
  });

  it('a 316 with retour codes: afgekeurd, the gemeente owes nothing; a corrected document is resent', () => {
    const r = sentRequest();
    r.receiveRetour(retour(['0001']));
    expect(r.status).toBe('afgekeurd');
    expect(open(r.view(monday))).toEqual([]);
    expect(r.checkResend({ eventId: 'e1', payloadRef: 'doc-1' })).toEqual({ rule: 'Ongewijzigd' });
    expect(r.checkResend({ eventId: 'e1', payloadRef: 'doc-2', toewijzingNummers: [1] })?.rule).toBe('Soort');
    expect(r.checkResend({ eventId: 'e1', payloadRef: 'doc-2' })).toBeUndefined();
    expect(r.resend({ eventId: 'e1', payloadRef: 'doc-2' })).toEqual({
      eventId: 'e1',
      accepted: true,
      messages: ['315'],
    });
    expect(r.resend({ eventId: 'e1', payloadRef: 'doc-3' }).messages).toEqual(['315']); // same event: first answer
    expect(r.nextOwed()).toEqual({ key: 'verzoek:doc-2', message: { type: 'WMO315', payloadRef: 'doc-2' } });
    r.sent(r.nextOwed() as never, {
      outboxId: 'o2',
      identificatie: 'VOT-ID-2',
      dagtekening: '2030-03-06',
      duplicate: false,
    });
    const s = r.view(monday + 2 * day);
    expect(s.status).toBe('ingediend');
    expect(s.versions.map((v) => [v.payloadRef, v.status, v.retourCodes])).toEqual([
      ['doc-1', 'afgekeurd', ['0001']],
      ['doc-2', 'verzonden', undefined],
    ]);
    expect(open(s)).toEqual(['verstuur-316 2030-03-11 OP090', 'verstuur-301-of-319 2030-03-13 OP274']);
  });

  it('a resend while the request is pending is TR374, after it closed TR347', () => {
    const r = sentRequest();
    expect(r.checkResend({ eventId: 'e1', payloadRef: 'doc-2' })?.rule).toBe('TR374');
    r.receiveHonoured({
      messageId: 'in-301',
      toewijzingen: [{ toewijzingNummer: 7, assignmentWorkflowId: 'wmo:0384:7' }],
      ontvangen: '2030-03-06',
    });
    expect(r.checkResend({ eventId: 'e1', payloadRef: 'doc-2' })?.rule).toBe('TR347');
  });

  it('a 301 honours it: closed, linked to the assignment workflow, finished', () => {
    const r = sentRequest();
    r.receiveHonoured({
      messageId: 'in-301',
      toewijzingen: [{ toewijzingNummer: 7, assignmentWorkflowId: 'wmo:0384:7' }],
      ontvangen: '2030-03-06',
    });
    const s = r.view(monday);
    expect(s.status).toBe('gehonoreerd');
    expect(s.closed).toEqual({ as: 'gehonoreerd', on: '2030-03-06' });
    expect(s.toewijzingen).toEqual([
      { toewijzingNummer: 7, assignmentWorkflowId: 'wmo:0384:7', messageId: 'in-301' },
    ]);
    expect(s.deadlines.find((d) => d.action === 'verstuur-301-of-319')).toMatchObject({
      status: 'met',
      lateWorkingDays: 0,
    });
    expect(s.deadlines.find((d) => d.action === 'verstuur-316')?.status).toBe('cancelled');
    expect(r.finished()).toBe(true);
  });

  it('a 319 "in onderzoek": the final answer is due 8 weeks after the request’s dagtekening; a 320 is owed', () => {
    const r = sentRequest();
    r.receiveAntwoord(
      { messageId: 'in-319', verzoekAntwoord: '2', ontvangen: '2030-03-08' },
      monday + 4 * day,
    );
    const s = r.view(monday + 4 * day);
    expect(s.status).toBe('in-onderzoek');
    expect(open(s)).toEqual([
      'verstuur-316 2030-03-07 OP090',
      'verstuur-320 2030-03-13 OP090',
      'verstuur-definitief-antwoord 2030-04-29 OP274/OP346',
    ]);
    expect(r.nextOwed()).toEqual({
      key: '320:in-319',
      message: { type: 'WMO320', heenMessageId: 'in-319', retourCodes: [] },
    });
  });

  it('a 319 rejection closes it with the reason; it finishes only once its 320 is out', () => {
    const r = sentRequest();
    r.receiveRetour(retour([]));
    r.receiveAntwoord(
      { messageId: 'in-319', verzoekAntwoord: '1', redenAfwijzingVerzoek: '3', ontvangen: '2030-03-06' },
      monday,
    );
    expect(r.view(monday).closed).toEqual({ as: 'afgewezen', on: '2030-03-06', redenAfwijzingVerzoek: '3' });
    expect(r.finished()).toBe(false);
    r.sent(r.nextOwed() as never, {
      outboxId: 'o3',
      identificatie: 'R320-1',
      dagtekening: '2030-03-06',
      duplicate: false,
    });
    expect(r.finished()).toBe(true);
  });

  it('319s out of sequence get their rule on the 320: TR359 after a 301, TR360 a second "in onderzoek", TR365 after a rejection', () => {
    const codes = (r: Request) => r.view(monday).antwoorden.map((a) => a.retourCodes.join(''));
    const honoured = sentRequest();
    honoured.receiveHonoured({
      messageId: 'in-301',
      toewijzingen: [{ toewijzingNummer: 7, assignmentWorkflowId: 'w' }],
      ontvangen: '2030-03-06',
    });
    honoured.receiveAntwoord(
      { messageId: 'a', verzoekAntwoord: '1', redenAfwijzingVerzoek: '1', ontvangen: '2030-03-06' },
      monday,
    );
    expect(codes(honoured)).toEqual(['9359']);
    expect(honoured.status).toBe('gehonoreerd');
    const twice = sentRequest();
    twice.receiveAntwoord({ messageId: 'a', verzoekAntwoord: '2', ontvangen: '2030-03-06' }, monday);
    twice.receiveAntwoord({ messageId: 'b', verzoekAntwoord: '2', ontvangen: '2030-03-07' }, monday);
    twice.receiveAntwoord(
      { messageId: 'c', verzoekAntwoord: '1', redenAfwijzingVerzoek: '2', ontvangen: '2030-03-08' },
      monday,
    );
    twice.receiveAntwoord(
      { messageId: 'd', verzoekAntwoord: '1', redenAfwijzingVerzoek: '2', ontvangen: '2030-03-09' },
      monday,
    );
    expect(codes(twice)).toEqual(['', '9360', '', '9365']);
  });

  it('a re-delivered answer changes nothing', () => {
    const r = sentRequest();
    const a = { messageId: 'in-319', verzoekAntwoord: '2' as const, ontvangen: '2030-03-08' };
    r.receiveAntwoord(a, monday);
    r.receiveAntwoord(a, monday);
    expect(r.view(monday).antwoorden).toHaveLength(1);
    r.sent(r.nextOwed() as never, {
      outboxId: 'o',
      identificatie: 'R',
      dagtekening: '2030-03-08',
      duplicate: false,
    });
    expect(r.nextOwed()).toBeUndefined();
  });
});

describe('deadlines and the view', () => {
  it('a missed answer is escalated once, after its last day; the timer wakes just after that day', () => {
    const r = sentRequest();
    r.receiveRetour({
      messageId: 'x',
      messageType: 'WMO316',
      heenIdentificatie: 'VOT-ID-1',
      retourCodes: [],
      ontvangen: '2030-03-05',
    });
    const endOfFifth = Date.parse('2030-03-11T23:00:00Z'); // midnight in Amsterdam (UTC+1)
    expect(r.nextWake(monday)).toBe(endOfFifth + 1); // endOfAmsterdamDay is the next midnight; +1 ms past it
    expect(r.takeEscalations(endOfFifth - 1)).toEqual([]);
    expect(r.takeEscalations(endOfFifth).map((d) => [d.action, d.rule])).toEqual([
      ['verstuur-301-of-319', 'OP274'],
    ]);
    expect(r.takeEscalations(endOfFifth + 7 * day)).toEqual([]);
    expect(r.overdue(endOfFifth)).toBe(true);
    expect(r.view(endOfFifth).escalations).toHaveLength(1);
  });

  it('the view holds the public fields only: no profile, sequence, owed work or event ids', () => {
    const s = sentRequest().view(monday);
    expect(Object.keys(s).sort()).toEqual([
      'aanbieder',
      'antwoorden',
      'clientRef',
      'deadlines',
      'escalations',
      'gemeente',
      'ingangsdatum',
      'kind',
      'messages',
      'missingTerms',
      'overdue',
      'product',
      'profileId',
      'referentieAanbieder',
      'status',
      'toewijzingen',
      'versions',
      'workflowId',
    ]);
    expect(JSON.stringify(s)).not.toMatch(/"(profile|seq|owed|processedEvents|seenMessages|revision)"/);
  });
});
