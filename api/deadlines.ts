import { createRoute, z } from '@hono/zod-openapi';
import { amsterdamDateOf } from '../calendar/amsterdam';
import { type ProfileRegistry, party } from '../calendar/profile';
import { workingDaysBetween } from '../calendar/working-days';
import type { DatabaseHandle } from '../db';
import { type DeadlinePosition, type DeadlineRecord, listDeadlines } from '../db/queries/assignments';
import { agbCode, gemeenteCode } from '../iwmo/identifier-schemas';
import { deadlinePageSchema, type deadlineRowSchema } from './assignment-schemas';
import { booleanParam, cursorParam, decodeCursor, encodeCursor, positionDate, positionText } from './cursor';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';

/*
 * GET /v1/deadlines: every open deadline of the caller's assignments, earliest due first, from the read
 * model (one row per entry of assignments.open_deadlines). `overdue=true` is "its last day is before
 * today" in Europe/Amsterdam — what the workflow escalates on — computed at request time.
 */

export interface DeadlineRouteDeps {
  database: DatabaseHandle;
  /** Protocol profiles (config/): whose working days count each deadline. */
  profiles: ProfileRegistry;
  /** Today in Europe/Amsterdam; default from the clock. */
  today?: () => string;
}

const positionSchema = z.tuple([positionDate, positionText(40), positionText(60)]);

const listRoute = createRoute({
  operationId: 'listDeadlines',
  method: 'get',
  path: '/',
  tags: ['assignments'],
  summary: 'Open deadlines of your assignments, earliest due first',
  security: bearerSecurity,
  request: {
    query: z.object({
      overdue: booleanParam.openapi({ description: 'true: last day before today; false: still on time' }),
      owner: party.optional().openapi({ description: 'who owes the action' }),
      gemeente: gemeenteCode.optional(),
      aanbieder: agbCode.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: cursorParam(positionSchema),
    }),
  },
  responses: {
    200: jsonContent(deadlinePageSchema, 'one page of open deadlines'),
    ...errorResponses(401, 422, 429),
  },
});

/**
 * The calendar of the profile the assignment runs under (the read model's `profile`, which the workflow
 * escalates with), or of its gemeente's profile should that id be gone from the configuration.
 */
function calendarOf(profiles: ProfileRegistry, d: DeadlineRecord) {
  return (profiles.profiles.get(d.profile) ?? profiles.profileFor(d.gemeente)).workingDays;
}

function present(
  d: DeadlineRecord,
  today: string,
  profiles: ProfileRegistry,
): z.infer<typeof deadlineRowSchema> {
  const calendar = calendarOf(profiles, d);
  return {
    workflowId: d.workflowId,
    gemeente: d.gemeente,
    aanbieder: d.aanbieder,
    toewijzingNummer: d.toewijzingNummer,
    deadlineId: d.id,
    action: d.action,
    owner: d.owner as 'aanbieder' | 'gemeente',
    rule: d.rule,
    due: d.due,
    escalated: d.escalated,
    overdue: d.due < today,
    // Half-open (from, to] as the workflow counts lateness: the last day itself is still on time.
    lateWorkingDays: d.due < today ? workingDaysBetween(d.due, today, calendar) : 0,
    workingDaysLeft: d.due > today ? workingDaysBetween(today, d.due, calendar) : 0,
    profile: d.profile,
  };
}

export function deadlineRoutes(deps: DeadlineRouteDeps) {
  const today = deps.today ?? (() => amsterdamDateOf(new Date()));
  return createRouter().openapi(listRoute, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    const at = cursor ? decodeCursor(positionSchema, cursor) : undefined;
    const after: DeadlinePosition | undefined = at && { due: at[0], workflowId: at[1], id: at[2] };
    const day = today();
    const page = await listDeadlines(deps.database.db, c.get('principal'), filter, {
      limit,
      today: day,
      ...(after && { after }),
    });
    const nextCursor = page.next ? encodeCursor([page.next.due, page.next.workflowId, page.next.id]) : null;
    return c.json({ items: page.items.map((d) => present(d, day, deps.profiles)), nextCursor }, 200);
  });
}
