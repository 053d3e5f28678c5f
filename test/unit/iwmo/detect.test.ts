import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import { decodeErrorKinds, detect } from '../../../iwmo';

const sample = (nr: string) =>
  readFileSync(join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'messages', `WMO${nr}.xml`), 'utf8');

function errorOf(xml: string, maxBytes?: number) {
  const res = detect(xml, maxBytes === undefined ? {} : { maxBytes });
  if (res.ok) throw new Error('expected a decode error');
  return res.error;
}

describe('detect', () => {
  it.each(['301', '305', '307', '315', '317', '319', '323'])('recognises sample WMO%s as iWmo 3.2', (nr) => {
    const res = detect(sample(nr));
    expect(res.ok && [res.value.info.type, res.value.release]).toEqual([`WMO${nr}`, '3.2']);
  });

  it('resolves the namespace by URI, not by prefix (other prefix, default namespace, LF or CRLF)', () => {
    const other = sample('301').replaceAll('wmo301:', 'x:').replace('xmlns:wmo301=', 'xmlns:x=');
    const dflt = sample('301').replaceAll('wmo301:', '').replace('xmlns:wmo301=', 'xmlns=');
    for (const xml of [other, dflt, other.replaceAll('\r\n', '\n')]) {
      const res = detect(xml);
      expect(res.ok && res.value.info.type).toBe('WMO301');
    }
  });

  it('refuses a DTD or entity declaration before parsing', () => {
    const xml = sample('301').replace('?>', '?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>');
    expect(errorOf(xml)).toMatchObject({ kind: 'forbidden-dtd', rule: 'XML-DTD' });
  });

  it('refuses a document over the size limit, counting UTF-8 bytes', () => {
    expect(errorOf(sample('301'), 1_000)).toMatchObject({ kind: 'too-large', rule: 'OP179' });
    const multiByte = `<a>${'€'.repeat(400)}</a>`; // 403 + 1200 bytes, 407 UTF-16 units
    expect(errorOf(multiByte, 1_000).kind).toBe('too-large');
    expect(detect(sample('301'), { maxBytes: 1_000_000 }).ok).toBe(true);
  });

  it('reports malformed XML with its position', () => {
    const err = errorOf(sample('301').replace('</wmo301:Header>', ''));
    expect(err.kind).toBe('malformed-xml');
    expect(err.hint).toMatch(/line \d+, column \d+/);
  });

  it('names the wrong namespace, an iJw message and an older release', () => {
    const foreign = sample('301').replace('iwmo/3_2/wmo301/schema', 'example.org/wmo301');
    expect(errorOf(foreign).kind).toBe('unknown-message');
    const jw = sample('301').replace('iwmo/3_2/wmo301/schema', 'ijw/3_2/jw301/schema');
    expect(errorOf(jw).message).toMatch(/iJw/);
    const old = sample('301').replace('iwmo/3_2/wmo301/schema', 'iwmo/2_4/wmo301/schema');
    expect(errorOf(old)).toMatchObject({ kind: 'unsupported-version', rule: 'XSD-RELEASE' });
  });

  it('names iWmo 2.x releases, whose namespaces end in a release suffix (…/schema/2_0)', () => {
    for (const [release, name] of [
      ['2_0', '2.0'],
      ['2_1', '2.1'],
    ]) {
      const xml = sample('301').replaceAll(
        /iwmo\/3_2\/(wmo301|basisschema)\/schema/g,
        `iwmo/${release}/$1/schema/${release}`,
      );
      const error = errorOf(xml);
      expect(error).toMatchObject({ kind: 'unsupported-version', rule: 'XSD-RELEASE', path: '/Bericht' });
      expect(error.message).toContain(`iWmo-release ${name} `);
    }
  });

  it('gives a 3.1 message the release error XSD-RELEASE, not CS025 (its BerichtVersie is 3)', () => {
    const xml = sample('305').replace('iwmo/3_2/wmo305/schema', 'iwmo/3_1/wmo305/schema');
    const error = errorOf(xml);
    expect(error).toMatchObject({ kind: 'unsupported-version', rule: 'XSD-RELEASE' });
    expect(error.message).toContain('3.1');
  });

  it('refuses a 3.2 namespace with a release suffix: it is not the 3.2 namespace', () => {
    const xml = sample('301').replace('iwmo/3_2/wmo301/schema', 'iwmo/3_2/wmo301/schema/3_2');
    expect(errorOf(xml)).toMatchObject({ kind: 'unknown-message', rule: 'XSD-ROOT' });
  });

  it('refuses a BerichtCode that is the message number, and a wrong version', () => {
    const code = errorOf(sample('305').replace('>418<', '>305<'));
    expect(code).toMatchObject({ kind: 'unknown-message', path: '/Bericht/Header/BerichtCode' });
    expect(code.hint).toMatch(/418/);
    const sub = errorOf(sample('305').replace('<wmo305:BerichtSubversie>2<', '<wmo305:BerichtSubversie>1<'));
    expect(sub).toMatchObject({ kind: 'unsupported-version', rule: 'CS015' });
  });

  it('never throws and never echoes content, over random and mutated documents', () => {
    const base = sample('301');
    const mutated = fc
      .tuple(fc.nat(base.length), fc.nat(200), fc.string({ maxLength: 30 }))
      .map(([at, cut, insert]) => base.slice(0, at) + insert + base.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), mutated), (xml) => {
        const res = detect(xml);
        if (!res.ok) {
          expect(decodeErrorKinds).toContain(res.error.kind);
          // The sample's BSN and surname must never surface in an error.
          expect(JSON.stringify(res.error)).not.toMatch(/999900006|Jansen|Mentor/);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});
