import { z } from '@hono/zod-openapi';
import { carriableTextProblem, defaultMaxTextLength, textRuleMessages } from '../iwmo/text-rules';

/*
 * The one string type of the API: every string a client sends (JSON body, query, path, cursor content)
 * is text PostgreSQL and XML can carry, bounded in length (iwmo/text-rules.ts). Without it a NUL is
 * accepted and fails later — a 500 from the database, or an eventId that poisons a workflow's history.
 */

/** A string field of at most `max` characters that PostgreSQL and XML can carry. */
export function safeText(max = defaultMaxTextLength) {
  return z
    .string()
    .max(max)
    .superRefine((text, ctx) => {
      const broken = carriableTextProblem(text, max);
      // Length is zod's own too_big issue above; report only the character rules here.
      if (broken && broken !== 'too-long')
        ctx.addIssue({ code: 'custom', message: textRuleMessages[broken] });
    });
}
