import { z } from 'zod';
import { gemeenteCode } from '../iwmo/identifier-schemas';
import { isGemeenteCode } from '../iwmo/identifiers';
import { atwPatternDays } from './equated-days';
import { holidayNames } from './holidays';
import { type IsoDate, isoWeekday, tryParseIsoDate } from './iso-date';
import { billingCalendar, isoDate } from './schemas';

/*
 * Protocol profiles: every deadline of the lifecycle, the billing calendar and the working-day rules
 * as data, so a municipality's contract is configuration and the workflow has no numbers of its own.
 * Profiles are plain JSON (config/profiles/*.json) validated here; the loader lives in config/.
 */

/**
 * What can happen in the lifecycle of one toewijzing. Deadlines open on one of these and close on
 * others. '…-ontvangen' = received by the party that must answer; '…-verzonden' = sent.
 */
export const lifecycleEventDescriptions = {
  '301-ontvangen': 'aanbieder received a toewijzing (WMO301)',
  '301-verzonden': 'gemeente sent a toewijzing (WMO301), e.g. in answer to a 315/317',
  '302-verzonden': 'aanbieder sent the retour on a 301',
  'zorg-gestart':
    'care actually started; date = the start date, or the 301 receipt date when the toewijzing came later (retroactive, OP271)',
  '305-verzonden': 'aanbieder sent a start zorg (WMO305)',
  '305-ontvangen': 'gemeente received a WMO305',
  '306-verzonden': 'gemeente sent the retour on a 305',
  'zorg-gestopt':
    'care actually ended; date = the end date, or the day a definitive stop after a temporary one became known (OP272)',
  '307-verzonden': 'aanbieder sent a stop zorg (WMO307)',
  '307-ontvangen': 'gemeente received a WMO307',
  '308-verzonden': 'gemeente sent the retour on a 307',
  '315-ontvangen': 'gemeente received a verzoek om toewijzing (WMO315)',
  '316-verzonden': 'gemeente sent the retour on a 315',
  '317-ontvangen': 'gemeente received a verzoek om wijziging (WMO317)',
  '318-verzonden': 'gemeente sent the retour on a 317',
  '319-verzonden': 'gemeente sent a definitive antwoord (WMO319) on a 315/317',
  '319-in-onderzoek-verzonden': 'gemeente sent a WMO319 "in onderzoek"; the final answer is still owed',
  '319-ontvangen': 'aanbieder received a WMO319',
  '320-verzonden': 'aanbieder sent the retour on a 319',
  'declaratieperiode-geeindigd': 'a billing period ended; date = its last day',
  '323-verzonden': 'aanbieder sent a declaratie (WMO323)',
  '323-ontvangen': 'gemeente received a WMO323',
  '325-verzonden': 'gemeente sent the declaratie-antwoord (WMO325)',
  '325-ontvangen-met-afwijzingen': 'aanbieder received a 325 that rejects lines',
  'correctie-verzonden': 'aanbieder sent a 323 with the corrected (credit + new debit) lines',
  'declaratie-toegekend': 'lines were awarded in a 325; date = the 325 date',
  'betaling-verricht': 'gemeente paid the awarded lines',
} as const;

type EventKey = keyof typeof lifecycleEventDescriptions;
const eventKeys = Object.keys(lifecycleEventDescriptions) as [EventKey, ...EventKey[]];

export const lifecycleEventType = z.enum(eventKeys, {
  error: (issue) => `unknown event '${String(issue.input)}'`,
});
export type LifecycleEventType = z.infer<typeof lifecycleEventType>;

/** Something that happened to a toewijzing, and when (its zod schema is `lifecycleEvent` below). */
export interface LifecycleEvent {
  type: LifecycleEventType;
  /** The day it happened (receipt date, start/end date of care, last day of the period, …). */
  date: IsoDate;
  /** Dagtekening of the 315/317 being answered; needed by rules counted from it (OP274/OP346). */
  aanvraagDagtekening?: IsoDate;
}

/** Something the owner of a deadline has to do. */
export const deadlineActionDescriptions = {
  'verstuur-302': 'aanbieder answers a 301 with a retour',
  'verstuur-305': 'aanbieder reports the start of care',
  'verstuur-306': 'gemeente answers a 305 with a retour',
  'verstuur-307': 'aanbieder reports the end of care',
  'verstuur-308': 'gemeente answers a 307 with a retour',
  'verstuur-316': 'gemeente answers a 315 with a retour',
  'verstuur-318': 'gemeente answers a 317 with a retour',
  'verstuur-320': 'aanbieder answers a 319 with a retour',
  'verstuur-301-of-319': 'gemeente answers a 315/317 with a toewijzing (301) or an antwoord (319)',
  'verstuur-definitief-antwoord': 'gemeente gives the final answer (301 or 319) after "in onderzoek"',
  'verstuur-323': 'aanbieder declares a billing period',
  'verstuur-325': 'gemeente answers a 323 (seed protocols: the 304)',
  'verstuur-correctie': 'aanbieder corrects rejected declaration lines',
  betaling: 'gemeente pays the awarded lines',
} as const;

type ActionKey = keyof typeof deadlineActionDescriptions;
const actionKeys = Object.keys(deadlineActionDescriptions) as [ActionKey, ...ActionKey[]];

export const deadlineAction = z.enum(actionKeys, {
  error: (issue) => `unknown action '${String(issue.input)}'`,
});
export type DeadlineAction = z.infer<typeof deadlineAction>;

export const party = z.enum(['aanbieder', 'gemeente'], {
  error: (issue) => `must be 'aanbieder' or 'gemeente', got '${String(issue.input)}'`,
});
export type Party = z.infer<typeof party>;

const count = z.number().int('must be a whole number').min(0, 'must be ≥ 0');

export const deadlineRule = z
  .object({
    /** The event that opens the deadline. */
    event: lifecycleEventType,
    action: deadlineAction,
    /**
     * The term: exactly one of workingDays, weeks (calendar weeks) and monthEnds (the last day of the
     * n-th calendar month after the event's month: "by the end of the next month" is 1).
     */
    workingDays: count.optional(),
    weeks: count.optional(),
    monthEnds: count.optional(),
    /**
     * What the term counts from: the event's date (default), or the dagtekening of the 315/317 it
     * answers (OP274/OP346: "8 weeks from the request's dagtekening").
     */
    from: z.enum(['event', 'aanvraag-dagtekening']).default('event'),
    owner: party,
    /** The standard's rule id (e.g. 'OP090') or a contract reference. */
    rule: z.string().min(1, 'must name the rule or contract clause'),
    /** Events that satisfy the deadline. */
    closedBy: z.array(lifecycleEventType).min(1, 'must name at least one closing event'),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const terms = [rule.workingDays, rule.weeks, rule.monthEnds].filter((t) => t !== undefined);
    if (terms.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'needs exactly one of workingDays, weeks or monthEnds' });
    }
    if (rule.closedBy.includes(rule.event)) {
      ctx.addIssue({
        code: 'custom',
        path: ['closedBy'],
        message: `must not contain the opening event '${rule.event}'`,
      });
    }
  });
export type DeadlineRule = z.infer<typeof deadlineRule>;

/**
 * Opt-in to the days equated with holidays under art. 3(3) Atw (calendar/equated-days.ts), computed by
 * the decrees' pattern; `add` and `remove` correct single days where a decree differs. Each correction
 * must change something, so a typo cannot silently do nothing.
 */
export const atwEquatedDaysRule = z
  .object({
    add: z.array(isoDate).default([]),
    remove: z.array(isoDate).default([]),
  })
  .strict()
  .superRefine((rule, ctx) => {
    // Dates that failed isoDate already have their issue; zod still runs this refinement.
    const patternOf = (date: string) => {
      const civil = tryParseIsoDate(date);
      return civil ? atwPatternDays(civil.year) : undefined;
    };
    rule.remove.forEach((date, i) => {
      const pattern = patternOf(date);
      if (pattern && !pattern.includes(date)) {
        const message = `${date} is not a day the Atw pattern equates (that year: ${pattern.join(', ')})`;
        ctx.addIssue({ code: 'custom', path: ['remove', i], message });
      }
    });
    rule.add.forEach((date, i) => {
      const pattern = patternOf(date);
      if (!pattern) return;
      const message =
        isoWeekday(date) > 5
          ? `${date} is a weekend day: only Monday–Friday can be equated`
          : pattern.includes(date)
            ? `${date} is already equated by the Atw pattern`
            : undefined;
      if (message) ctx.addIssue({ code: 'custom', path: ['add', i], message });
    });
  });

export const holidayRules = z
  .object({
    bevrijdingsdag: z.enum(['every-year', 'lustrum', 'never']).default('every-year'),
    omit: z.array(z.enum(holidayNames)).default([]),
    extraClosingDays: z.array(isoDate).default([]),
    /** Absent: no equated days (the default profiles; see docs/calendar.md). */
    atwEquatedDays: atwEquatedDaysRule.optional(),
  })
  .strict();

export const protocolProfile = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be lowercase letters, digits, dots and dashes'),
    name: z.string().min(1),
    /** Where the rules come from (standard release, contract, protocol). */
    source: z.string().min(1),
    workingDays: holidayRules.default({ bevrijdingsdag: 'every-year', omit: [], extraClosingDays: [] }),
    billing: z
      .object({
        /**
         * The basis of the amounts: 'month' (iWmo 3.2) or 'cak4w' (4-week CAK period amounts, split over
         * the months; docs/claims.md). The 323's DeclaratiePeriode is a calendar month either way (CS340).
         */
        calendar: billingCalendar,
        /**
         * 'several': a 323 may also carry lines of earlier, not yet declared periods (OP280/TR319, OP354);
         * 'one': every period is declared on its own, never saved up into a later message.
         */
        periodsPerMessage: z.enum(['one', 'several']).default('several'),
        /**
         * The claims batch's collection window: its 323 goes out this many working days after the period
         * end (late hand-overs still make it), but never after the submission term. Absent: 3.
         */
        submitAfterWorkingDays: count.optional(),
      })
      .strict(),
    deadlines: z.array(deadlineRule),
    /**
     * Actions this profile deliberately has no term for, each with the reason (e.g. the standard has
     * none), so a workflow can say "the profile has none" instead of guessing. An action is either
     * here or in deadlines, not both.
     */
    noTerm: z.partialRecord(deadlineAction, z.string().min(1, 'must say why there is no term')).default({}),
    /** Who is told when a deadline owned by this party is missed (addresses live in deployment config). */
    escalation: z
      .object({
        aanbieder: z.array(party).min(1, 'must name at least one recipient'),
        gemeente: z.array(party).min(1, 'must name at least one recipient'),
      })
      .strict(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    // One rule per (event, action): a second one would silently open a duplicate deadline.
    const seen = new Set<string>();
    profile.deadlines.forEach((d, i) => {
      const key = `${d.event} → ${d.action}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['deadlines', i], message: `duplicate rule ${key}` });
      seen.add(key);
    });
    for (const action of Object.keys(profile.noTerm)) {
      if (profile.deadlines.some((d) => d.action === action))
        ctx.addIssue({
          code: 'custom',
          path: ['noTerm', action],
          message: `'${action}' has a deadline and is listed as having no term`,
        });
    }
  });
export type ProtocolProfile = z.infer<typeof protocolProfile>;

/** config/gemeente-profiles.json: which profile applies to which municipality. */
export const gemeenteProfiles = z
  .object({
    default: z.string().min(1),
    gemeenten: z.record(gemeenteCode, z.string().min(1)).default({}),
  })
  .strict();
export type GemeenteProfiles = z.infer<typeof gemeenteProfiles>;

/** A profile or mapping file broke a rule; the message names the file and the field. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** 'deadlines[2].workingDays' from ['deadlines', 2, 'workingDays']. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

function parseWith<T extends z.ZodType>(schema: T, data: unknown, sourceName: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return `${sourceName}: ${path ? `${path}: ` : ''}${issueMessage(issue)}`;
  });
  throw new ProfileError(lines.join('\n'));
}

/** Validates one profile; throws ProfileError naming `sourceName` and each bad field. */
export function parseProfile(data: unknown, sourceName: string): ProtocolProfile {
  return parseWith(protocolProfile, data, sourceName);
}

export function parseGemeenteProfiles(data: unknown, sourceName: string): GemeenteProfiles {
  return parseWith(gemeenteProfiles, data, sourceName);
}

export interface ProfileRegistry {
  readonly profiles: ReadonlyMap<string, ProtocolProfile>;
  /** The profile for a municipality (CBS code), the default one when it has no entry of its own. */
  profileFor(gemeenteCode: string): ProtocolProfile;
  /** A profile by id; throws when there is none. */
  profile(id: string): ProtocolProfile;
}

/**
 * Joins profiles and the municipality mapping, checking that every profile the mapping names exists
 * (`mappingSource` names the mapping file in the error).
 */
export function createProfileRegistry(
  profiles: readonly ProtocolProfile[],
  mapping: GemeenteProfiles,
  mappingSource: string,
): ProfileRegistry {
  const byId = new Map<string, ProtocolProfile>();
  for (const p of profiles) {
    if (byId.has(p.id)) throw new ProfileError(`two profiles have the id '${p.id}'`);
    byId.set(p.id, p);
  }
  const known = [...byId.keys()].join(', ');
  const references: [string, string][] = [
    ['default', mapping.default],
    ...Object.entries(mapping.gemeenten).map(([code, id]): [string, string] => [`gemeenten.${code}`, id]),
  ];
  const missing = references
    .filter(([, id]) => !byId.has(id))
    .map(([path, id]) => `${mappingSource}: ${path}: unknown profile '${id}' (known: ${known})`);
  if (missing.length > 0) throw new ProfileError(missing.join('\n'));

  const profile = (id: string): ProtocolProfile => {
    const found = byId.get(id);
    if (!found) throw new ProfileError(`unknown profile '${id}' (known: ${known})`);
    return found;
  };
  return {
    profiles: byId,
    profile,
    profileFor: (gemeenteCode) => {
      if (!isGemeenteCode(gemeenteCode)) throw new RangeError(`not a CBS gemeentecode: '${gemeenteCode}'`);
      return profile(mapping.gemeenten[gemeenteCode] ?? mapping.default);
    },
  };
}

/** zod schema of a LifecycleEvent, for callers that take one from outside. */
export const lifecycleEvent = z.object({
  type: lifecycleEventType,
  date: isoDate,
  aanvraagDagtekening: isoDate.optional(),
}) satisfies z.ZodType<LifecycleEvent>;
