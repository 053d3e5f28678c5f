import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claimTerms,
  deadlinesFor,
  departuresFromStandard,
  endOfMonthsAfter,
  parseProfile,
  workingDaysBetween,
} from '../../../calendar';
import { defaultConfigDir, loadProfiles, profileDepartureLines } from '../../../config/profiles';

const registry = loadProfiles();
const national = registry.profile('iwmo-3.2');
const seed = registry.profile('leidschendam-voorburg-2019');

describe('claim terms of the shipped profiles', () => {
  it('seed protocol: 323 within 15 wd, 325 within 15 wd, correction 10 wd, payment 10 wd, CAK amounts', () => {
    const t = claimTerms(seed);
    const wd = (term: typeof t.submission) => (term.kind === 'term' ? term.rule.workingDays : term.reason);
    expect([wd(t.submission), wd(t.answer), wd(t.correction), wd(t.payment)]).toEqual([15, 15, 10, 10]);
    expect(t.amountBasis).toBe('cak4w');
    expect(t.periodsPerMessage).toBe('one');
  });

  it('iWmo 3.2: 323 by the end of the next month, 325 within 10 wd, no correction or payment term', () => {
    const t = claimTerms(national);
    expect(t.submission.kind === 'term' && t.submission.rule.monthEnds).toBe(1);
    expect(t.answer.kind === 'term' && t.answer.rule.workingDays).toBe(10);
    expect(t.correction).toMatchObject({ kind: 'none', reason: expect.stringMatching(/no correction term/) });
    expect(t.payment).toMatchObject({ kind: 'none', reason: expect.stringMatching(/no payment term/) });
    expect(t.amountBasis).toBe('month');
    expect(t.periodsPerMessage).toBe('several');
  });

  it('the 3.2 submission deadline of January ends on the last day of February', () => {
    const { opens } = deadlinesFor({ type: 'declaratieperiode-geeindigd', date: '2026-01-31' }, national);
    expect(opens.map((o) => [o.action, o.due])).toEqual([['verstuur-323', '2026-02-28']]);
    const seedOpens = deadlinesFor({ type: 'declaratieperiode-geeindigd', date: '2026-01-25' }, seed).opens;
    expect(workingDaysBetween('2026-01-25', seedOpens[0]?.due ?? '', seed.workingDays)).toBe(15);
  });

  it('endOfMonthsAfter crosses years and leap days', () => {
    expect(endOfMonthsAfter('2023-12-31', 2)).toBe('2024-02-29');
    expect(endOfMonthsAfter('2026-11-30', 1)).toBe('2026-12-31');
    expect(endOfMonthsAfter('2026-12-01', 1)).toBe('2027-01-31');
    expect(endOfMonthsAfter('2026-05-15', 0)).toBe('2026-05-31');
  });

  it('a profile cannot both have a term and say it has none', () => {
    const json = JSON.parse(readFileSync(join(defaultConfigDir, 'profiles', 'iwmo-3.2.json'), 'utf8'));
    json.noTerm['verstuur-325'] = 'none';
    expect(() => parseProfile(json, 'x.json')).toThrow(
      "x.json: noTerm.verstuur-325: 'verstuur-325' has a deadline and is listed as having no term",
    );
  });
});

describe('departures from the standard', () => {
  it('lists each seed rule beside the standard rule it replaces', () => {
    const lines = departuresFromStandard(seed).map((d) => `${d.local} | ${d.replaces}`);
    expect(lines).toContain(
      '323-ontvangen → verstuur-325: 15 working days (protocol LV 2019) | 10 working days (OP090x4)',
    );
    expect(lines).toContain(
      '301-ontvangen → verstuur-302: 5 working days (protocol LV 2019) | 3 working days (OP090)',
    );
    expect(lines).toContain(
      '325-ontvangen-met-afwijzingen → verstuur-correctie: 10 working days (protocol LV 2019) | no term: resubmission is not in the standard (SAP)',
    );
    expect(lines.some((l) => l.startsWith('amounts per cak4w period') && l.includes('CS340'))).toBe(true);
    expect(lines.some((l) => l.startsWith('one period per 323') && l.includes('TR319'))).toBe(true);
  });

  it('the national profile departs only where the standard leaves the term to the agreement', () => {
    expect(departuresFromStandard(national)).toEqual([
      {
        local:
          'declaratieperiode-geeindigd → verstuur-323: end of month +1 (OP354 (by agreement); term of the SAP-GI example)',
        replaces: 'no term: by agreement, in the next or a later period (OP354)',
      },
    ]);
  });

  it('the start-up listing names the profile on every line', () => {
    const lines = profileDepartureLines(registry);
    expect(lines.length).toBe(departuresFromStandard(seed).length + 1);
    for (const l of lines)
      expect(l).toMatch(/^profile (iwmo-3\.2|leidschendam-voorburg-2019): .+ — replaces the standard's /);
  });
});
