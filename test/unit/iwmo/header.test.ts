import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import { decodeErrorKinds, decodeHeader } from '../../../iwmo';

const sample = (nr: string) =>
  readFileSync(join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'messages', `WMO${nr}.xml`), 'utf8');

function errorOf(xml: string) {
  const res = decodeHeader(xml);
  if (res.ok) throw new Error('expected a decode error');
  return res.error;
}

describe('decodeHeader', () => {
  it.each(['301', '305', '307', '315', '317', '319', '323'])('reads the header of sample WMO%s', (nr) => {
    const res = decodeHeader(sample(nr));
    if (!res.ok) throw new Error(res.error.message);
    expect(res.value.info.type).toBe(`WMO${nr}`);
    expect(res.value.header).toMatchObject({ BerichtVersie: 3, BerichtSubversie: 2 });
    expect(res.value.header.BerichtIdentificatie.Identificatie.length).toBeLessThanOrEqual(12);
  });

  it('names the field: Identificatie over 12 characters (TR056)', () => {
    const xml = sample('301').replace('>123456789012<', '>1234567890123<');
    expect(errorOf(xml)).toMatchObject({
      kind: 'schema',
      path: '/Bericht/Header/BerichtIdentificatie/Identificatie',
    });
  });

  it('names the field: a Dagtekening that is no calendar date', () => {
    const xml = sample('301').replace('<iwmo:Dagtekening>2023-08-13<', '<iwmo:Dagtekening>2023-06-31<');
    expect(errorOf(xml).path).toBe('/Bericht/Header/BerichtIdentificatie/Dagtekening');
  });

  it('refuses a 305 whose Afzender is a gemeentecode: the aanbieder sends it', () => {
    const xml = sample('305').replace(/<wmo305:Afzender>[0-9]+</, '<wmo305:Afzender>1916<');
    expect(errorOf(xml)).toMatchObject({ kind: 'schema', path: '/Bericht/Header/Afzender' });
  });

  it('refuses a missing header field', () => {
    const xml = sample('307').replace(/<wmo307:Ontvanger>[0-9]+<\/wmo307:Ontvanger>/, '');
    expect(errorOf(xml).path).toBe('/Bericht/Header/Ontvanger');
  });

  it('never throws over mutated headers', () => {
    const base = sample('305');
    const headerEnd = base.indexOf('</wmo305:Header>');
    fc.assert(
      fc.property(fc.nat(headerEnd), fc.nat(40), fc.string({ maxLength: 20 }), (at, cut, insert) => {
        const res = decodeHeader(base.slice(0, at) + insert + base.slice(at + cut));
        if (!res.ok) expect(decodeErrorKinds).toContain(res.error.kind);
      }),
      { numRuns: 2_000 },
    );
  });
});
