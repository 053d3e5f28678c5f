import { describe, expect, it } from 'vitest';
import { messageRefusedType } from '../../activities/messages';
import type { SendMessageInput } from '../../contract/assignment';
import { assignmentWorkflowId, retour302Key } from '../../contract/assignment';
import { decode } from '../../iwmo';
import { decodeAs, sampleAanbieder, sampleBsn, sampleGemeente, xsdPath } from '../support/messages';
import { useMessagesHarness } from '../support/messages-harness';
import { validateWithXsd } from '../support/xmllint';

/*
 * The sendMessage activity on real parts (test/support/messages-harness.ts): each message it writes to
 * the outbox once per key, as XML that validates, and a message that breaks a rule is refused by name.
 */

const h = useMessagesHarness();
const { today, activities, outboxRows, received301, refusal, expectNoBsnLeaked } = h;

describe('sendMessage', () => {
  it('the same key twice: one outbox row, the second answer is the first row (duplicate)', async () => {
    const heen = await received301('SEND-1', [501]);
    const input: SendMessageInput = {
      idempotencyKey: 'wmo:0384:501:start-1',
      workflowId: assignmentWorkflowId(sampleGemeente, 501),
      dagtekening: today,
      message: {
        type: 'WMO305',
        toewijzingMessageId: heen,
        toewijzingNummer: 501,
        begindatum: '2023-02-01',
        statusAanlevering: '1',
      },
    };
    const first = await activities().sendMessage(input);
    const second = await activities().sendMessage(input);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    const rows = await outboxRows(input.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: first.outboxId,
      identificatie: first.identificatie,
      messageType: 'WMO305',
      workflowId: input.workflowId,
      status: 'pending',
      afzender: sampleAanbieder,
      ontvanger: sampleGemeente,
    });
  });

  it('concurrent calls with one key write one row; exactly one of them is not a duplicate', async () => {
    const heen = await received301('SEND-2', [502]);
    const input: SendMessageInput = {
      idempotencyKey: 'wmo:0384:502:start-1',
      workflowId: assignmentWorkflowId(sampleGemeente, 502),
      dagtekening: today,
      message: {
        type: 'WMO305',
        toewijzingMessageId: heen,
        toewijzingNummer: 502,
        begindatum: '2023-02-01',
        statusAanlevering: '1',
      },
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => activities().sendMessage(input)));
    expect(await outboxRows(input.idempotencyKey)).toHaveLength(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.outboxId)).size).toBe(1);
  });

  it('305 and 307: XML that decodes and validates against the XSD, with a unique Identificatie ≤ 12', async () => {
    const heen = await received301('SEND-3', [503]);
    const workflowId = assignmentWorkflowId(sampleGemeente, 503);
    const base = { toewijzingMessageId: heen, toewijzingNummer: 503, begindatum: '2023-02-01' };
    const started = await activities().sendMessage({
      idempotencyKey: `${workflowId}:start`,
      workflowId,
      dagtekening: today,
      message: { type: 'WMO305', ...base, statusAanlevering: '1' },
    });
    const stopped = await activities().sendMessage({
      idempotencyKey: `${workflowId}:stop`,
      workflowId,
      dagtekening: today,
      message: {
        type: 'WMO307',
        ...base,
        einddatum: '2023-06-30',
        redenBeeindiging: '19',
        statusAanlevering: '1',
      },
    });
    expect(started.identificatie).not.toBe(stopped.identificatie);
    for (const [sent, nr] of [
      [started, '305'],
      [stopped, '307'],
    ] as const) {
      expect(sent.identificatie.length).toBeLessThanOrEqual(12);
      const [row] = await outboxRows(`${workflowId}:${nr === '305' ? 'start' : 'stop'}`);
      const xml = row?.payload ?? '';
      expect(validateWithXsd(xml, xsdPath(nr)).output).toMatch(/validates/);
      const res = decode(xml);
      expect(res.ok && res.value.findings).toEqual([]);
      const { Header, Client } = decodeAs(xml, `WMO${nr}`).bericht;
      expect(Header.BerichtIdentificatie).toEqual({ Identificatie: sent.identificatie, Dagtekening: today });
      expect(Client.Bsn).toBe(sampleBsn);
    }
  });

  it('the 302 on a valid 301 is header-only, and one per 301 whatever key each workflow passes', async () => {
    const heen = await received301('SEND-4', [504, 505]);
    const send = (nummer: number) =>
      activities().sendMessage({
        idempotencyKey: `${assignmentWorkflowId(sampleGemeente, nummer)}:302`,
        workflowId: assignmentWorkflowId(sampleGemeente, nummer),
        dagtekening: today,
        message: { type: 'WMO302', heenMessageId: heen, retourCodes: [] },
      });
    const first = await send(504);
    const second = await send(505);
    expect(second).toEqual({ ...first, duplicate: true });
    const rows = await outboxRows(retour302Key(heen));
    expect(rows).toHaveLength(1);
    const xml = rows[0]?.payload ?? '';
    expect(validateWithXsd(xml, xsdPath('302')).output).toMatch(/validates/);
    const retour = decodeAs(xml, 'WMO302').bericht;
    expect(Object.keys(retour)).toEqual(['Header']);
    expect(retour.Header).not.toHaveProperty('RetourCodes');
    expect(retour.Header.BerichtIdentificatie.Identificatie).toBe('SEND-4');
    expect(retour.Header.IdentificatieRetour).toBe(first.identificatie);
  });

  it('a message that breaks a rule: a non-retryable failure naming the rule, without the BSN', async () => {
    const heen = await received301('SEND-5', [506]);
    const failure = await refusal(
      activities().sendMessage({
        idempotencyKey: 'wmo:0384:506:stop',
        workflowId: assignmentWorkflowId(sampleGemeente, 506),
        dagtekening: today,
        message: {
          type: 'WMO307',
          toewijzingMessageId: heen,
          toewijzingNummer: 506,
          begindatum: '2023-02-01',
          einddatum: '2023-01-15',
          redenBeeindiging: '19',
          statusAanlevering: '1',
        },
      }),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe(messageRefusedType);
    expect(failure.message).toMatch(/^WMO307 refused: TR018 at \/Bericht\/Client\/StopProducten/);
    expect(failure.message).not.toContain(sampleBsn);
    expect(await outboxRows('wmo:0384:506:stop')).toEqual([]);
  });

  it('an unknown or malformed 301 reference is a non-retryable failure', async () => {
    const message = { type: 'WMO302' as const, retourCodes: [] };
    const unknown = await refusal(
      activities().sendMessage({
        idempotencyKey: 'k-unknown',
        workflowId: 'wmo:0384:1',
        dagtekening: today,
        message: { ...message, heenMessageId: '00000000-0000-4000-8000-000000000000' },
      }),
    );
    expect(unknown.nonRetryable && unknown.message).toMatch(/does not exist/);
    const malformed = await refusal(
      activities().sendMessage({
        idempotencyKey: 'k-bad',
        workflowId: 'wmo:0384:1',
        dagtekening: today,
        message: { ...message, heenMessageId: 'not-a-uuid' },
      }),
    );
    expect(malformed.nonRetryable && malformed.message).toMatch(/is not a uuid/);
  });
});

describe('privacy', () => {
  it('no BSN in any log line, problem body or stored finding of this file', async () => {
    await expectNoBsnLeaked(3);
  });
});
