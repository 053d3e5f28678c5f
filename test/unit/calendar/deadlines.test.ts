import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  deadlinesFor,
  endOfMonthsAfter,
  type LifecycleEventType,
  lifecycleEvent,
  lifecycleEventType,
  nextPeriodEnd,
  parseProfile,
} from '../../../calendar';
import { loadProfiles } from '../../../config/profiles';
import { anyDate } from './arbitraries';

const registry = loadProfiles();
const national = registry.profile('iwmo-3.2');
const lv = registry.profile('leidschendam-voorburg-2019');

/** 'action due' pairs, the shape easiest to check by hand. */
function opened(type: LifecycleEventType, date: string, profile = national, extra = {}): string[] {
  return deadlinesFor({ type, date, ...extra }, profile).opens.map((d) => `${d.action} ${d.due}`);
}

describe('deadlinesFor under iwmo-3.2', () => {
  it('301 received on Friday 2026-04-24: 302 due Thursday 30 April (Koningsdag skipped)', () => {
    const effects = deadlinesFor({ type: '301-ontvangen', date: '2026-04-24' }, national);
    expect(effects).toEqual({
      opens: [
        {
          action: 'verstuur-302',
          owner: 'aanbieder',
          rule: 'OP090',
          from: '2026-04-24',
          due: '2026-04-30',
          closedBy: ['302-verzonden'],
          description: 'Retour on a heen message within 3 working days',
        },
      ],
      closes: [],
    });
  });

  it('counts 305 and 307 from the actual start and end of care', () => {
    // Mon 22 Dec 2025: 23 (1), 24 (2), Christmas + weekend, 29 (3), 30 (4), 31 (5).
    expect(opened('zorg-gestart', '2025-12-22')).toEqual(['verstuur-305 2025-12-31']);
    // Thu 30 Apr 2026: Fri 1 May (1), Mon 4 (2), 5 May, Wed 6 (3), Thu 7 (4), Fri 8 (5).
    expect(opened('zorg-gestopt', '2026-04-30')).toEqual(['verstuur-307 2026-05-08']);
  });

  it('gives the 325 ten working days, across Koningsdag, 5 May and Hemelvaart', () => {
    // Mon 26 Apr 2027: 27 Koningsdag; 28, 29, 30, 3 May, 4 (5); 5 May + Hemelvaart 6 May; 7, 10, 11, 12, 13.
    expect(opened('323-ontvangen', '2027-04-26')).toEqual(['verstuur-325 2027-05-13']);
  });

  it('opens a retour and an answer on a 315, and closes them when answered', () => {
    // Wed 13 May 2026: Hemelvaart 14; 15 (1), 18 (2), 19 (3), 20 (4), 21 (5).
    expect(opened('315-ontvangen', '2026-05-13')).toEqual([
      'verstuur-316 2026-05-19',
      'verstuur-301-of-319 2026-05-21',
    ]);
    expect(deadlinesFor({ type: '316-verzonden', date: '2026-05-14' }, national).closes).toEqual([
      'verstuur-316',
    ]);
  });

  it('after "in onderzoek" wants the final answer 8 weeks after the request dagtekening', () => {
    const effects = deadlinesFor(
      { type: '319-in-onderzoek-verzonden', date: '2026-05-20', aanvraagDagtekening: '2026-05-12' },
      national,
    );
    expect(effects.closes).toEqual(['verstuur-301-of-319']);
    expect(effects.opens).toMatchObject([
      { action: 'verstuur-definitief-antwoord', from: '2026-05-12', due: '2026-07-07', owner: 'gemeente' },
    ]);
    expect(() => deadlinesFor({ type: '319-in-onderzoek-verzonden', date: '2026-05-20' }, national)).toThrow(
      /dagtekening/,
    );
    expect(deadlinesFor({ type: '301-verzonden', date: '2026-06-01' }, national).closes).toEqual([
      'verstuur-301-of-319',
      'verstuur-definitief-antwoord',
    ]);
  });

  it('closes what a sent message answers and opens nothing for it', () => {
    expect(deadlinesFor({ type: '302-verzonden', date: '2026-04-28' }, national)).toEqual({
      opens: [],
      closes: ['verstuur-302'],
    });
  });

  it('declares by the end of the next month (the agreement term it assumes), no correction or payment term', () => {
    expect(opened('declaratieperiode-geeindigd', '2026-04-30')).toEqual(['verstuur-323 2026-05-31']);
    expect(opened('325-ontvangen-met-afwijzingen', '2026-04-30')).toEqual([]);
    expect(opened('declaratie-toegekend', '2026-04-30')).toEqual([]);
  });

  it('follows the profile working-day rules (5 May only in lustrum years)', () => {
    const lustrum = parseProfile({ ...national, workingDays: { bevrijdingsdag: 'lustrum' } }, 'test');
    // Mon 4 May 2026: 6, 7, 8 by default; 5, 6, 7 when 5 May is a working day.
    expect(opened('301-ontvangen', '2026-05-04')).toEqual(['verstuur-302 2026-05-08']);
    expect(opened('301-ontvangen', '2026-05-04', lustrum)).toEqual(['verstuur-302 2026-05-07']);
  });
});

describe('deadlinesFor under leidschendam-voorburg-2019', () => {
  it('wants the 302 in 5 and the 305 in 10 working days after the 301', () => {
    // Fri 24 Apr 2026: 28, 29, 30, 1 May, 4 May (5); 5 May; 6, 7, 8, 11, 12 (10).
    expect(opened('301-ontvangen', '2026-04-24', lv)).toEqual([
      'verstuur-302 2026-05-04',
      'verstuur-305 2026-05-12',
    ]);
    expect(opened('zorg-gestart', '2026-04-24', lv)).toEqual([]);
  });

  it('wants the claim 15 working days after a CAK period end', () => {
    // P13 2019 ends Sun 29 Dec: 30, 31, (1 Jan), 2, 3, 6–10, 13–17, 20 (15).
    expect(nextPeriodEnd('2019-12-10', 'cak4w')).toBe('2019-12-29');
    expect(opened('declaratieperiode-geeindigd', '2019-12-29', lv)).toEqual(['verstuur-323 2020-01-20']);
    // P4 2019 ends on Easter Sunday 21 Apr: Easter Monday; 23–26, 29, 30, 1–3 May, 6–10, 13 May (15).
    expect(opened('declaratieperiode-geeindigd', '2019-04-21', lv)).toEqual(['verstuur-323 2019-05-13']);
  });

  it('has terms for the 325, the correction and the payment', () => {
    // Thu 30 Apr 2026: 1 May, 4, (5), 6, 7, 8, 11, 12, 13, (14), 15, 18, 19, 20, 21, 22, (25 Pinksteren), 26 (15).
    expect(opened('323-ontvangen', '2026-04-30', lv)).toEqual(['verstuur-325 2026-05-26']);
    // Mon 21 Dec 2026: 22, 23, 24, (25), 28, 29, 30, 31, (1 Jan), 4, 5, 6 (10).
    expect(opened('325-ontvangen-met-afwijzingen', '2026-12-21', lv)).toEqual([
      'verstuur-correctie 2027-01-06',
    ]);
    // Thu 30 Apr 2026: 1 May, 4, (5), 6, 7, 8, 11, 12, 13, (14 Hemelvaart), 15, 18 (10).
    expect(opened('declaratie-toegekend', '2026-04-30', lv)).toEqual(['betaling 2026-05-18']);
    expect(deadlinesFor({ type: 'betaling-verricht', date: '2026-05-15' }, lv).closes).toEqual(['betaling']);
  });
});

describe('deadlinesFor (properties)', () => {
  const anyEventType = fc.constantFrom(...lifecycleEventType.options);
  const anyProfile = fc.constantFrom(national, lv);

  it('opens deadlines due on or after the start, computed by the profile term', () => {
    fc.assert(
      fc.property(anyEventType, anyDate, anyProfile, (type, date, profile) => {
        const dagtekening = addDays(date, -3);
        const effects = deadlinesFor({ type, date, aanvraagDagtekening: dagtekening }, profile);
        for (const d of effects.opens) {
          const rule = profile.deadlines.find((r) => r.event === type && r.action === d.action);
          expect(rule).toBeDefined();
          const expected =
            rule?.workingDays !== undefined
              ? addWorkingDays(d.from, rule.workingDays)
              : rule?.monthEnds !== undefined
                ? endOfMonthsAfter(d.from, rule.monthEnds)
                : addDays(d.from, 7 * (rule?.weeks ?? 0));
          expect(d.due).toBe(expected);
          expect(d.due >= d.from).toBe(true);
          expect(d.closedBy).not.toContain(type);
        }
        expect(new Set(effects.closes).size).toBe(effects.closes.length);
      }),
    );
  });
});

describe('lifecycleEvent schema', () => {
  it('validates the workflow input', () => {
    expect(lifecycleEvent.parse({ type: '301-ontvangen', date: '2026-04-24' })).toEqual({
      type: '301-ontvangen',
      date: '2026-04-24',
    });
    expect(lifecycleEvent.safeParse({ type: '303-ontvangen', date: '2026-04-24' }).success).toBe(false);
    expect(lifecycleEvent.safeParse({ type: '301-ontvangen', date: '24-04-2026' }).success).toBe(false);
  });
});
