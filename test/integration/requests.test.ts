import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createInbound } from '../../activities/inbound';
import { inlineCodec } from '../../activities/messaging/codec';
import { createApi } from '../../api/app';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { loadProfiles } from '../../config/profiles';
import { assignmentWorkflowId } from '../../contract/assignment';
import { requestWorkflowId } from '../../contract/request/contract';
import { inboxMessages, outboxMessages, requestDocuments } from '../../db';
import { buildRetour, decode, encode, type MessageOf } from '../../iwmo';
import { clientRef, createKeyring, dataConverterFor } from '../../security';
import { createTestDatabase } from '../support/database';
import { decodeAs, sampleAanbieder, sampleBsn, sampleGemeente, sampleXml, wmo301 } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';

/*
 * Issue 16 through HTTP on real parts (Temporal dev server, PostgreSQL, real activities and inbound path,
 * payload encryption): a 315 with two products starts two workflows and one 315 in the outbox; a 316 with
 * retour codes rejects it and the corrected request is resent; a 319 rejects one product and is answered
 * by exactly one 320; a 301 with the ReferentieAanbieder honours the other and links it to its
 * assignment; an unmatched 319 is stored with a note and answered; no BSN or name in any history; the
 * routes refuse what an attacker would try.
 */

const History = proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const tokens = { provider: 'req-provider', gemeente: 'req-gemeente', other: 'req-other' };
const apiKeys = [
  { id: 'zorg-bv', tokenSha256: sha(tokens.provider), aanbieders: [sampleAanbieder], gemeenten: [] },
  { id: 'gemeente-0384', tokenSha256: sha(tokens.gemeente), aanbieders: [], gemeenten: [sampleGemeente] },
  { id: 'other', tokenSha256: sha(tokens.other), aanbieders: ['11112222'], gemeenten: ['1916'] },
];
type Token = keyof typeof tokens;
const keyring = createKeyring([{ id: 'req-2026', key: randomBytes(32).toString('base64') }], 'req-2026');
const dataConverter = dataConverterFor(keyring);
const refSecret = randomBytes(32).toString('hex');
const syntheticName = 'Zwartkopvlieger';
const today = amsterdamDateOf(new Date());
const run = randomBytes(3).toString('hex').toUpperCase();
const refA = `REQ-${run}-A`;
const refB = `REQ-${run}-B`;

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let client: Client;
let worker: Worker;
let workerRun: Promise<void>;
let app: ReturnType<typeof createApi>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
  const db = testDb.handle.db;
  client = new Client({ connection: env.connection, dataConverter });
  const activities = createActivities({ db, temporal: client });
  const created = await createTestWorker(env, activities, { dataConverter });
  worker = created.worker;
  workerRun = worker.run();
  const ref = (bsn: string) => clientRef(bsn, refSecret);
  const inbound = createInbound({
    db,
    temporal: client,
    taskQueue: created.taskQueue,
    profiles: loadProfiles(),
    clientRef: ref,
    codec: inlineCodec,
  });
  app = createApi({
    temporal: client,
    namespace: 'default',
    taskQueue: created.taskQueue,
    database: testDb.handle,
    apiKeys,
    messages: { db, inbound },
    requests: { clientRef: ref },
    log: () => {},
  });
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await testDb?.drop();
  await env?.teardown();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
type Answer = { status: number; body: any; text: string };

async function call(path: string, token: Token, init: RequestInit = {}): Promise<Answer> {
  const res = await app.request(`/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${tokens[token]}`, ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}
const get = (path: string, token: Token = 'provider') => call(path, token);
const postJson = (path: string, body: unknown, token: Token = 'provider') =>
  call(path, token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const postXml = (xml: string, token: Token = 'gemeente') =>
  call('/messages', token, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });

async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A 315 as JSON from the fixture, with this run's referenties and a synthetic name. */
function verzoek315(refs: string[], commentaar = 'eerste versie') {
  const sample = decodeAs(sampleXml('315'), 'WMO315').bericht;
  const { AangevraagdeProducten, ...client } = sample.Client;
  const producten = AangevraagdeProducten.AangevraagdProduct.slice(0, refs.length).map((p, i) => ({
    ...p,
    ReferentieAanbieder: refs[i] as string,
    Commentaar: commentaar,
  }));
  return {
    soort: '315' as const,
    aanbieder: sampleAanbieder,
    gemeente: sampleGemeente,
    client: { ...client, Naam: { ...client.Naam, Geslachtsnaam: { Achternaam: syntheticName } } },
    producten,
  };
}

const outboxOf = (type: string) =>
  testDb.handle.db.select().from(outboxMessages).where(eq(outboxMessages.messageType, type));

let identificatieSerial = 0;
/** The gemeente's retour (316) on a 315 in the outbox, with these codes (none: approved). */
function retour316(xml315: string, codes: string[]): string {
  const res = decode(xml315);
  if (!res.ok) throw new Error('stored 315 does not decode');
  const findings = codes.map((c) => ({
    rule: 'RETOUR',
    retourCode: c as '0001',
    path: '/Bericht/Header',
    message: c,
    hint: '',
  }));
  const built = buildRetour(res.value.message as MessageOf<'WMO315'>, findings, {
    identificatie: `R${run}${++identificatieSerial}`,
    dagtekening: today,
  });
  if (!built.ok) throw new Error(built.reason);
  const out = encode(built.retour, { rules: 'report' });
  if (!out.ok) throw new Error('316 does not encode');
  return out.xml;
}

function antwoord319(referentie: string, verzoekAntwoord: '1' | '2', reden?: string): string {
  const sample = decodeAs(sampleXml('319'), 'WMO319').bericht;
  const message: MessageOf<'WMO319'> = {
    type: 'WMO319',
    bericht: {
      Header: {
        ...sample.Header,
        Ontvanger: sampleAanbieder,
        BerichtIdentificatie: { Identificatie: `A${run}${++identificatieSerial}`, Dagtekening: today },
      },
      Antwoord: {
        ReferentieAanbieder: referentie,
        VerzoekAntwoord: verzoekAntwoord,
        ...(reden ? { RedenAfwijzingVerzoek: reden } : {}),
      },
    } as MessageOf<'WMO319'>['bericht'],
  };
  const out = encode(message, { rules: 'report' });
  if (!out.ok) throw new Error(`319 does not encode: ${out.findings.map((f) => f.rule)}`);
  return out.xml;
}

const stateOf = (ref: string) => get(`/requests/${sampleAanbieder}/${ref}`).then((a) => a.body);
const idA = requestWorkflowId(sampleAanbieder, refA);
const idB = requestWorkflowId(sampleAanbieder, refB);

describe('a 315 with two products, through HTTP', () => {
  it('starts two workflows and puts one 315 in the outbox; the same eventId again does nothing new', async () => {
    const first = await postJson('/requests', { eventId: `ev-${run}-1`, verzoek: verzoek315([refA, refB]) });
    expect(first.status, first.text).toBe(202);
    expect(first.body.workflowIds).toEqual([idA, idB]);
    const again = await postJson('/requests', { eventId: `ev-${run}-1`, verzoek: verzoek315([refA, refB]) });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ duplicate: true, workflowIds: [idA, idB] });
    const rows = await eventually(async () => {
      const r = await outboxOf('WMO315');
      const states = await Promise.all([stateOf(refA), stateOf(refB)]);
      return r.length === 1 && states.every((s) => s.status === 'ingediend') && r;
    }, 'the 315 in the outbox');
    expect(rows[0]?.payload).toContain(sampleBsn); // the outbox holds the message itself
  });

  it('a 316 with retour codes rejects both; the corrected request is resent through the API', async () => {
    const [heen] = await outboxOf('WMO315');
    const posted = await postXml(retour316(heen?.payload as string, ['8001']));
    expect(posted.status, posted.text).toBeLessThan(300);
    await eventually(async () => {
      const s = await Promise.all([stateOf(refA), stateOf(refB)]);
      return s.every((x) => x.status === 'afgekeurd');
    }, 'both afgekeurd');
    const corrected = verzoek315([refA, refB], 'verbeterd');
    for (const ref of [refA, refB]) {
      const resent = await postJson(`/requests/${sampleAanbieder}/${ref}/resend`, {
        eventId: `ev-${run}-2`,
        verzoek: corrected,
      });
      expect(resent.status, resent.text).toBe(202);
    }
    const rows = await eventually(async () => {
      const r = await outboxOf('WMO315');
      return r.length === 2 && r;
    }, 'the corrected 315');
    const second = rows.find((r) => r.identificatie !== heen?.identificatie);
    expect(second?.payload).toContain('verbeterd');
    // The resend while the corrected request is pending is refused with TR374.
    const early = await postJson(`/requests/${sampleAanbieder}/${refA}/resend`, {
      eventId: `ev-${run}-3`,
      verzoek: verzoek315([refA, refB], 'nog eens'),
    });
    expect(early.status, early.text).toBe(409);
    expect(early.body.rule).toBe('TR374');
    // The refused resend leaves no document behind (its personal data has no use); the two in use stay.
    const documents = await testDb.handle.db.select().from(requestDocuments);
    expect(
      documents
        .map((d) => (d.document as { producten: { Commentaar: string }[] }).producten[0]?.Commentaar)
        .sort(),
    ).toEqual(['eerste versie', 'verbeterd']);
    await postXml(retour316(second?.payload as string, []));
    await eventually(async () => (await stateOf(refA)).status === 'ontvangen', 'approved');
  });

  it('a 319 rejecting product B closes it; it is answered by exactly one 320, also when delivered twice', async () => {
    const xml = antwoord319(refB, '1', '7');
    const posted = await postXml(xml);
    expect(posted.status, posted.text).toBeLessThan(300);
    await postXml(xml);
    const s = await eventually(async () => {
      const x = await stateOf(refB);
      return x.status === 'afgewezen' && x;
    }, 'afgewezen');
    expect(s.closed).toMatchObject({ as: 'afgewezen', redenAfwijzingVerzoek: '7' });
    await eventually(async () => (await outboxOf('WMO320')).length === 1, 'the 320');
    await new Promise((r) => setTimeout(r, 500));
    expect(await outboxOf('WMO320')).toHaveLength(1);
  });

  it('a 301 carrying ReferentieAanbieder A honours it, linked from both sides', async () => {
    const nummer = 70_000 + Math.floor(Math.random() * 9000);
    const xml = wmo301(`T${run}`, [nummer], (ps) => {
      for (const p of ps) {
        p.ReferentieAanbieder = refA;
        // Open-ended: still current when the 317 below is checked against it (TR349).
        delete p.Einddatum;
      }
    });
    const posted = await postXml(xml);
    expect(posted.status, posted.text).toBeLessThan(300);
    const s = await eventually(async () => {
      const x = await stateOf(refA);
      return x.status === 'gehonoreerd' && x;
    }, 'gehonoreerd');
    const assignmentId = assignmentWorkflowId(sampleGemeente, nummer);
    expect(s.toewijzingen).toEqual([
      expect.objectContaining({ toewijzingNummer: nummer, assignmentWorkflowId: assignmentId }),
    ]);
    const assignment = await get(`/assignments/${sampleGemeente}/${nummer}`);
    expect(assignment.body.toewijzing.referentieAanbieder).toBe(refA);
    const listed = await eventually(async () => {
      const l = await get('/requests?status=gehonoreerd');
      return l.body.items.some((i: { workflowId: string }) => i.workflowId === idA) && l;
    }, 'listed');
    expect(listed.status).toBe(200);
  });

  it('a 319 for a request nobody sent is stored with a note and answered by one 320 with 9355', async () => {
    const posted = await postXml(antwoord319(`ONBEKEND-${run}`, '1', '7'));
    expect(posted.status, posted.text).toBeLessThan(300);
    expect(posted.body.note).toMatch(/not routed/);
    const [row] = await testDb.handle.db
      .select()
      .from(inboxMessages)
      .where(eq(inboxMessages.id, posted.body.messageId));
    expect(row?.status).toBe('received');
    const [answer] = await testDb.handle.db
      .select()
      .from(outboxMessages)
      .where(
        and(
          eq(outboxMessages.messageType, 'WMO320'),
          eq(outboxMessages.idempotencyKey, `320:${posted.body.messageId}`),
        ),
      );
    expect(answer?.payload).toContain('9355');
  });
});

describe('attacker inputs on /v1/requests', () => {
  it('refuses another aanbieder, a foreign key, a BSN in the path, a used referentie, a bad body', async () => {
    const forOther = await postJson(
      '/requests',
      { eventId: `x-${run}-1`, verzoek: verzoek315([`X-${run}`]) },
      'other',
    );
    expect(forOther.status).toBe(403);
    expect((await get(`/requests/${sampleAanbieder}/${refA}`, 'other')).status).toBe(404);
    const bsnPath = await get(`/requests/${sampleAanbieder}/${sampleBsn}`);
    expect(bsnPath.status).toBe(422);
    expect(bsnPath.text).not.toContain(sampleBsn);
    const reused = await postJson('/requests', { eventId: `x-${run}-2`, verzoek: verzoek315([refA]) });
    expect(reused.status).toBe(422);
    expect(reused.body.rule).toBe('TR347');
    expect(reused.text).not.toContain(sampleBsn);
    expect(reused.text).not.toContain(syntheticName);
    const extra = await postJson('/requests', {
      eventId: `x-${run}-3`,
      verzoek: verzoek315([`Y-${run}`]),
      admin: true,
    });
    expect(extra.status).toBe(422);
    const badEvent = await postJson('/requests', { eventId: '../../etc', verzoek: verzoek315([`Z-${run}`]) });
    expect(badEvent.status).toBe(422);
    const broken = await postJson('/requests', {
      eventId: `x-${run}-4`,
      verzoek: { ...verzoek315([`W-${run}`]), producten: 'alles' },
    });
    expect(broken.status).toBe(422);
    const noBsn = await postJson('/requests', {
      eventId: `x-${run}-5`,
      verzoek: {
        soort: '317',
        aanbieder: sampleAanbieder,
        gemeente: sampleGemeente,
        client: { Bsn: 12 },
        verzoek: {},
      },
    });
    expect(noBsn.status, noBsn.text).toBe(422);
    expect((await outboxOf('WMO315')).length).toBe(2);
  });

  it('a 317 that leaves out a current toewijzing is refused with TR349', async () => {
    const answer = await postJson('/requests', {
      eventId: `x-${run}-317`,
      verzoek: {
        soort: '317',
        aanbieder: sampleAanbieder,
        gemeente: sampleGemeente,
        client: { Bsn: sampleBsn },
        verzoek: {
          ReferentieAanbieder: `V-${run}`,
          RedenVerzoek: '1',
          // Names a toewijzing this client does not have, and leaves out the one the 301 above gave.
          OngewijzigdeProducten: { OngewijzigdProduct: [{ ToewijzingNummer: 1 }] },
        },
      },
    });
    expect(answer.status, answer.text).toBe(422);
    const rules = answer.body.findings.map((f: { rule: string }) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['TR349', 'TR350']));
    expect(answer.text).not.toContain(sampleBsn);
  });
});

describe('privacy', () => {
  it('no request history holds the BSN or the name', async () => {
    for (const workflowId of [idA, idB]) {
      const raw = await env.connection.workflowService.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId },
      });
      const bytes = Buffer.from(History.encode(raw).finish());
      expect(bytes.length).toBeGreaterThan(1000);
      expect(bytes.includes(sampleBsn)).toBe(false);
      expect(bytes.includes(syntheticName)).toBe(false);
    }
  });
});
