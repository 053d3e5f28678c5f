import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, type MessageNumber } from '../../../iwmo';
import { valuesWithXsd } from '../../support/xmllint';
import { leafText, marker, mutate, mutation, mutationKinds } from './mutations';
import { checkDecode, randomDoc, sampleDocs, seed, seedDocs } from './property-support';
import { xsdOf } from './samples';
import { valueDifferences } from './values';

/*
 * Decode under fuzz: a mutation fuzz (never throws, always a well-formed error, never quotes a BSN or
 * a name) and a differential fuzz against xmllint (verdict and decoded values).
 */

describe('decode under mutation fuzz', () => {
  const startDoc = fc.oneof(
    { arbitrary: fc.constantFrom(...sampleDocs), weight: 1 },
    { arbitrary: fc.constantFrom(...seedDocs), weight: 1 },
    { arbitrary: randomDoc, weight: 3 },
  );

  it('the start documents decode, and a leak check would see their secrets', () => {
    for (const doc of [...sampleDocs, ...fc.sample(randomDoc, { numRuns: 20, seed })]) {
      expect(decode(doc.xml).ok).toBe(true);
      if (doc.xml.includes(':Bsn>')) expect(doc.secrets.length).toBeGreaterThan(0);
      for (const [, name] of doc.xml.matchAll(/<iwmo:(?:Achternaam|Voornamen)>([^<]*)</g))
        expect(name).toContain(marker);
    }
  });

  it('3,000 mutated documents: never a throw, always findings or a well-formed error without content', () => {
    fc.assert(
      fc.property(startDoc, fc.array(mutation, { minLength: 1, maxLength: 3 }), (doc, mutations) => {
        const xml = mutations.reduce(mutate, doc.xml);
        checkDecode(xml, doc.secrets);
      }),
      { numRuns: 3000, seed },
    );
  }, 60_000);

  /** decode and xmllint agree: the same verdict, and for an accepted document the same values. */
  function checkAgainstXmllint(xml: string, nr: MessageNumber) {
    const res = decode(xml);
    const xsd = valuesWithXsd(xml, xsdOf(nr));
    if (res.ok !== xsd.valid)
      throw new Error(
        `decode: ${res.ok ? 'ok' : `${res.error.kind} at ${res.error.path}`}; xmllint: ${xsd.output}`,
      );
    if (!res.ok) return;
    if (!xsd.leaves) throw new Error('xmllint gave no canonical form of a valid document');
    const differences = valueDifferences(res.value.message, xsd.leaves);
    if (differences.length)
      throw new Error(`decoded values differ from xmllint's:\n${differences.join('\n')}`);
  }

  it('the seed corpus and the samples as they are: decode agrees with xmllint on verdict and values', () => {
    for (const doc of [...seedDocs, ...sampleDocs]) checkAgainstXmllint(doc.xml, doc.nr);
  });

  it('decode accepts a mutated document exactly when xmllint finds it XSD-valid, and reads the same values', () => {
    const kinds = mutationKinds.filter((k) => k !== 'insert' && k !== 'truncate' && k !== 'namespace');
    const elementMutation = fc.record({
      kind: fc.constantFrom(...kinds),
      a: fc.nat(),
      b: fc.nat(),
      text: leafText,
    });
    fc.assert(
      fc.property(startDoc, fc.array(elementMutation, { minLength: 1, maxLength: 2 }), (doc, mutations) => {
        checkAgainstXmllint(mutations.reduce(mutate, doc.xml), doc.nr);
      }),
      { numRuns: 200, seed },
    );
  }, 60_000);
});
