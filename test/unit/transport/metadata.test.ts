import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { placeholderBerichtstroom } from '../../../transport/berichtstroom';
import {
  TransportRefusedError,
  TransportRequestError,
  TransportRetryableError,
} from '../../../transport/errors';
import {
  berichtstatusGegevens,
  describeIssues,
  pulledMetadata,
  pushMetadata,
} from '../../../transport/metadata';
import { statusError } from '../../../transport/rest/http';

const traceerId = randomUUID();
const push = {
  routeringgegevens: {
    afzender: { rol: 'aanbieder', code: '42420001' },
    geadresseerden: [{ rol: 'gemeente', code: '0384' }],
    berichtstroom: placeholderBerichtstroom('WMO305'),
  },
  referentiegegevens: { conversatieId: traceerId, traceerId },
};

function issuesOf(result: { success: boolean; error?: unknown }): string {
  if (result.success) return '';
  return describeIssues(result.error as Parameters<typeof describeIssues>[0]);
}

describe('push metadata (berichtMetadata)', () => {
  it('accepts routing and references with uuid v4 ids', () => {
    const withAnswer = {
      ...push,
      referentiegegevens: {
        ...push.referentiegegevens,
        alsAntwoordOp: randomUUID(),
        referentieId: 'outbox-1',
      },
    };
    expect(pushMetadata.parse(withAnswer)).toEqual(withAnswer);
  });

  it('refuses a traceerId that is not a uuid v4, naming the rule', () => {
    const v1 = 'c232ab00-9414-11ec-b3c8-9f6bdeced846';
    const res = pushMetadata.safeParse({
      ...push,
      referentiegegevens: { conversatieId: traceerId, traceerId: v1 },
    });
    expect(issuesOf(res)).toBe('referentiegegevens.traceerId: must be a UUID v4 (CC05)');
  });

  it('refuses a message without addressee, a long referentieId and unknown fields', () => {
    const noAddressee = { ...push, routeringgegevens: { ...push.routeringgegevens, geadresseerden: [] } };
    expect(issuesOf(pushMetadata.safeParse(noAddressee))).toMatch(/^routeringgegevens\.geadresseerden: /);
    const longRef = {
      ...push,
      referentiegegevens: { ...push.referentiegegevens, referentieId: 'x'.repeat(151) },
    };
    expect(issuesOf(pushMetadata.safeParse(longRef))).toMatch(/^referentiegegevens\.referentieId: /);
    expect(issuesOf(pushMetadata.safeParse({ ...push, extra: 1 }))).toMatch(/extra/);
  });

  it('refuses a berichtversie outside 0..999', () => {
    const stroom = { ...placeholderBerichtstroom('WMO305'), berichtversie: 1000 };
    const res = pushMetadata.safeParse({
      ...push,
      routeringgegevens: { ...push.routeringgegevens, berichtstroom: stroom },
    });
    expect(issuesOf(res)).toMatch(/^routeringgegevens\.berichtstroom\.berichtversie: /);
  });
});

describe('pulled metadata and status', () => {
  const pulled = {
    basisgegevens: {
      ontvangenOp: '2026-11-24T16:58:44.0867+01:00',
      payload: {
        url: `https://api.example/berichten/${traceerId}/payload`,
        grootte: 1234,
        checksum: { algoritme: 'SHA256', waarde: 'ab'.repeat(32) },
      },
    },
    routeringgegevens: push.routeringgegevens,
    // Others may use any uuid version.
    referentiegegevens: { conversatieId: 'c232ab00-9414-11ec-b3c8-9f6bdeced846', traceerId },
  };

  it('reads a pulled entry', () => {
    expect(pulledMetadata.parse(pulled)).toEqual(pulled);
  });

  it('refuses a time without offset and a payload of 0 bytes', () => {
    const noOffset = {
      ...pulled,
      basisgegevens: { ...pulled.basisgegevens, ontvangenOp: '2026-11-24T16:58:44' },
    };
    expect(issuesOf(pulledMetadata.safeParse(noOffset))).toMatch(/^basisgegevens\.ontvangenOp: /);
    const empty = {
      ...pulled,
      basisgegevens: { ...pulled.basisgegevens, payload: { ...pulled.basisgegevens.payload, grootte: 0 } },
    };
    expect(issuesOf(pulledMetadata.safeParse(empty))).toMatch(/^basisgegevens\.payload\.grootte: /);
  });

  it('knows the VECOZO statuses and nothing else', () => {
    const status = {
      referentiegegevens: { conversatieId: traceerId, traceerId },
      berichtstroom: placeholderBerichtstroom('WMO305'),
      berichtstatus: 'AfgekeurdDoorDienst',
      berichtstatusGewijzigdOp: '2026-11-24T16:58:44Z',
      berichtOntvangenOp: '2026-11-24T16:58:40Z',
      meldingen: [{ code: 'BRS28', omschrijving: 'Bericht voldoet niet aan de XSLT' }],
    };
    expect(berichtstatusGegevens.parse(status)).toEqual(status);
    expect(issuesOf(berichtstatusGegevens.safeParse({ ...status, berichtstatus: 'Gelezen' }))).toMatch(
      /^berichtstatus: /,
    );
  });
});

describe('answers as typed errors', () => {
  const answer = (status: number, body?: unknown) => ({
    status,
    headers: body ? { 'content-type': 'application/problem+json' } : {},
    body: Buffer.from(body ? JSON.stringify(body) : ''),
  });

  it('5xx, 408 and 429 may be retried', () => {
    for (const status of [500, 502, 503, 408, 429]) {
      const err = statusError(answer(status), 'send', 'push');
      expect(err).toBeInstanceOf(TransportRetryableError);
      expect(err.retryable).toBe(true);
      expect(err.status).toBe(status);
    }
  });

  it('422 is a refusal with the meldingen, not to be retried', () => {
    const melding = { code: 'BRS114', omschrijving: 'TraceerID is niet uniek' };
    const err = statusError(answer(422, { status: 422, meldingen: [melding] }), 'send', 'push of x');
    expect(err).toBeInstanceOf(TransportRefusedError);
    expect(err.retryable).toBe(false);
    expect(err.name).toBe('TransportRefusedError');
    expect(err.message).toBe('push of x answered 422: BRS114 TraceerID is niet uniek');
    expect((err as TransportRefusedError).duplicateTraceerId).toBe(true);
  });

  it('other 4xx are request errors', () => {
    for (const status of [400, 401, 403, 404, 413]) {
      const err = statusError(answer(status, { title: 'Bad request' }), 'fetch', 'pull');
      expect(err).toBeInstanceOf(TransportRequestError);
      expect(err.retryable).toBe(false);
    }
  });
});
