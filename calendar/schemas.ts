import { z } from 'zod';
import { tryParseIsoDate } from './iso-date';
import type { BillingCalendar } from './periods';

/*
 * zod schemas of the calendar's plain types, for configuration and API boundaries. Kept apart from the
 * arithmetic so that workflow code importing dates and periods does not load zod: the workflow sandbox
 * evaluates every module it imports again for each cached workflow (bench/README.md, memory per workflow).
 */

/** An IsoDate: the format and a day that exists (no 2023-02-29). */
export const isoDate = z
  .string()
  .refine((text) => tryParseIsoDate(text) !== undefined, 'must be a calendar date YYYY-MM-DD');

export const billingCalendar = z.enum(['month', 'cak4w'] as const satisfies readonly BillingCalendar[]);
