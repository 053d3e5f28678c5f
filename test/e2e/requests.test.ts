import { randomBytes } from 'node:crypto';
import proto from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { requestWorkflowId } from '../../contract/request/contract';
import { inboxMessages, outboxMessages, requestDocuments } from '../../db';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';
import { decodeAs, sampleBsn, sampleXml } from '../support/messages';

/*
 * Issue 16's "done when", end to end, all real and in this process as `npm start` wires it (Temporal dev
 * server, PostgreSQL, the worker with payload encryption, the embedded simulator over mutual TLS, the
 * HTTP API, message-poll rounds): a provider POSTs a 315 with two products; the simulated gemeente
 * answers the first with a 316 carrying retour codes, the provider resends it corrected, the gemeente
 * approves it, honours product A with a 301 and rejects product B with a 319, which is answered by one
 * 320. A second 315 gets a 301, a 319 and an "in onderzoek" followed by a 301; a 317 then changes the
 * two toewijzingen that gave, through the 301 that honours it. Every 319 has one 320, every message is
 * in the archive and linked in its conversation; no Temporal history holds the BSN or the name (read
 * raw, as stored). About 30 s.
 */

const gemeente = '0384';
const aanbieder = '42420001';
const run = randomBytes(3).toString('hex').toUpperCase();
const refA = `E2E-${run}-A`;
const refB = `E2E-${run}-B`;
const syntheticName = 'Graspieperhof';

const History = proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;

vi.spyOn(console, 'log').mockImplementation(() => {});

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack({
    name: 'e2e-req',
    aanbieder,
    scenario: {
      name: 'e2e-requests',
      gemeente,
      aanbieder,
      toewijzingen: { clients: 0, issueOnStart: false },
      answers: {
        delayMs: 200,
        WMO315: {
          retour: { retourCodes: ['9347'], times: 1 },
          answers: [
            { decision: 'honour' },
            { decision: 'reject', reden: '7' },
            { decision: 'in-onderzoek', laterMs: 1500, outcome: { decision: 'honour' } },
          ],
        },
      },
    },
    codecPoolSize: 1,
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

// ---- helpers ----

const call = (path: string) => stack.call(path);
const post = (path: string, body: unknown) => stack.post(path, body);
const pollRound = () => stack.pollRound();
const roundsUntil = (done: () => Promise<boolean>, what: string) => stack.roundsUntil(done, what);
const pushed = (type: string) => stack.pushed(type);
const issuedOf = (type: string) => stack.issuedOf(type);
const allConfirmed = () => stack.allConfirmed();
const sortedIds = (list: { traceerId: string }[]) => list.map((m) => m.traceerId).sort();
let honouredNummer = 0;
const stateOf = async (ref: string) => (await call(`/requests/${aanbieder}/${ref}`)).body;
const statuses = async () => [(await stateOf(refA)).status, (await stateOf(refB)).status];

const today = amsterdamDateOf(new Date());
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A 315 as JSON from the fixture's client (a synthetic name) with these referenties. `current`: each
 * product its own code, starting today without an end, so the toewijzingen it leads to are current.
 */
function verzoek315(commentaar: string, refs = [refA, refB], current = false) {
  const sample = decodeAs(sampleXml('315'), 'WMO315').bericht;
  const { AangevraagdeProducten, ...rest } = sample.Client;
  const products = AangevraagdeProducten.AangevraagdProduct;
  const producten = refs.map((ref, i) => {
    const { ToewijzingEinddatum, ...p } = products[i % products.length] as (typeof products)[number];
    return {
      ...p,
      ...(current
        ? { Product: { Categorie: '01', Code: `CUR0${i}` }, ToewijzingIngangsdatum: today }
        : { ToewijzingEinddatum }),
      ReferentieAanbieder: ref,
      Commentaar: commentaar,
    };
  });
  return {
    soort: '315' as const,
    aanbieder,
    gemeente,
    client: { ...rest, Naam: { ...rest.Naam, Geslachtsnaam: { Achternaam: syntheticName } } },
    producten,
  };
}

// ---- the request ----

describe('a 315 with two products through the API, the simulator and back', () => {
  it('316 with codes → corrected resend → 316 → 301 honours A, 319 rejects B, answered by one 320', async () => {
    const posted = await post('/requests', { eventId: `e2e-${run}-1`, verzoek: verzoek315('eerste versie') });
    expect(posted.status, posted.text).toBe(202);
    expect(posted.body.workflowIds).toEqual([
      requestWorkflowId(aanbieder, refA),
      requestWorkflowId(aanbieder, refB),
    ]);

    // The 315 goes out; the gemeente's 316 carries 9347 on both products: both afgekeurd.
    await roundsUntil(async () => (await statuses()).every((s) => s === 'afgekeurd'), 'both afgekeurd');
    expect(pushed('WMO315')).toHaveLength(1);

    // Corrected and resent through the API, once per workflow, one document and one message.
    for (const ref of [refA, refB]) {
      const resent = await post(`/requests/${aanbieder}/${ref}/resend`, {
        eventId: `e2e-${run}-2`,
        verzoek: verzoek315('verbeterd'),
      });
      expect(resent.status, resent.text).toBe(202);
    }
    await roundsUntil(async () => {
      const [a, b] = await statuses();
      return a === 'gehonoreerd' && b === 'afgewezen' && pushed('WMO320').length === 1 && allConfirmed();
    }, 'A honoured, B rejected, the 320 sent');
    expect(pushed('WMO315')).toHaveLength(2);
    expect(issuedOf('WMO316')).toHaveLength(2);
    const a = await stateOf(refA);
    const b = await stateOf(refB);
    expect(b.closed).toMatchObject({ as: 'afgewezen', redenAfwijzingVerzoek: '7' });
    const [honoured] = a.toewijzingen;
    honouredNummer = honoured.toewijzingNummer;
    expect(honoured.assignmentWorkflowId).toMatch(/^wmo:0384:/);
    const assignment = await call(`/assignments/${gemeente}/${honoured.toewijzingNummer}`);
    expect(assignment.status, assignment.text).toBe(200);
    expect(assignment.body.toewijzing.referentieAanbieder).toBe(refA);

    // Every 319 answered by exactly one 320 — also after more rounds.
    await roundsUntil(
      async () => pushed('WMO302').length === 1 && allConfirmed(),
      'the 301 answered with a 302',
    );
    await pollRound();
    expect(issuedOf('WMO319')).toHaveLength(1);
    expect(pushed('WMO320')).toHaveLength(1);
    expect(pushed('WMO320')[0]?.alsAntwoordOp).toBe(issuedOf('WMO319')[0]?.traceerId);
  }, 300_000);

  it('a 315 with three products: honoured, rejected, in onderzoek then honoured; a 317 changes two assignments', async () => {
    const [refE, refF, refG, refH] = ['E', 'F', 'G', 'H'].map((x) => `E2E-${run}-${x}`) as [
      string,
      string,
      string,
      string,
    ];
    const posted = await post('/requests', {
      eventId: `e2e-${run}-3`,
      verzoek: verzoek315('drie producten', [refE, refF, refG], true),
    });
    expect(posted.status, posted.text).toBe(202);
    await roundsUntil(async () => {
      const [e, f, g] = await Promise.all([stateOf(refE), stateOf(refF), stateOf(refG)]);
      return (
        e.status === 'gehonoreerd' &&
        f.status === 'afgewezen' &&
        ['in-onderzoek', 'gehonoreerd'].includes(g.status)
      );
    }, 'E honoured, F rejected, G in onderzoek');
    await roundsUntil(
      async () => (await stateOf(refG)).status === 'gehonoreerd' && allConfirmed(),
      'G honoured later',
    );
    const g = await stateOf(refG);
    expect(g.antwoorden.map((a: { verzoekAntwoord: string }) => a.verzoekAntwoord)).toEqual(['2']);
    const nummers = [(await stateOf(refE)).toewijzingen[0], g.toewijzingen[0]].map(
      (t: { toewijzingNummer: number }) => t.toewijzingNummer,
    );

    // The 317 describes the complete desired situation: both current toewijzingen end in a month.
    const einddatum = addDays(today, 30);
    const wijziging = await post('/requests', {
      eventId: `e2e-${run}-4`,
      verzoek: {
        soort: '317',
        aanbieder,
        gemeente,
        client: { Bsn: sampleBsn },
        verzoek: {
          ReferentieAanbieder: refH,
          RedenVerzoek: '1',
          TeWijzigenProducten: {
            TeWijzigenProduct: nummers.map((n) => ({
              ToewijzingNummer: n,
              GewensteIngangsdatum: today,
              Einddatum: einddatum,
            })),
          },
        },
      },
    });
    expect(wijziging.status, wijziging.text).toBe(202);
    await roundsUntil(
      async () => (await stateOf(refH)).status === 'gehonoreerd' && allConfirmed(),
      'the 317 honoured',
    );
    const h = await stateOf(refH);
    expect(h.toewijzingen.map((t: { toewijzingNummer: number }) => t.toewijzingNummer).sort()).toEqual(
      [...nummers].sort(),
    );
    await roundsUntil(async () => {
      const all = await Promise.all(nummers.map((n) => call(`/assignments/${gemeente}/${n}`)));
      return all.every((a) => a.body?.toewijzing?.einddatum === einddatum);
    }, 'both assignments changed by the 301');
    expect(issuedOf('WMO318')).toHaveLength(1);
  }, 300_000);

  it('every 319 is answered by one 320; every message is archived and linked; no BSN in any history', async () => {
    const { sim, testDb, client, env } = stack;
    await roundsUntil(
      async () => allConfirmed() && pushed('WMO320').length === issuedOf('WMO319').length,
      'all answered',
    );
    await pollRound();
    expect(issuedOf('WMO319')).toHaveLength(3); // B rejected, F rejected, G in onderzoek
    expect(
      pushed('WMO320')
        .map((m) => m.alsAntwoordOp)
        .sort(),
    ).toEqual(sortedIds(issuedOf('WMO319')));
    expect(
      pushed('WMO302')
        .map((m) => m.alsAntwoordOp)
        .sort(),
    ).toEqual(sortedIds(issuedOf('WMO301')));

    // The archive holds every message the simulator saw, once.
    const listed = (await call('/messages?limit=100')).body.items as {
      id: string;
      messageType: string;
      traceerId: string;
    }[];
    const every = sim.store.all().map((m) => m.traceerId);
    expect(new Set(listed.map((m) => m.id)).size).toBe(every.length);
    expect(listed.map((m) => m.traceerId).sort()).toEqual([...every].sort());
    const idOf = new Map(listed.map((m) => [m.traceerId, m.id]));

    // Linked: the corrected 315's conversation holds its 316, and the 301, 302, 319 and 320 that followed.
    // The store keeps arrival order: the second 315 is the corrected one.
    const second315 = pushed('WMO315')[1];
    expect(issuedOf('WMO316')[1]?.alsAntwoordOp).toBe(second315?.traceerId);
    const conversation = await call(`/messages/${idOf.get(second315?.traceerId ?? '')}/conversation`);
    expect(conversation.status, conversation.text).toBe(200);
    const types = (conversation.body.messages as { messageType: string }[]).map((m) => m.messageType).sort();
    expect(types).toEqual(expect.arrayContaining(['WMO301', 'WMO315', 'WMO316', 'WMO319', 'WMO320']));
    // Each 319's conversation holds the one 320 that answers it, linked to it.
    for (const antwoord of issuedOf('WMO319')) {
      const id319 = idOf.get(antwoord.traceerId) as string;
      const conv = await call(`/messages/${id319}/conversation`);
      const replies = (
        conv.body.messages as { id: string; messageType: string; inReplyTo: string | null }[]
      ).filter((m) => m.messageType === 'WMO320' && m.inReplyTo === id319);
      const answer = pushed('WMO320').find((m) => m.alsAntwoordOp === antwoord.traceerId);
      expect(replies.map((m) => m.id)).toEqual([idOf.get(answer?.traceerId ?? '')]);
    }

    // The outbox and inbox rows: each message once, every outbox row sent.
    const out = await testDb.handle.db.select().from(outboxMessages);
    expect(out.map((r) => r.status)).toEqual(Array(out.length).fill('sent'));
    const inbox = await testDb.handle.db
      .select()
      .from(inboxMessages)
      .where(eq(inboxMessages.messageType, 'WMO319'));
    expect(inbox.map((r) => r.status)).toEqual(['routed', 'routed', 'routed']);
    expect(await testDb.handle.db.select().from(requestDocuments)).toHaveLength(4);

    // No BSN and no name in any Temporal history of this run, read raw.
    const executions: string[] = [];
    for await (const e of client.workflow.list()) executions.push(e.workflowId);
    expect(executions).toEqual(
      expect.arrayContaining([requestWorkflowId(aanbieder, refA), `wmo:${gemeente}:${honouredNummer}`]),
    );
    for (const workflowId of executions) {
      const raw = await env.connection.workflowService.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId },
      });
      const bytes = Buffer.from(History.encode(raw).finish());
      expect(bytes.includes(sampleBsn), workflowId).toBe(false);
      expect(bytes.includes(syntheticName), workflowId).toBe(false);
    }
  }, 300_000);
});
