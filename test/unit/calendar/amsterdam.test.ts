import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  amsterdamDateOf,
  amsterdamUtcOffsetMinutes,
  endOfAmsterdamDay,
  startOfAmsterdamDay,
} from '../../../calendar';
import { anyDate } from './arbitraries';

const at = (iso: string) => new Date(iso);

describe('Europe/Amsterdam by hand', () => {
  it('switches to CEST at 01:00 UTC on the last Sunday of March and back in October', () => {
    expect(amsterdamUtcOffsetMinutes(at('2026-03-29T00:59:59.999Z'))).toBe(60);
    expect(amsterdamUtcOffsetMinutes(at('2026-03-29T01:00:00.000Z'))).toBe(120);
    expect(amsterdamUtcOffsetMinutes(at('2026-10-25T00:59:59.999Z'))).toBe(120);
    expect(amsterdamUtcOffsetMinutes(at('2026-10-25T01:00:00.000Z'))).toBe(60);
  });

  it('gives the local calendar date of an instant', () => {
    expect(amsterdamDateOf(at('2026-06-30T21:59:59.999Z'))).toBe('2026-06-30');
    expect(amsterdamDateOf(at('2026-06-30T22:00:00.000Z'))).toBe('2026-07-01');
    expect(amsterdamDateOf(at('2026-12-31T22:59:59.999Z'))).toBe('2026-12-31');
    expect(amsterdamDateOf(at('2026-12-31T23:00:00.000Z'))).toBe('2027-01-01');
    expect(amsterdamDateOf(Date.UTC(2026, 3, 24, 12))).toBe('2026-04-24');
    expect(() => amsterdamDateOf(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('ends a day at local midnight, including the 23- and 25-hour days', () => {
    expect(endOfAmsterdamDay('2026-04-30').toISOString()).toBe('2026-04-30T22:00:00.000Z');
    expect(endOfAmsterdamDay('2026-12-31').toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(endOfAmsterdamDay('2026-03-28').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(endOfAmsterdamDay('2026-03-29').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(endOfAmsterdamDay('2026-10-24').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(endOfAmsterdamDay('2026-10-25').toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('day boundaries round-trip (property)', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        const start = startOfAmsterdamDay(d).getTime();
        const end = endOfAmsterdamDay(d).getTime();
        expect(amsterdamDateOf(start)).toBe(d);
        expect(amsterdamDateOf(start - 1)).toBe(addDays(d, -1));
        expect(amsterdamDateOf(end - 1)).toBe(d);
        expect([23, 24, 25]).toContain((end - start) / 3_600_000);
      }),
    );
  });

  it('agrees with the tz database through Intl for 1996–2037 (property)', () => {
    const tz = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Amsterdam',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1996, 0, 1), max: Date.UTC(2037, 11, 31) }), (ms) => {
        expect(amsterdamDateOf(ms)).toBe(tz.format(ms));
      }),
      { numRuns: 5000 },
    );
  });
});
