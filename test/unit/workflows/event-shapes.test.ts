import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  correctionEvent,
  retourReceived,
  startEvent,
  stopEvent,
  toewijzingVersion,
} from '../../../contract/assignment/schemas';
import { shapeProblem } from '../../../workflows/assignment/event-shapes';

/*
 * The workflow checks its arguments without zod (event-shapes.ts); the API checks them with zod
 * (contract/assignment/schemas.ts). Differential test: for valid samples and many mutations of them, both give the
 * same verdict — so the lighter check neither lets through nor refuses what the contract says.
 */

const samples = {
  start: { eventId: 'e-1', begindatum: '2026-03-02' },
  stop: { eventId: 'e-2', einddatum: '2026-03-31', redenBeeindiging: '20' },
  correction: {
    eventId: 'e-3',
    target: 'stop',
    statusAanlevering: '3',
    begindatum: '2026-03-02',
    einddatum: '2026-03-31',
    replacement: { einddatum: '2026-04-02', redenBeeindiging: '19' },
  },
  toewijzing: {
    messageId: 'm-1',
    berichtIdentificatie: 'B00000001',
    gemeente: '0363',
    aanbieder: '12345678',
    clientRef: 'c_abc',
    toewijzingNummer: 4711,
    referentieAanbieder: 'ref',
    product: { categorie: '02', code: '02A01' },
    toewijzingsdatum: '2026-03-01',
    toewijzingstijd: '24:00:00',
    ingangsdatum: '2026-03-02',
    einddatum: '2026-12-31',
    redenWijziging: '04',
    omvang: { volume: 4, eenheid: '04', frequentie: '2' },
    budget: 1000,
    ontvangen: '2026-03-01',
  },
  retour: {
    messageId: 'm-2',
    messageType: 'WMO306',
    heenIdentificatie: '305-000001A',
    retourCodes: ['0200'],
    ontvangen: '2026-03-05',
  },
} as const;

const schemas: Record<keyof typeof samples, z.ZodType> = {
  start: startEvent,
  stop: stopEvent,
  correction: correctionEvent,
  toewijzing: toewijzingVersion,
  retour: retourReceived,
};

/** Values a field could wrongly hold: other types, bad dates and times, edge lengths and numbers. */
const oddValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    ' ',
    '2026-02-30',
    '2026-2-3',
    '24:00:01',
    '23:59:59.5',
    '1234',
    '12345678',
    'x'.repeat(13),
    'x'.repeat(101),
    '2',
    '3',
    'start',
    'WMO308',
    -1,
    1.5,
    1_000_000_000,
    Number.NaN,
    [],
    ['0200', 3],
    {},
  ),
  fc.string({ maxLength: 14 }),
  fc.integer(),
);

function mutate(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  const copy = { ...(value as Record<string, unknown>) };
  copy[head] = mutate(copy[head], rest, replacement);
  if (copy[head] === undefined) delete copy[head];
  return copy;
}

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

describe.each(Object.keys(samples) as (keyof typeof samples)[])('%s: light check = zod schema', (kind) => {
  const sample = samples[kind];
  const agree = (value: unknown) => {
    const zodOk = schemas[kind].safeParse(value).success;
    const lightOk = shapeProblem[kind](value) === undefined;
    expect({ value, lightOk }).toEqual({ value, lightOk: zodOk });
  };

  it('accepts the valid sample', () => {
    expect(shapeProblem[kind](sample)).toBeUndefined();
    agree(sample);
  });

  it('agrees on every field replaced by an odd value, and on an extra field', () => {
    const fieldPaths = paths(sample).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...fieldPaths), oddValue, (path, odd) => {
        agree(mutate(sample, path, odd));
      }),
      { numRuns: 600 },
    );
    agree({ ...sample, unexpected: 'field' });
  });

  it('names the field in its problem', () => {
    const [first] = Object.keys(sample);
    expect(shapeProblem[kind](mutate(sample, [first as string], 12.5))).toMatch(new RegExp(`^${first}: `));
  });
});

describe('a field an event does not know', () => {
  it('is named when it is a plain word, never quoted when it could be caller data (a BSN as key)', () => {
    expect(shapeProblem.start({ ...samples.start, bsn: '999900006' })).toBe(
      'bsn: is not a field of this event',
    );
    expect(shapeProblem.start({ ...samples.start, '999900006': 1 })).toBe(
      'a field: is not a field of this event',
    );
  });
});
