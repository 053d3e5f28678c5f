import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assignmentWorkflowId, assignmentWorkflowType, retour302Key } from '../../contract/assignment';
import { inboxMessages } from '../../db';
import { buildRetour, encode, type Finding } from '../../iwmo';
import {
  decodeAs,
  sampleAanbieder,
  sampleBsn,
  sampleGemeente,
  sampleXml,
  wmo301,
  xsdPath,
} from '../support/messages';
import { useMessagesHarness } from '../support/messages-harness';
import { validateWithXsd } from '../support/xmllint';

/*
 * POST /v1/messages and what the inbound path routes, on real parts (test/support/messages-harness.ts):
 * a 301 starts and signals its assignment workflows or is rejected by rule; retours signal the workflow
 * of the message they answer; other messages are stored as received.
 */

const h = useMessagesHarness();
const { tokens, apiKeys, today, clientRef, env, db, activities, post, inboxRow, outboxRows } = h;
const { historyText, signals, startInput, received301, expectNoBsnLeaked } = h;

describe('POST /v1/messages: a 301', () => {
  it('is stored, and each ToegewezenProduct signals (and starts) its own assignment workflow', async () => {
    const res = await post(wmo301('IN-1', [601, 602]));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      duplicate: false,
      status: 'routed',
      messageType: 'WMO301',
      findings: [],
      toewijzingen: [
        { toewijzingNummer: 601, workflowId: 'wmo:0384:601', result: 'signalled' },
        { toewijzingNummer: 602, workflowId: 'wmo:0384:602', result: 'signalled' },
      ],
    });
    const row = await inboxRow(res.body.messageId);
    expect(row).toMatchObject({
      status: 'routed',
      messageType: 'WMO301',
      afzender: sampleGemeente,
      ontvanger: sampleAanbieder,
      identificatie: 'IN-1',
      transport: 'api',
      submittedBy: 'zorg-bv',
      routedTo: 'wmo:0384:601,wmo:0384:602',
    });
    expect(row.payloadSha256).toBe(createHash('sha256').update(row.payload).digest('hex'));
    for (const nummer of [601, 602]) {
      const workflowId = assignmentWorkflowId(sampleGemeente, nummer);
      const described = await env.client.workflow.getHandle(workflowId).describe();
      expect(described.type).toBe(assignmentWorkflowType);
      expect(described.status.name).toBe('RUNNING');
      expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
        expect.arrayContaining([
          ['WmoGemeente', sampleGemeente],
          ['WmoAanbieder', sampleAanbieder],
        ]),
      );
      const [version] = await signals(workflowId, 'toewijzing');
      expect(version).toMatchObject({
        messageId: row.id,
        berichtIdentificatie: 'IN-1',
        gemeente: sampleGemeente,
        aanbieder: sampleAanbieder,
        clientRef: clientRef(sampleBsn),
        toewijzingNummer: nummer,
        ingangsdatum: '2023-01-01',
        ontvangen: today,
      });
      expect(await startInput(workflowId)).toMatchObject({
        toewijzing: { toewijzingNummer: nummer, clientRef: clientRef(sampleBsn) },
        profile: { id: 'iwmo-3.2' }, // 0384 has no profile of its own: the default
      });
      expect(await historyText(workflowId)).not.toContain(sampleBsn);
    }
  });

  it('a re-delivery of the same message is recognised: the earlier outcome, no second signal', async () => {
    const xml = wmo301('IN-2', [603]);
    const first = await post(xml);
    const again = await post(xml, tokens.gemeente);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await signals('wmo:0384:603', 'toewijzing')).toHaveLength(1);
    const [rows] = await db()
      .select({ n: count() })
      .from(inboxMessages)
      .where(eq(inboxMessages.identificatie, 'IN-2'));
    expect(rows?.n).toBe(1);
  });

  it('a 301 with a level 2 finding is rejected and answered with a header-only 0001 302', async () => {
    const xml = wmo301('IN-3', [604], ([p]) => {
      if (p) p.Omvang = undefined; // CD041: a product code needs an Omvang
    });
    const res = await post(xml);
    expect(res.status).toBe(422);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      status: 422,
      title: 'Unprocessable Content',
      detail: expect.stringMatching(/^CD041: /),
    });
    expect(res.body.findings).toEqual([
      expect.objectContaining({
        rule: 'CD041',
        retourCode: '0001',
        path: expect.stringContaining('/Omvang'),
      }),
    ]);
    const row = await inboxRow(res.body.messageId);
    expect(row.status).toBe('rejected');
    expect(row.findings).toEqual(res.body.findings);
    const [retour] = await outboxRows(retour302Key(row.id));
    expect(res.body.outcome.answer).toEqual({
      messageType: 'WMO302',
      outboxId: retour?.id,
      identificatie: retour?.identificatie,
    });
    expect(retour).toMatchObject({
      messageType: 'WMO302',
      afzender: sampleAanbieder,
      ontvanger: sampleGemeente,
    });
    const xml302 = retour?.payload ?? '';
    expect(validateWithXsd(xml302, xsdPath('302')).output).toMatch(/validates/);
    const header = decodeAs(xml302, 'WMO302').bericht;
    expect(Object.keys(header)).toEqual(['Header']);
    expect(header.Header.RetourCodes?.RetourCode).toEqual(['0001']);
    await expect(env.client.workflow.getHandle('wmo:0384:604').describe()).rejects.toThrow();
  });

  const broken301 = (id: string) => wmo301(id, [605]);
  it.each([
    ['malformed XML', () => broken301('BAD-1').replace('</wmo301:Bericht>', ''), 'XML-WELLFORMED', null],
    [
      'a DOCTYPE',
      () => broken301('BAD-2').replace('?>', '?><!DOCTYPE Bericht [<!ENTITY e "x">]>'),
      'XML-DTD',
      null,
    ],
    [
      'an iJw message',
      () => broken301('BAD-3').replaceAll('iwmo/3_2/wmo301/schema', 'ijw/3_2/jw301/schema'),
      'XSD-ROOT',
      null,
    ],
    ['an iWmo 3.1 message', () => broken301('BAD-4').replaceAll('/3_2/', '/3_1/'), 'XSD-RELEASE', null],
    [
      'an XSD-invalid 301',
      () =>
        broken301('BAD-5').replace(`<wmo301:Bsn>${sampleBsn}</wmo301:Bsn>`, '<wmo301:Bsn>12345</wmo301:Bsn>'),
      expect.stringMatching(/^XSD/),
      'WMO301',
    ],
  ])(
    '%s: stored as rejected with the rule, answered 422, no retour, nothing routed',
    async (_, xml, rule, type) => {
      const res = await post(xml());
      expect(res.status).toBe(422);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.findings[0]).toMatchObject({ rule });
      const row = await inboxRow(res.body.messageId);
      expect(row).toMatchObject({ status: 'rejected', messageType: type, routedTo: null });
      expect(row.findings).toEqual(res.body.findings);
      expect(await outboxRows(retour302Key(row.id))).toEqual([]);
      await expect(env.client.workflow.getHandle('wmo:0384:605').describe()).rejects.toThrow();
    },
  );
});

describe('POST /v1/messages: retours and other messages', () => {
  async function sent305(identificatie: string, nummer: number) {
    const heen = await received301(identificatie, [nummer]);
    const workflowId = assignmentWorkflowId(sampleGemeente, nummer);
    const idempotencyKey = `${workflowId}:start`;
    const start = { toewijzingMessageId: heen, toewijzingNummer: nummer, begindatum: '2023-02-01' };
    const message = { type: 'WMO305' as const, ...start, statusAanlevering: '1' as const };
    const sent = await activities().sendMessage({ idempotencyKey, workflowId, dagtekening: today, message });
    const [row] = await outboxRows(idempotencyKey);
    return { workflowId, sent, xml: row?.payload ?? '' };
  }

  function retour306(heenXml: string, findings: Finding[], identificatie: string): string {
    const built = buildRetour(decodeAs(heenXml, 'WMO305'), findings, { identificatie, dagtekening: today });
    if (!built.ok) throw new Error(built.reason);
    const out = encode(built.retour, { rules: 'report' });
    if (!out.ok) throw new Error('306 does not encode');
    return out.xml;
  }

  it('a 306 signals the workflow of the 305 it answers, with its retour codes', async () => {
    const { workflowId, sent, xml } = await sent305('RET-1', 701);
    const finding: Finding = {
      rule: 'TR019',
      retourCode: '9019',
      path: '/Bericht/Client/StartProducten/StartProduct[1]',
      message: '',
      hint: '',
    };
    const res = await post(retour306(xml, [finding], 'G306-1'), tokens.gemeente);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'routed',
      messageType: 'WMO306',
      retour: { workflowId, heenType: 'WMO305', heenIdentificatie: sent.identificatie },
    });
    expect([...res.body.retour.retourCodes].sort()).toEqual(['0200', '9019']);
    const [signal] = await signals(workflowId, 'retour');
    expect(signal).toEqual({
      messageId: res.body.messageId,
      messageType: 'WMO306',
      heenIdentificatie: sent.identificatie,
      retourCodes: res.body.retour.retourCodes,
      ontvangen: today,
    });
    expect((await inboxRow(res.body.messageId)).routedTo).toBe(workflowId);
  });

  it('a 306 on a 305 we never sent is rejected (RETOUR-ONBEKEND)', async () => {
    const { xml } = await sent305('RET-2', 702);
    const forged = xml.replace(/<iwmo:Identificatie>[^<]+</, '<iwmo:Identificatie>NOPE-1<');
    const res = await post(retour306(forged, [], 'G306-2'), tokens.gemeente);
    expect(res.status).toBe(422);
    expect(res.body.findings).toEqual([expect.objectContaining({ rule: 'RETOUR-ONBEKEND' })]);
    expect(await signals('wmo:0384:702', 'retour')).toEqual([]);
  });

  it('a 319 for a request this service never sent is stored as received, with a note saying why', async () => {
    const res = await post(
      sampleXml('319').replace(/<iwmo:Identificatie>[^<]+</, '<iwmo:Identificatie>A319-1<'),
      tokens.other,
    );
    // The 319 sample is not addressed to the other tenant: refused before anything is stored.
    expect(res.status).toBe(403);
    const header = decodeAs(sampleXml('319'), 'WMO319').bericht.Header;
    const key = apiKeys.find((k) => k.id === 'zorg-bv');
    if (!key) throw new Error('no key');
    key.aanbieders.push(header.Ontvanger);
    try {
      const ok = await post(sampleXml('319'), tokens.aanbieder);
      expect(ok.status).toBe(202);
      expect(ok.body).toMatchObject({ status: 'received', messageType: 'WMO319' });
      expect(ok.body.note).toMatch(/^not routed: no open request verzoek:/);
      expect((await inboxRow(ok.body.messageId)).status).toBe('received');
    } finally {
      key.aanbieders.pop();
    }
  });
});

describe('privacy', () => {
  it('no BSN in any log line, problem body or stored finding of this file', async () => {
    await expectNoBsnLeaked(11);
  });
});
