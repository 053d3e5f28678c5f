import type { DeadlineAction, DeadlineRule, ProtocolProfile } from './profile';

/*
 * The terms of the claim half of the lifecycle, read from a profile: submitting a 323 after a period,
 * the 325 answer, correcting rejected lines and payment. A term is a deadline of the profile, or an
 * explicit "none" with its reason (profile.noTerm), so the state can say the profile has none.
 */

export const claimActions = ['verstuur-323', 'verstuur-325', 'verstuur-correctie', 'betaling'] as const;
export type ClaimAction = (typeof claimActions)[number];

export type ClaimTerm =
  | { action: ClaimAction; kind: 'term'; rule: DeadlineRule }
  | { action: ClaimAction; kind: 'none'; reason: string };

function termOf(profile: ProtocolProfile, action: ClaimAction): ClaimTerm {
  const rule = profile.deadlines.find((d) => d.action === action);
  if (rule) return { action, kind: 'term', rule };
  const reason =
    profile.noTerm[action as DeadlineAction] ?? `profile '${profile.id}' has no term for ${action}`;
  return { action, kind: 'none', reason };
}

export interface ClaimTerms {
  submission: ClaimTerm;
  answer: ClaimTerm;
  correction: ClaimTerm;
  payment: ClaimTerm;
  /** The basis of the amounts (month or CAK 4-week period). */
  amountBasis: ProtocolProfile['billing']['calendar'];
  /** Whether a 323 may carry earlier, not yet declared periods. */
  periodsPerMessage: ProtocolProfile['billing']['periodsPerMessage'];
}

export function claimTerms(profile: ProtocolProfile): ClaimTerms {
  return {
    submission: termOf(profile, 'verstuur-323'),
    answer: termOf(profile, 'verstuur-325'),
    correction: termOf(profile, 'verstuur-correctie'),
    payment: termOf(profile, 'betaling'),
    amountBasis: profile.billing.calendar,
    periodsPerMessage: profile.billing.periodsPerMessage,
  };
}

/** "15 working days", "8 weeks", "end of month +1". */
export function describeTerm(rule: Pick<DeadlineRule, 'workingDays' | 'weeks' | 'monthEnds'>): string {
  if (rule.workingDays !== undefined) return `${rule.workingDays} working days`;
  if (rule.weeks !== undefined) return `${rule.weeks} weeks`;
  return `end of month +${rule.monthEnds}`;
}
