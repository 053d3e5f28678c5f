import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { requestWorkflowId } from '../../../contract/request/contract';
import {
  requestAntwoord,
  requestHonoured,
  requestRetour,
  resendEvent,
} from '../../../contract/request/schemas';
import { requestShapeProblem } from '../../../contract/request/shapes';

/*
 * The workflow's zod-free checks (contract/request/shapes.ts) give the same verdicts as the zod schemas
 * callers use (schemas.ts), on good values and on each kind of bad one; and the id function refuses a
 * referentie that would put client data or control characters into a workflow id.
 */

const cases: [string, z.ZodType, (v: unknown) => string | undefined, unknown[]][] = [
  [
    'retour',
    requestRetour,
    requestShapeProblem.retour,
    [
      {
        messageId: 'm',
        messageType: 'WMO316',
        heenIdentificatie: 'ID1',
        retourCodes: [],
        ontvangen: '2030-03-04',
      },
      {
        messageId: 'm',
        messageType: 'WMO318',
        heenIdentificatie: 'ID1',
        retourCodes: ['0001'],
        ontvangen: '2030-03-04',
      },
      {
        messageId: 'm',
        messageType: 'WMO306',
        heenIdentificatie: 'ID1',
        retourCodes: [],
        ontvangen: '2030-03-04',
      },
      {
        messageId: 'm',
        messageType: 'WMO316',
        heenIdentificatie: 'x'.repeat(13),
        retourCodes: [],
        ontvangen: '2030-03-04',
      },
      {
        messageId: 'm',
        messageType: 'WMO316',
        heenIdentificatie: 'ID1',
        retourCodes: [],
        ontvangen: '2030-02-30',
      },
      {
        messageId: '',
        messageType: 'WMO316',
        heenIdentificatie: 'ID1',
        retourCodes: [],
        ontvangen: '2030-03-04',
      },
      null,
    ],
  ],
  [
    'antwoord',
    requestAntwoord,
    requestShapeProblem.antwoord,
    [
      { messageId: 'm', verzoekAntwoord: '1', redenAfwijzingVerzoek: '3', ontvangen: '2030-03-04' },
      { messageId: 'm', verzoekAntwoord: '2', ontvangen: '2030-03-04' },
      { messageId: 'm', verzoekAntwoord: '3', ontvangen: '2030-03-04' },
      { messageId: 'm', verzoekAntwoord: '1', redenAfwijzingVerzoek: '0', ontvangen: '2030-03-04' },
      { messageId: 'm', verzoekAntwoord: '1' },
    ],
  ],
  [
    'honoured',
    requestHonoured,
    requestShapeProblem.honoured,
    [
      {
        messageId: 'm',
        toewijzingen: [{ toewijzingNummer: 1, assignmentWorkflowId: 'wmo:0384:1' }],
        ontvangen: '2030-03-04',
      },
      { messageId: 'm', toewijzingen: [], ontvangen: '2030-03-04' },
      {
        messageId: 'm',
        toewijzingen: [{ toewijzingNummer: -1, assignmentWorkflowId: 'w' }],
        ontvangen: '2030-03-04',
      },
      {
        messageId: 'm',
        toewijzingen: [{ toewijzingNummer: 1.5, assignmentWorkflowId: 'w' }],
        ontvangen: '2030-03-04',
      },
    ],
  ],
  [
    'resend',
    resendEvent,
    requestShapeProblem.resend,
    [
      { eventId: 'e', payloadRef: 'doc' },
      {
        eventId: 'e',
        payloadRef: 'doc',
        product: { categorie: '02', code: '02A01' },
        ingangsdatum: '2030-03-04',
      },
      { eventId: 'e', payloadRef: 'doc', toewijzingNummers: [1, 2] },
      { eventId: 'e', payloadRef: 'doc', bsn: '999900006' },
      { eventId: 'e', payloadRef: 'doc', toewijzingNummers: [] },
      { eventId: 'e', payloadRef: 'doc', product: { categorie: '2' } },
      { eventId: '', payloadRef: 'doc' },
      { eventId: 'e', payloadRef: 7 },
    ],
  ],
];

describe('zod-free shapes agree with the zod schemas', () => {
  for (const [name, schema, check, values] of cases) {
    it(`${name}: the same verdict on every sample`, () => {
      const verdicts = values.map((v) => [schema.safeParse(v).success, check(v) === undefined]);
      for (const [i, [zod, plain]] of verdicts.entries()) expect(plain, `${name} sample ${i}`).toBe(zod);
      expect(verdicts.some(([ok]) => ok)).toBe(true);
      expect(verdicts.some(([ok]) => !ok)).toBe(true);
    });
  }

  it('a field the update does not know is named, never quoted with its value', () => {
    expect(requestShapeProblem.resend({ eventId: 'e', payloadRef: 'doc', bsn: '999900006' })).toBe(
      'bsn: is not a field here',
    );
    expect(requestShapeProblem.resend({ eventId: 'e', payloadRef: 'doc', '999900006': 1 })).toBe(
      'a field: is not a field here',
    );
  });
});

describe('requestWorkflowId', () => {
  it('is verzoek:{aanbieder}:{ReferentieAanbieder}', () => {
    expect(requestWorkflowId('42420001', 'VOT-2030-1')).toBe('verzoek:42420001:VOT-2030-1');
  });

  it('refuses a referentie holding a BSN, a control character, or none at all, without quoting it', () => {
    for (const bad of ['c999900006', 'a\nb', ' ', '', 'x'.repeat(37)]) {
      expect(() => requestWorkflowId('42420001', bad)).toThrow(RangeError);
      try {
        requestWorkflowId('42420001', bad);
      } catch (err) {
        if (bad.length > 1) expect((err as Error).message).not.toContain(bad);
      }
    }
    expect(() => requestWorkflowId('4242', 'VOT-1')).toThrow(/AGB/);
  });
});
