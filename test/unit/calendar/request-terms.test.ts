import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadlinesFor, missingRequestTerms, parseProfile, requestTerms } from '../../../calendar';
import { defaultConfigDir, loadProfiles } from '../../../config/profiles';

const registry = loadProfiles();
const national = registry.profile('iwmo-3.2');
const seed = registry.profile('leidschendam-voorburg-2019');

describe('request terms of the shipped profiles', () => {
  it('iWmo 3.2: 316/318 in 3 wd, 301 or 319 in 5 wd (OP274/OP346), final answer 8 weeks from the request, 320 in 3 wd', () => {
    const t = requestTerms(national);
    const term = (x: (typeof t)['answer']) =>
      x.kind === 'term' ? [x.rule.event, x.rule.workingDays ?? `${x.rule.weeks}w`, x.rule.rule] : x.reason;
    expect([t.retour315, t.retour317, t.answer, t.finalAnswer, t.retour319].map(term)).toEqual([
      ['315-ontvangen', 3, 'OP090'],
      ['317-ontvangen', 3, 'OP090'],
      ['315-ontvangen', 5, 'OP274'],
      ['319-in-onderzoek-verzonden', '8w', 'OP274/OP346'],
      ['319-ontvangen', 3, 'OP090'],
    ]);
    expect(t.finalAnswer.kind === 'term' && t.finalAnswer.rule.from).toBe('aanvraag-dagtekening');
    expect(missingRequestTerms(national)).toEqual([]);
  });

  it('the seed protocol has none, and says so with a reason instead of inventing one', () => {
    const missing = missingRequestTerms(seed);
    expect(missing.map((m) => m.action)).toEqual([
      'verstuur-316',
      'verstuur-318',
      'verstuur-301-of-319',
      'verstuur-definitief-antwoord',
      'verstuur-320',
    ]);
    for (const m of missing) {
      expect(m.profileId).toBe('leidschendam-voorburg-2019');
      expect(m.reason).toMatch(/sets no request terms/);
    }
    expect(deadlinesFor({ type: '315-ontvangen', date: '2030-03-04' }, seed).opens).toEqual([]);
  });

  it('a profile without a term and without a reason still names itself', () => {
    const json = JSON.parse(
      readFileSync(join(defaultConfigDir, 'profiles', 'leidschendam-voorburg-2019.json'), 'utf8'),
    );
    delete json.noTerm['verstuur-320'];
    const profile = parseProfile(json, 'x.json');
    expect(requestTerms(profile).retour319).toEqual({
      action: 'verstuur-320',
      kind: 'none',
      profileId: 'leidschendam-voorburg-2019',
      reason: "profile 'leidschendam-voorburg-2019' has no term for verstuur-320",
    });
  });
});
