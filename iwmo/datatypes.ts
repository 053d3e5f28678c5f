import { z } from 'zod';
import { isValidDate, timePattern } from './lexical';

export { isValidDate } from './lexical';

/** zod for LDT_Datum: a calendar date, YYYY-MM-DD, no time zone. */
export const isoDate = z.string().refine(isValidDate, 'datum JJJJ-MM-DD zonder tijdzone');

/** zod for LDT_Tijd: xs:time without time zone (hh:mm:ss, optional fraction; 24:00:00 is end of day). */
export const isoTime = z.string().regex(timePattern, 'tijd uu:mm:ss zonder tijdzone');
