import { describeTerm } from './claim-terms';
import type { ProtocolProfile } from './profile';

/*
 * The iWmo 3.2 standard's own terms and billing rules (domain brief §3.5), as the yardstick a profile is
 * compared with at start-up: every local rule that departs from the standard is listed beside the rule
 * it replaces, so a contract's deviations are visible in the log and not buried in a JSON file.
 */

interface StandardTerm {
  /** What the standard says, in words. */
  term: string;
  rule: string;
  /** Working days, when the standard has a number of them. */
  workingDays?: number;
  weeks?: number;
}

/** The standard's term per "event → action"; actions the standard leaves to the contract say so. */
export const standardTerms: Readonly<Record<string, StandardTerm>> = {
  '301-ontvangen → verstuur-302': { term: '3 working days', rule: 'OP090', workingDays: 3 },
  'zorg-gestart → verstuur-305': { term: '5 working days after the start', rule: 'OP271', workingDays: 5 },
  '305-ontvangen → verstuur-306': { term: '3 working days', rule: 'OP090', workingDays: 3 },
  'zorg-gestopt → verstuur-307': { term: '5 working days after the end', rule: 'OP272', workingDays: 5 },
  '307-ontvangen → verstuur-308': { term: '3 working days', rule: 'OP090', workingDays: 3 },
  '315-ontvangen → verstuur-316': { term: '3 working days', rule: 'OP090', workingDays: 3 },
  '315-ontvangen → verstuur-301-of-319': { term: '5 working days', rule: 'OP274', workingDays: 5 },
  '317-ontvangen → verstuur-318': { term: '3 working days', rule: 'OP090', workingDays: 3 },
  '317-ontvangen → verstuur-301-of-319': { term: '5 working days', rule: 'OP346', workingDays: 5 },
  '319-in-onderzoek-verzonden → verstuur-definitief-antwoord': {
    term: '8 weeks from the request',
    rule: 'OP274/OP346',
    weeks: 8,
  },
  '319-ontvangen → verstuur-320': { term: '3 working days', rule: 'OP090', workingDays: 3 },
  '323-ontvangen → verstuur-325': { term: '10 working days', rule: 'OP090x4', workingDays: 10 },
};

/** Actions the standard has no term for (left to the contract; domain brief §0.7, §3.5). */
const contractOnly: Readonly<Record<string, string>> = {
  'verstuur-323': 'no term: by agreement, in the next or a later period (OP354)',
  'verstuur-correctie': 'no term: resubmission is not in the standard (SAP)',
  betaling: 'no term: payment is not in the standard (contract/SAP)',
};

export interface Departure {
  /** The profile's rule, e.g. "323-ontvangen → verstuur-325: 15 working days (protocol LV 2019)". */
  local: string;
  /** The standard's rule it replaces, e.g. "10 working days (OP090x4)". */
  replaces: string;
}

function deadlineDepartures(profile: ProtocolProfile): Departure[] {
  const out: Departure[] = [];
  const present = new Set<string>();
  for (const d of profile.deadlines) {
    const key = `${d.event} → ${d.action}`;
    present.add(key);
    const std = standardTerms[key];
    const local = `${key}: ${describeTerm(d)} (${d.rule})`;
    if (!std) {
      const replaces = contractOnly[d.action] ?? 'nothing: the standard has no such term';
      out.push({ local, replaces });
    } else if (std.workingDays !== d.workingDays || std.weeks !== d.weeks || d.monthEnds !== undefined) {
      out.push({ local, replaces: `${std.term} (${std.rule})` });
    }
  }
  for (const [key, std] of Object.entries(standardTerms)) {
    if (!present.has(key)) out.push({ local: `${key}: no term`, replaces: `${std.term} (${std.rule})` });
  }
  return out;
}

/** Every rule of `profile` that departs from iWmo 3.2, beside the standard's rule it replaces. */
export function departuresFromStandard(profile: ProtocolProfile): Departure[] {
  const out = deadlineDepartures(profile);
  if (profile.billing.calendar !== 'month') {
    out.push({
      local: `amounts per ${profile.billing.calendar} period, split over the months (docs/claims.md)`,
      replaces: 'amounts per calendar month; the message period stays one month (CS340, IV089)',
    });
  }
  if (profile.billing.periodsPerMessage === 'one') {
    out.push({
      local: 'one period per 323: periods are never saved up into a later message',
      replaces: 'earlier periods may be declared in a later 323 (OP280, TR319, OP354)',
    });
  }
  return out;
}
