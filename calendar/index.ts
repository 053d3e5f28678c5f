/*
 * calendar/: pure time rules for iwmo-flow — dates, working days, Europe/Amsterdam day boundaries,
 * billing periods and the deadlines of a protocol profile. No I/O and no clock: safe in workflows.
 * See docs/calendar.md for the counting convention.
 */

export {
  amsterdamDateOf,
  amsterdamUtcOffsetMinutes,
  endOfAmsterdamDay,
  isAmsterdamSummerTime,
  startOfAmsterdamDay,
} from './amsterdam';
export {
  type ClaimAction,
  type ClaimTerm,
  type ClaimTerms,
  claimActions,
  claimTerms,
  describeTerm,
} from './claim-terms';
export { DeadlineBook, type OpenOptions, type TrackedDeadline } from './deadline-book';
export {
  correctionTerm,
  type DeadlineEffects,
  deadlinesFor,
  dueDate,
  endOfMonthsAfter,
  type OpenedDeadline,
  paymentTerm,
} from './deadlines';
export { type AtwEquatedDaysRule, atwEquatedDaysOf, atwPatternDays } from './equated-days';
export { easterSunday, koningsdag } from './feast-dates';
export {
  atwHolidayRules,
  type Holiday,
  type HolidayName,
  type HolidayRules,
  holidayNames,
  holidaysOf,
  isHoliday,
} from './holidays';
export {
  addDays,
  compareIsoDates,
  daysBetween,
  fromEpochDay,
  type IsoDate,
  isoWeekday,
  makeIsoDate,
  maxIsoDate,
  minIsoDate,
  parseIsoDate,
  toEpochDay,
} from './iso-date';
export {
  type BillingCalendar,
  type IsoWeek,
  isoWeekMonday,
  isoWeekOf,
  isoWeeksInYear,
  nextPeriod,
  nextPeriodEnd,
  type Period,
  periodByNumber,
  periodOf,
  periodsOfYear,
  periodsOverlapping,
} from './periods';
export {
  createProfileRegistry,
  type DeadlineAction,
  type DeadlineRule,
  deadlineAction,
  deadlineActionDescriptions,
  deadlineRule,
  type GemeenteProfiles,
  gemeenteProfiles,
  type LifecycleEvent,
  type LifecycleEventType,
  lifecycleEvent,
  lifecycleEventDescriptions,
  lifecycleEventType,
  type Party,
  ProfileError,
  type ProfileRegistry,
  type ProtocolProfile,
  parseGemeenteProfiles,
  parseProfile,
  party,
  protocolProfile,
} from './profile';
export {
  missingRequestTerms,
  type RequestAction,
  type RequestTerm,
  type RequestTerms,
  requestActions,
  requestTerm,
  requestTerms,
} from './request-terms';
export { billingCalendar, isoDate } from './schemas';
export { type Departure, departuresFromStandard, standardTerms } from './standard';
export { addWorkingDays, isWorkingDay, workingDayOnOrAfter, workingDaysBetween } from './working-days';
