import type { DeadlineAction, DeadlineRule, ProtocolProfile } from './profile';

/*
 * The terms of a request (315/317) read from a profile: the technical retour (316/318), the content
 * answer (301 or 319, OP274/OP346), the final answer after "in onderzoek" (8 weeks from the request's
 * dagtekening) and the provider's 320 on a 319. A term is a deadline of the profile, or an explicit
 * "none" with its reason (profile.noTerm), so a request can say which profile lacks one.
 */

export const requestActions = [
  'verstuur-316',
  'verstuur-318',
  'verstuur-301-of-319',
  'verstuur-definitief-antwoord',
  'verstuur-320',
] as const;
export type RequestAction = (typeof requestActions)[number];

export type RequestTerm =
  | { action: RequestAction; kind: 'term'; rule: DeadlineRule }
  | { action: RequestAction; kind: 'none'; profileId: string; reason: string };

/** The profile's rule for an action, or its stated reason for having none. */
export function requestTerm(profile: ProtocolProfile, action: RequestAction): RequestTerm {
  const rule = profile.deadlines.find((d) => d.action === action);
  if (rule) return { action, kind: 'term', rule };
  const reason =
    profile.noTerm[action as DeadlineAction] ?? `profile '${profile.id}' has no term for ${action}`;
  return { action, kind: 'none', profileId: profile.id, reason };
}

export interface RequestTerms {
  /** 316 on a 315 (OP090). */
  retour315: RequestTerm;
  /** 318 on a 317 (OP090). */
  retour317: RequestTerm;
  /** 301 or 319 after a 315/317 (OP274/OP346). */
  answer: RequestTerm;
  /** Final answer after a 319 "in onderzoek", counted from the request's dagtekening. */
  finalAnswer: RequestTerm;
  /** The provider's 320 on a 319 (OP090). */
  retour319: RequestTerm;
}

export function requestTerms(profile: ProtocolProfile): RequestTerms {
  return {
    retour315: requestTerm(profile, 'verstuur-316'),
    retour317: requestTerm(profile, 'verstuur-318'),
    answer: requestTerm(profile, 'verstuur-301-of-319'),
    finalAnswer: requestTerm(profile, 'verstuur-definitief-antwoord'),
    retour319: requestTerm(profile, 'verstuur-320'),
  };
}

/** The actions of a request `profile` has no term for, each with the reason the profile gives. */
export function missingRequestTerms(
  profile: ProtocolProfile,
): { action: RequestAction; profileId: string; reason: string }[] {
  return requestActions
    .map((action) => requestTerm(profile, action))
    .filter((t) => t.kind === 'none')
    .map(({ action, profileId, reason }) => ({ action, profileId, reason }));
}
