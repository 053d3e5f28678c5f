import type { HolidayRules } from './holidays';
import { addDays, daysInMonth, formatIsoDate, type IsoDate, parseIsoDate } from './iso-date';
import type {
  DeadlineAction,
  DeadlineRule,
  LifecycleEvent,
  LifecycleEventType,
  Party,
  ProtocolProfile,
} from './profile';
import { addWorkingDays } from './working-days';

/*
 * What a lifecycle event does to the open deadlines, under a profile. Pure: the workflow keeps the
 * list of open deadlines, calls deadlinesFor for each event, drops the ones the event closes, adds
 * the ones it opens and sets a timer at endOfAmsterdamDay(due) for each.
 */

export interface OpenedDeadline {
  action: DeadlineAction;
  owner: Party;
  rule: string;
  /** The day the term counts from (it does not count itself). */
  from: IsoDate;
  /** Last day to act; the deadline passes at the end of this day, Europe/Amsterdam. */
  due: IsoDate;
  closedBy: LifecycleEventType[];
  description?: string;
}

export interface DeadlineEffects {
  /** Deadlines this event opens, in profile order. */
  opens: OpenedDeadline[];
  /** Actions whose open deadlines this event satisfies (distinct, in profile order). */
  closes: DeadlineAction[];
}

/** The last day of the n-th calendar month after the month of `date` (n = 0: that month's last day). */
export function endOfMonthsAfter(date: IsoDate, n: number): IsoDate {
  const { year, month } = parseIsoDate(date);
  const index = year * 12 + (month - 1) + n;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatIsoDate({ year: y, month: m, day: daysInMonth(y, m) });
}

/**
 * The due date of a rule counted from `from`: n working days under the profile's holiday rules (the
 * day `from` does not count), n calendar weeks (same weekday, n × 7 days later), or the end of the
 * n-th month after `from`'s month.
 */
export function dueDate(
  from: IsoDate,
  rule: Pick<DeadlineRule, 'workingDays' | 'weeks' | 'monthEnds'>,
  rules: HolidayRules,
): IsoDate {
  if (rule.workingDays !== undefined) return addWorkingDays(from, rule.workingDays, rules);
  if (rule.weeks !== undefined) return addDays(from, 7 * rule.weeks);
  if (rule.monthEnds !== undefined) return endOfMonthsAfter(from, rule.monthEnds);
  throw new RangeError('deadline rule has no term (workingDays, weeks or monthEnds)');
}

function countFrom(event: LifecycleEvent, rule: DeadlineRule): IsoDate {
  if (rule.from === 'event') return event.date;
  if (!event.aanvraagDagtekening) {
    throw new RangeError(
      `${rule.action} (${rule.rule}) counts from the aanvraag's dagtekening; '${event.type}' has none`,
    );
  }
  return event.aanvraagDagtekening;
}

/** The deadlines `event` opens and the actions it closes under `profile`. */
export function deadlinesFor(event: LifecycleEvent, profile: ProtocolProfile): DeadlineEffects {
  const opens = profile.deadlines
    .filter((rule) => rule.event === event.type)
    .map((rule): OpenedDeadline => {
      const from = countFrom(event, rule);
      return {
        action: rule.action,
        owner: rule.owner,
        rule: rule.rule,
        from,
        due: dueDate(from, rule, profile.workingDays),
        closedBy: [...rule.closedBy],
        ...(rule.description === undefined ? {} : { description: rule.description }),
      };
    });
  const closes = [
    ...new Set(
      profile.deadlines.filter((rule) => rule.closedBy.includes(event.type)).map((rule) => rule.action),
    ),
  ];
  return { opens, closes };
}

/** The profile's rule for an action, if it has one; the standard itself has none for the two below. */
function ruleFor(profile: ProtocolProfile, action: DeadlineAction): DeadlineRule | undefined {
  return profile.deadlines.find((rule) => rule.action === action);
}

/** Correction term after a 325 with rejections (contract only; undefined under plain iWmo 3.2). */
export function correctionTerm(profile: ProtocolProfile): DeadlineRule | undefined {
  return ruleFor(profile, 'verstuur-correctie');
}

/** Payment term after lines are awarded (contract/SAP only; undefined under plain iWmo 3.2). */
export function paymentTerm(profile: ProtocolProfile): DeadlineRule | undefined {
  return ruleFor(profile, 'betaling');
}
