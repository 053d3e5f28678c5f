import { describe, expect, it } from 'vitest';
import { decode } from '../../../iwmo';
import { sampleXml } from '../../support/messages';

/*
 * Issue 13: markup a stranger writes must not cost more than its size. The markup scan found an unclosed
 * '<?' by running to the end of the text from every '<?' (quadratic: 100 KB took 1.7 s, 4 MB would take
 * most of an hour of a codec thread). The bound is a ratio to a normal message of the same size.
 */

const sample = sampleXml('301');
const size = 4 * 1024 * 1024;

function timeOf(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('decode on hostile markup', () => {
  it.each([
    ['<?', '<?'],
    ['<?a ', '<?a '],
    ['<!--', '<!--'],
    ['<![CDATA[', '<![CDATA['],
  ])(
    '%s repeated over 4 MB after the header: rejected, at most 20 times a normal 4 MB 301',
    (_what, unit) => {
      const hostile = sample.replace(
        '</wmo301:Header>',
        `</wmo301:Header>${unit.repeat(Math.ceil(size / unit.length))}`,
      );
      // Normal: the same 301 with a closed comment of the same size in the same place.
      const pad = hostile.length - sample.length - '<!---->'.length;
      const normal = sample.replace('</wmo301:Header>', `</wmo301:Header><!--${'x'.repeat(pad)}-->`);
      expect(normal.length).toBe(hostile.length);
      const result = decode(hostile, { maxBytes: 2 * size });
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error.rule).toBe('XML-WELLFORMED');
      expect(decode(normal, { maxBytes: 2 * size }).ok).toBe(true);
      const ratio =
        timeOf(() => decode(hostile, { maxBytes: 2 * size })) /
        timeOf(() => decode(normal, { maxBytes: 2 * size }));
      expect(ratio).toBeLessThanOrEqual(20);
    },
  );
});
