import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  correctionTerm,
  lifecycleEventDescriptions,
  ProfileError,
  parseProfile,
  paymentTerm,
} from '../../../calendar';
import { defaultConfigDir, loadProfiles } from '../../../config/profiles';

const shipped = JSON.parse(
  readFileSync(join(defaultConfigDir, 'profiles', 'iwmo-3.2.json'), 'utf8'),
) as Record<string, unknown> & { deadlines: Record<string, unknown>[] };

/** A deep copy of the shipped iwmo-3.2 profile with one change applied. */
function variant(change: (p: typeof shipped) => void): typeof shipped {
  const copy = structuredClone(shipped);
  change(copy);
  return copy;
}

describe('shipped profiles (config/)', () => {
  const registry = loadProfiles();

  it('load and map municipalities, with iwmo-3.2 as default', () => {
    expect([...registry.profiles.keys()].sort()).toEqual(['iwmo-3.2', 'leidschendam-voorburg-2019']);
    expect(registry.profileFor('1916').id).toBe('leidschendam-voorburg-2019');
    expect(registry.profileFor('0363').id).toBe('iwmo-3.2');
    expect(() => registry.profileFor('363')).toThrow(/CBS gemeentecode/);
  });

  it('carry the national 3.2 terms', () => {
    const p = registry.profile('iwmo-3.2');
    expect(p.billing.calendar).toBe('month');
    const terms = p.deadlines.map(
      (d) =>
        `${d.event} → ${d.action}: ${d.workingDays ?? (d.weeks === undefined ? `m+${d.monthEnds}` : `${d.weeks}w`)} (${d.rule})`,
    );
    expect(terms).toEqual([
      '301-ontvangen → verstuur-302: 3 (OP090)',
      'zorg-gestart → verstuur-305: 5 (OP271)',
      '305-ontvangen → verstuur-306: 3 (OP090)',
      'zorg-gestopt → verstuur-307: 5 (OP272)',
      '307-ontvangen → verstuur-308: 3 (OP090)',
      '315-ontvangen → verstuur-316: 3 (OP090)',
      '315-ontvangen → verstuur-301-of-319: 5 (OP274)',
      '317-ontvangen → verstuur-318: 3 (OP090)',
      '317-ontvangen → verstuur-301-of-319: 5 (OP346)',
      '319-in-onderzoek-verzonden → verstuur-definitief-antwoord: 8w (OP274/OP346)',
      '319-ontvangen → verstuur-320: 3 (OP090)',
      'declaratieperiode-geeindigd → verstuur-323: m+1 (OP354 (by agreement); term of the SAP-GI example)',
      '323-ontvangen → verstuur-325: 10 (OP090x4)',
    ]);
    // Correction and payment terms are contract matters, not in the standard.
    expect(correctionTerm(p)).toBeUndefined();
    expect(paymentTerm(p)).toBeUndefined();
  });

  it('carry the Leidschendam-Voorburg 2019 protocol terms', () => {
    const p = registry.profile('leidschendam-voorburg-2019');
    expect(p.billing.calendar).toBe('cak4w');
    const terms = Object.fromEntries(p.deadlines.map((d) => [`${d.event} → ${d.action}`, d.workingDays]));
    expect(terms).toEqual({
      '301-ontvangen → verstuur-302': 5,
      '301-ontvangen → verstuur-305': 10,
      '305-ontvangen → verstuur-306': 5,
      'zorg-gestopt → verstuur-307': 5,
      '307-ontvangen → verstuur-308': 5,
      'declaratieperiode-geeindigd → verstuur-323': 15,
      '323-ontvangen → verstuur-325': 15,
      '325-ontvangen-met-afwijzingen → verstuur-correctie': 10,
      'declaratie-toegekend → betaling': 10,
    });
    expect(correctionTerm(p)?.workingDays).toBe(10);
    expect(paymentTerm(p)?.workingDays).toBe(10);
  });

  it('never let a deadline be closed by the event that opens it', () => {
    for (const p of registry.profiles.values()) {
      for (const d of p.deadlines) expect(d.closedBy, `${p.id} ${d.action}`).not.toContain(d.event);
    }
  });

  it('document every lifecycle event', () => {
    for (const text of Object.values(lifecycleEventDescriptions)) expect(text.length).toBeGreaterThan(10);
  });
});

describe('parseProfile', () => {
  const bad = (change: (p: typeof shipped) => void) => () => parseProfile(variant(change), 'x.json');

  it('names the file and field of a negative term', () => {
    expect(
      bad((p) => {
        (p.deadlines[2] as Record<string, unknown>).workingDays = -1;
      }),
    ).toThrow('x.json: deadlines[2].workingDays: must be ≥ 0');
  });

  it('rejects unknown events, actions and owners', () => {
    expect(
      bad((p) => {
        (p.deadlines[0] as Record<string, unknown>).event = '303-ontvangen';
      }),
    ).toThrow("x.json: deadlines[0].event: unknown event '303-ontvangen'");
    expect(
      bad((p) => {
        (p.deadlines[1] as Record<string, unknown>).closedBy = ['302-verzonden', 'iets'];
      }),
    ).toThrow("x.json: deadlines[1].closedBy[1]: unknown event 'iets'");
    expect(
      bad((p) => {
        (p.deadlines[1] as Record<string, unknown>).action = 'verstuur-304';
      }),
    ).toThrow("x.json: deadlines[1].action: unknown action 'verstuur-304'");
    expect(
      bad((p) => {
        (p.deadlines[1] as Record<string, unknown>).owner = 'cak';
      }),
    ).toThrow('x.json: deadlines[1].owner:');
  });

  it('needs exactly one of workingDays and weeks, and no duplicate rules', () => {
    expect(
      bad((p) => {
        (p.deadlines[0] as Record<string, unknown>).weeks = 2;
      }),
    ).toThrow('x.json: deadlines[0]: needs exactly one of workingDays, weeks or monthEnds');
    expect(
      bad((p) => {
        p.deadlines.push(structuredClone(p.deadlines[0] as Record<string, unknown>));
      }),
    ).toThrow('x.json: deadlines[13]: duplicate rule 301-ontvangen → verstuur-302');
  });

  it('rejects a deadline closed by its own opening event', () => {
    expect(
      bad((p) => {
        (p.deadlines[0] as Record<string, unknown>).closedBy = ['301-ontvangen'];
      }),
    ).toThrow("x.json: deadlines[0].closedBy: must not contain the opening event '301-ontvangen'");
  });

  it('rejects unknown fields and bad dates', () => {
    expect(
      bad((p) => {
        p.billing = { calendar: 'month', period: 'x' };
      }),
    ).toThrow(/x\.json: billing: Unrecognized key/);
    expect(
      bad((p) => {
        p.workingDays = { extraClosingDays: ['2026-02-30'] };
      }),
    ).toThrow('x.json: workingDays.extraClosingDays[0]: must be a calendar date YYYY-MM-DD');
  });

  it('lists every problem, one per line', () => {
    try {
      parseProfile({ id: 'Bad Id' }, 'y.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProfileError);
      const lines = (err as Error).message.split('\n');
      expect(lines[0]).toMatch(/^y\.json: id: must be lowercase/);
      expect(lines.length).toBeGreaterThan(3);
      expect(lines.every((l) => l.startsWith('y.json: '))).toBe(true);
    }
  });
});

describe('loadProfiles from a directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'iwmo-profiles-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;

  /** A config dir with the given profile files and mapping; returns its path. */
  function configDir(profiles: Record<string, unknown>, mapping: unknown): string {
    n += 1;
    const dir = join(root, `case-${n}`);
    mkdirSync(join(dir, 'profiles'), { recursive: true });
    for (const [name, content] of Object.entries(profiles)) {
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      writeFileSync(join(dir, 'profiles', name), text);
    }
    writeFileSync(join(dir, 'gemeente-profiles.json'), JSON.stringify(mapping));
    return dir;
  }
  const mapping = { default: 'iwmo-3.2', gemeenten: {} };

  it('loads a good directory', () => {
    const dir = configDir(
      { 'iwmo-3.2.json': shipped },
      { default: 'iwmo-3.2', gemeenten: { '0599': 'iwmo-3.2' } },
    );
    expect(loadProfiles(dir).profileFor('0599').id).toBe('iwmo-3.2');
  });

  it('fails naming the file and field', () => {
    const negative = variant((p) => {
      p.id = 'x';
      (p.deadlines[2] as Record<string, unknown>).workingDays = -2;
    });
    const dir = configDir({ 'iwmo-3.2.json': shipped, 'x.json': negative }, mapping);
    expect(() => loadProfiles(dir)).toThrow(
      `${join(dir, 'profiles', 'x.json')}: deadlines[2].workingDays: must be ≥ 0`,
    );
  });

  it('fails on an unknown event', () => {
    const unknown = variant((p) => {
      (p.deadlines[4] as Record<string, unknown>).event = 'zorg-gepauzeerd';
    });
    const dir = configDir({ 'iwmo-3.2.json': unknown }, mapping);
    expect(() => loadProfiles(dir)).toThrow(
      /iwmo-3\.2\.json: deadlines\[4\]\.event: unknown event 'zorg-gepauzeerd'/,
    );
  });

  it('fails on invalid JSON, an id that does not match its file, or an empty folder', () => {
    expect(() => loadProfiles(configDir({ 'iwmo-3.2.json': '{ "id": ' }, mapping))).toThrow(
      /iwmo-3\.2\.json: invalid JSON/,
    );
    expect(() => loadProfiles(configDir({ 'other.json': shipped }, mapping))).toThrow(
      /other\.json: id: 'iwmo-3\.2' must match the file name \('other'\)/,
    );
    expect(() => loadProfiles(configDir({}, mapping))).toThrow(/no profile files/);
    expect(() => loadProfiles(join(root, 'missing'))).toThrow(/cannot read profiles/);
  });

  it('fails on a mapping to an unknown profile or a bad CBS code', () => {
    const unknownProfile = configDir(
      { 'iwmo-3.2.json': shipped },
      { default: 'iwmo-3.2', gemeenten: { '1916': 'lv' } },
    );
    expect(() => loadProfiles(unknownProfile)).toThrow(
      /gemeente-profiles\.json: gemeenten\.1916: unknown profile 'lv' \(known: iwmo-3\.2\)/,
    );
    const badCode = configDir(
      { 'iwmo-3.2.json': shipped },
      { default: 'iwmo-3.2', gemeenten: { '191': 'iwmo-3.2' } },
    );
    expect(() => loadProfiles(badCode)).toThrow(
      /gemeente-profiles\.json: gemeenten\.191: CBS gemeentecode is 4 digits/,
    );
    const noDefault = configDir({ 'iwmo-3.2.json': shipped }, { gemeenten: {} });
    expect(() => loadProfiles(noDefault)).toThrow(/gemeente-profiles\.json: default:/);
  });
});
