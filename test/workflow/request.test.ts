import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { endOfAmsterdamDay } from '../../calendar/amsterdam';
import { addDays } from '../../calendar/iso-date';
import { addWorkingDays } from '../../calendar/working-days';
import {
  antwoordSignal,
  honouredSignal,
  type RequestState,
  resendUpdate,
  retourSignal,
} from '../../contract/request/contract';
import { eventually, today } from '../support/assignment';
import {
  type RequestHandle,
  recordingRequestActivities,
  requestInput,
  sentOfType,
  useRequestHarness,
} from '../support/request';
import { createTestWorker } from '../support/worker';

/*
 * The request workflow on the time-skipping server, with its activities as recording doubles: the 315
 * with two products, honoured and rejected; "in onderzoek" then a 301; escalations on the fifth working
 * day and at eight weeks; a 316 with retour codes corrected through the update; one 320 per 319; a bad
 * update refused by its rule without failing the workflow.
 */

const day = 24 * 60 * 60 * 1000;
const h = useRequestHarness();
const env = () => h.env;
const now = async () => today(await env().currentTimeMs());

/** The Identificatie the latest version of the request got once it was in the outbox. */
async function sentRequestId(handle: RequestHandle): Promise<string> {
  const s = await h.stateWhen(handle, 'request sent', (x) => x.versions.at(-1)?.status === 'verzonden');
  return s.versions.at(-1)?.identificatie as string;
}

async function retour316(handle: RequestHandle, heen: string, codes: string[] = [], id = `in-316-${heen}`) {
  await handle.signal(retourSignal, {
    messageId: id,
    messageType: 'WMO316',
    heenIdentificatie: heen,
    retourCodes: codes,
    ontvangen: await now(),
  });
}

const refusalOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
};

describe('request workflow: a 315 with two products', () => {
  it('two workflows share one 315; one is honoured by a 301, the other rejected by a 319 answered with a 320', async () => {
    const acts = recordingRequestActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const shared = { payloadRef: 'doc-vot-2' };
      const a = await h.start(requestInput({ referentieAanbieder: 'VOT-A', ...shared }), taskQueue);
      const b = await h.start(
        requestInput({ referentieAanbieder: 'VOT-B', product: { categorie: '04' }, ...shared }),
        taskQueue,
      );
      expect([a.workflowId, b.workflowId]).toEqual(['verzoek:42420001:VOT-A', 'verzoek:42420001:VOT-B']);
      const heen = await sentRequestId(a);
      expect(await sentRequestId(b)).toBe(heen);
      // One message for the document: the second workflow found the first one's outbox row.
      expect(acts.sent.filter((s) => s.message.type === 'WMO315')).toEqual([
        {
          idempotencyKey: 'verzoek:doc-vot-2',
          workflowId: expect.stringMatching(/^verzoek:42420001:VOT-[AB]$/),
          dagtekening: await now(),
          message: { type: 'WMO315', payloadRef: 'doc-vot-2' },
        },
      ]);
      await retour316(a, heen, [], 'in-316-1');
      await retour316(b, heen, [], 'in-316-1');

      await a.signal(honouredSignal, {
        messageId: 'in-301-1',
        toewijzingen: [{ toewijzingNummer: 9001, assignmentWorkflowId: 'wmo:0384:9001' }],
        ontvangen: await now(),
      });
      await b.signal(antwoordSignal, {
        messageId: 'in-319-1',
        verzoekAntwoord: '1',
        redenAfwijzingVerzoek: '4',
        ontvangen: await now(),
      });
      // One result at a time: two concurrent awaits on the time-skipping client unlock its clock twice.
      const honoured = (await a.result()) as RequestState;
      const rejected = (await b.result()) as RequestState;
      expect(honoured).toMatchObject({
        status: 'gehonoreerd',
        toewijzingen: [
          { toewijzingNummer: 9001, assignmentWorkflowId: 'wmo:0384:9001', messageId: 'in-301-1' },
        ],
      });
      expect(rejected).toMatchObject({
        status: 'afgewezen',
        closed: { as: 'afgewezen', redenAfwijzingVerzoek: '4' },
      });
      expect(acts.sent.filter((s) => s.message.type === 'WMO320').map((s) => s.message)).toEqual([
        { type: 'WMO320', heenMessageId: 'in-319-1', retourCodes: [] },
      ]);
      expect(acts.escalations).toEqual([]);
      expect(acts.projections.at(-1)?.status).toMatch(/gehonoreerd|afgewezen/);
    });
  });
});

describe('request workflow: a 317', () => {
  it('a 317 naming two assignments is honoured by the 301 that changes both; one message, a 318, no 320', async () => {
    const acts = recordingRequestActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const { product: _none, ...base } = requestInput({ referentieAanbieder: 'VOW-1' });
      const handle = await h.start({ ...base, kind: '317', toewijzingNummers: [9101, 9102] }, taskQueue);
      const heen = await sentRequestId(handle);
      expect(acts.sent.map((x) => x.message)).toEqual([{ type: 'WMO317', payloadRef: 'doc-VOW-1' }]);
      await handle.signal(retourSignal, {
        messageId: 'in-318-1',
        messageType: 'WMO318',
        heenIdentificatie: heen,
        retourCodes: [],
        ontvangen: await now(),
      });
      await h.stateWhen(handle, 'ontvangen', (x) => x.status === 'ontvangen');
      // The 301 that follows changes both named assignments; each product carries the referentie (TR379).
      await handle.signal(honouredSignal, {
        messageId: 'in-301-vow',
        toewijzingen: [
          { toewijzingNummer: 9101, assignmentWorkflowId: 'wmo:0384:9101' },
          { toewijzingNummer: 9102, assignmentWorkflowId: 'wmo:0384:9102' },
        ],
        ontvangen: await now(),
      });
      const final = (await handle.result()) as RequestState;
      expect(final).toMatchObject({ kind: '317', status: 'gehonoreerd', toewijzingNummers: [9101, 9102] });
      expect(final.toewijzingen.map((t) => t.assignmentWorkflowId)).toEqual([
        'wmo:0384:9101',
        'wmo:0384:9102',
      ]);
      expect(acts.projections.at(-1)?.assignmentWorkflowIds).toEqual(['wmo:0384:9101', 'wmo:0384:9102']);
      expect(acts.sent.filter((x) => x.message.type === 'WMO320')).toEqual([]);
      expect(acts.escalations).toEqual([]);
    });
  });
});

describe('request workflow: in onderzoek and deadlines', () => {
  it('"in onderzoek" followed by a 301 after six weeks: one 320, no escalation, closed as honoured', async () => {
    const acts = recordingRequestActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const handle = await h.start(requestInput({ referentieAanbieder: 'VOT-ONDERZOEK' }), taskQueue);
      const sentOn = await now();
      await retour316(handle, await sentRequestId(handle));
      const antwoord = { messageId: 'in-319-2', verzoekAntwoord: '2' as const, ontvangen: await now() };
      await handle.signal(antwoordSignal, antwoord);
      await handle.signal(antwoordSignal, antwoord); // re-delivered: still one 320
      const s = await h.stateWhen(handle, 'in onderzoek', (x) => x.status === 'in-onderzoek');
      expect(s.deadlines.find((d) => d.action === 'verstuur-definitief-antwoord')).toMatchObject({
        status: 'open',
        due: addDays(sentOn, 56),
        rule: 'OP274/OP346',
      });
      await sentOfType(acts, 'WMO320');

      await env().sleep(42 * day);
      await handle.signal(honouredSignal, {
        messageId: 'in-301-2',
        toewijzingen: [{ toewijzingNummer: 9002, assignmentWorkflowId: 'wmo:0384:9002' }],
        ontvangen: await now(),
      });
      const final = (await handle.result()) as RequestState;
      expect(final.status).toBe('gehonoreerd');
      expect(final.deadlines.find((d) => d.action === 'verstuur-definitief-antwoord')).toMatchObject({
        status: 'met',
        lateWorkingDays: 0,
      });
      // One 320 asked for, not just one stored: the re-delivered 319 never reached the state twice.
      expect(acts.calls.filter((x) => x.message.type === 'WMO320')).toHaveLength(1);
      expect(final.antwoorden.map((x) => [x.messageId, x.retourCodes])).toEqual([['in-319-2', []]]);
      expect(acts.escalations).toEqual([]);
    });
  });

  it('a missing answer escalates on the fifth working day, and once more eight weeks after the request', async () => {
    const acts = recordingRequestActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const handle = await h.start(requestInput({ referentieAanbieder: 'VOT-LAAT' }), taskQueue);
      const sentOn = await now();
      await retour316(handle, await sentRequestId(handle));
      const due = addWorkingDays(sentOn, 5);
      await h.stateWhen(handle, '316 taken in', (x) => x.status === 'ontvangen');

      // The fifth working day itself is still in time …
      await env().sleep(endOfAmsterdamDay(due).getTime() - 60 * 60 * 1000 - (await env().currentTimeMs()));
      expect((await h.state(handle)).escalations).toEqual([]);
      // … and just after it the gemeente's missing answer is escalated, once.
      await env().sleep(2 * 60 * 60 * 1000);
      await eventually(() => acts.escalations.length > 0 || undefined, 'escalation');
      await env().sleep(3 * day);
      expect(acts.escalations.map((e) => [e.action, e.rule, e.owner, e.dueDate])).toEqual([
        ['verstuur-301-of-319', 'OP274', 'gemeente', due],
      ]);
      expect(acts.escalations[0]?.idempotencyKey).toBe(
        `${handle.workflowId}:${(await h.state(handle)).escalations[0]?.deadlineId}`,
      );

      // A late "in onderzoek": the final answer is due 8 weeks after the request's dagtekening.
      await handle.signal(antwoordSignal, {
        messageId: 'in-319-3',
        verzoekAntwoord: '2',
        ontvangen: await now(),
      });
      await sentOfType(acts, 'WMO320');
      await env().sleep(
        endOfAmsterdamDay(addDays(sentOn, 56)).getTime() + 60_000 - (await env().currentTimeMs()),
      );
      await eventually(() => acts.escalations.length > 1 || undefined, 'second escalation');
      await env().sleep(7 * day);
      expect(acts.escalations.map((e) => [e.action, e.rule, e.dueDate])).toEqual([
        ['verstuur-301-of-319', 'OP274', due],
        ['verstuur-definitief-antwoord', 'OP274/OP346', addDays(sentOn, 56)],
      ]);
      const overdue = await h.state(handle);
      expect(overdue.overdue).toBe(true);
      expect(overdue.status).toBe('in-onderzoek');

      await handle.signal(antwoordSignal, {
        messageId: 'in-319-4',
        verzoekAntwoord: '1',
        redenAfwijzingVerzoek: '1',
        ontvangen: await now(),
      });
      const final = (await handle.result()) as RequestState;
      expect(final.status).toBe('afgewezen');
      expect(final.deadlines.find((d) => d.action === 'verstuur-definitief-antwoord')).toMatchObject({
        status: 'met',
        escalated: true,
      });
      expect(acts.sent.filter((x) => x.message.type === 'WMO320').map((x) => x.message)).toEqual([
        { type: 'WMO320', heenMessageId: 'in-319-3', retourCodes: [] },
        { type: 'WMO320', heenMessageId: 'in-319-4', retourCodes: [] },
      ]);
      expect(acts.escalations).toHaveLength(2);
    });
  });
});

describe('request workflow: correction and refusals', () => {
  it('a 316 with retour codes: the corrected request is resent through the update, then answered', async () => {
    const acts = recordingRequestActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const handle = await h.start(
        requestInput({ referentieAanbieder: 'VOT-FOUT', payloadRef: 'doc-fout-1' }),
        taskQueue,
      );
      const first = await sentRequestId(handle);
      await retour316(handle, first, ['0001']);
      const rejected = await h.stateWhen(handle, 'afgekeurd', (x) => x.status === 'afgekeurd');
      expect(rejected.deadlines.filter((d) => d.status === 'open')).toEqual([]);

      const same = await refusalOf(
        handle.executeUpdate(resendUpdate, { args: [{ eventId: 'fix-0', payloadRef: 'doc-fout-1' }] }),
      );
      expect(same.message).toMatch(/^Ongewijzigd: /);
      const result = await handle.executeUpdate(resendUpdate, {
        args: [{ eventId: 'fix-1', payloadRef: 'doc-fout-2' }],
      });
      expect(result).toEqual({ eventId: 'fix-1', accepted: true, messages: ['315'] });
      // The same call again (a retried HTTP request) gets the first answer and sends nothing new.
      expect(
        await handle.executeUpdate(resendUpdate, { args: [{ eventId: 'fix-1', payloadRef: 'doc-fout-2' }] }),
      ).toEqual(result);
      const [, second] = await sentOfType(acts, 'WMO315', 2);
      expect(second).toMatchObject({
        idempotencyKey: 'verzoek:doc-fout-2',
        message: { payloadRef: 'doc-fout-2' },
      });
      const resentId = await sentRequestId(handle);
      expect(resentId).not.toBe(first);
      await retour316(handle, resentId);
      await h.stateWhen(handle, 'ontvangen', (x) => x.status === 'ontvangen');
      await handle.signal(honouredSignal, {
        messageId: 'in-301-5',
        toewijzingen: [{ toewijzingNummer: 9005, assignmentWorkflowId: 'wmo:0384:9005' }],
        ontvangen: await now(),
      });
      const final = (await handle.result()) as RequestState;
      expect(final.versions.map((v) => [v.payloadRef, v.status, v.retourCodes])).toEqual([
        ['doc-fout-1', 'afgekeurd', ['0001']],
        ['doc-fout-2', 'goedgekeurd', undefined],
      ]);
      expect(acts.sent.filter((x) => x.message.type === 'WMO315')).toHaveLength(2);
    });
  });

  it('a bad update is refused with its rule and the workflow runs on; a bad signal is dropped', async () => {
    const acts = recordingRequestActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const handle = await h.start(requestInput({ referentieAanbieder: 'VOT-WEIGER' }), taskQueue);
      const heen = await sentRequestId(handle);
      const pending = await refusalOf(
        handle.executeUpdate(resendUpdate, { args: [{ eventId: 'e1', payloadRef: 'doc-2' }] }),
      );
      expect(pending.type).toBe('RequestRefused');
      expect(pending.message).toMatch(/^TR374: /);
      expect(pending.details).toEqual([{ rule: 'TR374', retourCode: '9374' }]);
      const malformed = await refusalOf(
        handle.executeUpdate(resendUpdate, { args: [{ eventId: 'e2', payloadRef: 7 } as never] }),
      );
      expect(malformed.message).toBe(
        'Schema: het verzoek heeft niet de vorm van een ResendEvent (payloadRef: must be text)',
      );
      await handle.signal(antwoordSignal, { messageId: 'x', verzoekAntwoord: '9' } as never);

      await retour316(handle, heen);
      await handle.signal(antwoordSignal, {
        messageId: 'in-319-6',
        verzoekAntwoord: '1',
        redenAfwijzingVerzoek: '2',
        ontvangen: await now(),
      });
      const closed = await refusalOf(
        handle.executeUpdate(resendUpdate, { args: [{ eventId: 'e3', payloadRef: 'doc-3' }] }),
      ).catch(() => undefined);
      const final = (await handle.result()) as RequestState;
      expect(final.status).toBe('afgewezen');
      expect(final.antwoorden.map((x) => x.messageId)).toEqual(['in-319-6']);
      // The workflow may have ended before the last call reached it; if it did not, the rule was TR347.
      if (closed) expect(closed.message).toMatch(/^TR347: /);
      expect(acts.sent.map((s) => s.message.type)).toEqual(['WMO315', 'WMO320']);
    });
  });

  it('a start whose input is not a RequestInput ends at once with the field named, without failing', async () => {
    const acts = recordingRequestActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const bad = { ...requestInput({ referentieAanbieder: 'VOT-KAPOT' }), gemeente: '384' };
      const handle = await h.start(bad, taskQueue);
      expect(await handle.result()).toEqual({ refused: 'Schema: gemeente: must be 4–4 characters' });
      expect(acts.calls).toEqual([]);
    });
  });
});
