import { describe, expect, it } from 'vitest';
import { checkEncoding, firstInvalidUtf8 } from '../../../activities/messaging/encoding';
import { sniffHeader, sniffHeaderBytes, withoutCommentsAndCdata } from '../../../activities/messaging/sniff';
import { sampleXml } from '../../support/messages';

/*
 * The header sniff runs on the event loop on bytes from a stranger (issue 13: a lazy comment regex made
 * 256 KB of `<!--` stall the service for 9 s). The time bound is a ratio to a normal body of the same
 * size, as the issue asks, never an absolute time.
 */

const sample = sampleXml('301');
const size = 4 * 1024 * 1024;

/** Best of a few runs of 20 calls, in ms: the work itself, without a GC pause or a busy CPU that hit one run. */
function timeOf(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('sniffHeader', () => {
  it('reads Afzender, Ontvanger and the type of the sample 301', () => {
    expect(sniffHeader(sample)).toEqual({ afzender: '0384', ontvanger: '42420001', messageType: 'WMO301' });
  });

  it('skips comments and CDATA in the header, and a commented-out header end', () => {
    const tricky = sample
      .replace('</wmo301:Header>', '<!-- <wmo301:Afzender>1111</wmo301:Afzender> --></wmo301:Header>')
      .replace(
        '<wmo301:Header>',
        '<!-- </wmo301:Header> --><wmo301:Header><![CDATA[<Afzender>9999</Afzender>]]>',
      );
    expect(sniffHeader(tricky)).toEqual({ afzender: '0384', ontvanger: '42420001', messageType: 'WMO301' });
  });

  it('withoutCommentsAndCdata: one pass, an unterminated section takes the rest', () => {
    expect(withoutCommentsAndCdata('a<!--x-->b<![CDATA[y]]>c<!--z')).toBe('abc');
    expect(withoutCommentsAndCdata('<![CDATA[<!--]]>a<!--]]>-->b')).toBe('ab');
  });

  it('a header beyond the first 64 KiB is not sniffed (decoding decides)', () => {
    const far = sample.replace('<wmo301:Header>', `<!-- ${'p'.repeat(70_000)} --><wmo301:Header>`);
    expect(sniffHeader(far)).toEqual({});
  });

  it.each([
    ['<!--', '<!--'],
    ['<![CDATA[', '<![CDATA['],
    ['<!-- and <![CDATA[ mixed', '<!--<![CDATA['],
  ])('%s repeated over 4 MB: at most 20 times a normal body of the same size', (_what, unit) => {
    const hostile = `${unit.repeat(Math.ceil(size / unit.length))}${sample}`;
    // Normal: the sample 301 padded to the same size after the message, as a long document is.
    const normal = `${sample}${' '.repeat(hostile.length - sample.length)}`;
    expect(hostile.length).toBe(normal.length);
    sniffHeader(normal); // warm-up: compiled code for both
    sniffHeader(hostile);
    const ratio = timeOf(() => sniffHeader(hostile)) / timeOf(() => sniffHeader(normal));
    expect(ratio).toBeLessThanOrEqual(20);
  });

  it('UTF-16 bytes (BOM or NULs): the header is still sniffed, for scope', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')]);
    const be = Buffer.from(sample, 'utf16le').swap16();
    const expected = { afzender: '0384', ontvanger: '42420001', messageType: 'WMO301' };
    expect(sniffHeaderBytes(le)).toEqual(expected);
    expect(sniffHeaderBytes(be)).toEqual(expected);
    expect(sniffHeaderBytes(Buffer.from(sample))).toEqual(expected);
  });
});

describe('checkEncoding', () => {
  const utf8 = Buffer.from(sample);
  const rule = (bytes: Uint8Array) => {
    const c = checkEncoding(bytes);
    return c.ok ? 'ok' : c.finding.rule;
  };

  it('UTF-8 passes with its text; a UTF-8 BOM is dropped from the text and said so', () => {
    expect(checkEncoding(utf8)).toEqual({ ok: true, text: sample, exact: true });
    expect(checkEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toEqual({
      ok: true,
      text: sample,
      exact: false,
    });
  });

  it.each([
    ['a NUL', Buffer.concat([utf8.subarray(0, 50), Buffer.from([0]), utf8.subarray(50)])],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')])],
    [
      'UTF-16BE with BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(sample, 'utf16le').swap16()]),
    ],
    ['UTF-16LE without BOM', Buffer.from(sample, 'utf16le')],
    ['UTF-32 BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf8])],
    [
      'a lone continuation byte',
      Buffer.concat([utf8.subarray(0, 60), Buffer.from([0x80]), utf8.subarray(60)]),
    ],
    [
      'an overlong encoding',
      Buffer.concat([utf8.subarray(0, 60), Buffer.from([0xc0, 0xaf]), utf8.subarray(60)]),
    ],
    [
      'an encoded surrogate',
      Buffer.concat([utf8.subarray(0, 60), Buffer.from([0xed, 0xa0, 0x80]), utf8.subarray(60)]),
    ],
    ['a truncated sequence at the end', Buffer.concat([utf8, Buffer.from([0xe2, 0x82])])],
    ['another declared encoding', Buffer.from(sample.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'))],
  ])('%s: PAYLOAD-ENCODING', (_what, bytes) => {
    expect(rule(bytes)).toBe('PAYLOAD-ENCODING');
  });

  it('names where the first bad UTF-8 byte is, never content', () => {
    const bytes = Buffer.concat([utf8.subarray(0, 60), Buffer.from([0xff]), utf8.subarray(60)]);
    expect(firstInvalidUtf8(bytes)).toBe(60);
    const c = checkEncoding(bytes);
    expect(c.ok ? '' : c.finding.message).toBe('Bericht is geen geldige UTF-8: ongeldige byte op positie 60');
    expect(firstInvalidUtf8(Buffer.from('€ 𝄞 é'))).toBe(Buffer.byteLength('€ 𝄞 é'));
  });
});
