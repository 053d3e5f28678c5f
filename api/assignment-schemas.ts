import { z } from '@hono/zod-openapi';
import { deadlineAction, lifecycleEventType, party } from '../calendar/profile';
import { isoDate } from '../calendar/schemas';
import type { AssignmentState, AssignmentStatus, EventResult } from '../contract/assignment';
import type { AssignmentClaimsState } from '../contract/assignment/claims';
import { correctionEvent, startEvent, stopEvent, toewijzingVersion } from '../contract/assignment/schemas';
import { claimLine } from '../contract/claims/schemas';
import { gemeenteCode } from '../iwmo/identifier-schemas';
import { safeText } from './text';

/*
 * The OpenAPI shapes of the assignment routes. Requests reuse the workflow contract's zod schemas (the
 * API refuses what the workflow would refuse by schema before it gets there); responses describe the
 * contract's types, and the compile-time checks at the bottom keep the two from drifting apart.
 */

export const assignmentParams = z.object({
  // A clone made now has .openapi: zod-openapi adds it to schemas built after it loaded, and iwmo/'s may predate it.
  gemeente: gemeenteCode.clone().openapi({ param: { name: 'gemeente', in: 'path' }, example: '1916' }),
  // Digits in the path, a number to the handler (z.coerce would document it as optional and nullable).
  nummer: z
    .string()
    .regex(/^[0-9]{1,9}$/, 'ToewijzingNummer is 1 to 9 digits')
    .openapi({ param: { name: 'nummer', in: 'path' }, example: '4711', description: 'ToewijzingNummer' })
    .transform(Number),
});

/*
 * The contract's schemas may be built before @hono/zod-openapi adds `.openapi()` to zod (import order),
 * so each is re-wrapped from its shape here: the same fields and checks, plus an OpenAPI name.
 */
/*
 * Strings of an event are held to what PostgreSQL and XML can carry (api/text.ts): the eventId becomes
 * the update id and lives in the workflow's history, so a NUL in it would poison the workflow. Every
 * object is strict, nested ones too: an unknown field is refused, never silently dropped.
 */
const eventId = safeText(100).min(1);
const replacement = z
  .object({
    ...correctionEvent.shape.replacement.unwrap().shape,
    redenBeeindiging: safeText(100).optional(),
  })
  .strict();

export const startEventSchema = z
  .object({ ...startEvent.shape, eventId })
  .strict()
  .openapi('StartEvent', {
    example: { eventId: 'ecd-2026-0042-start', begindatum: '2026-11-02' },
  });
export const stopEventSchema = z
  .object({ ...stopEvent.shape, eventId })
  .strict()
  .openapi('StopEvent', {
    example: { eventId: 'ecd-2026-0042-stop', einddatum: '2026-11-20', redenBeeindiging: '19' },
  });
export const correctionEventSchema = z
  .object({ ...correctionEvent.shape, eventId, replacement: replacement.optional() })
  .strict()
  .openapi('CorrectionEvent', {
    example: {
      eventId: 'ecd-2026-0042-corr',
      target: 'start',
      statusAanlevering: '3',
      begindatum: '2026-11-02',
      replacement: { begindatum: '2026-11-03' },
    },
  });

export const eventResultSchema = z
  .object({
    eventId: z.string(),
    accepted: z.literal(true),
    messages: z.array(z.string()).openapi({ example: ['305'] }),
    lateWorkingDays: z.number().int().optional(),
  })
  .openapi('EventResult');

export const assignmentStatuses = [
  'toegewezen',
  'in-zorg',
  'tijdelijk-gestopt',
  'gestopt',
  'beeindigd',
  'verwijderd',
  'afgerond',
] as const satisfies readonly AssignmentStatus[];
export const assignmentStatus = z.enum(assignmentStatuses);

const deliveryPart = z.object({
  status: z.enum(['owed', 'sent', 'approved', 'rejected', 'deleted']),
  identificatie: z.string().optional(),
  retourCodes: z.array(z.string()).optional(),
});

const deadlineStateSchema = z
  .object({
    id: z.string(),
    action: deadlineAction,
    owner: party,
    rule: z.string().openapi({ example: 'OP271' }),
    subject: z.string().optional(),
    from: isoDate,
    due: isoDate,
    closedBy: z.array(lifecycleEventType),
    status: z.enum(['open', 'met', 'cancelled']),
    escalated: z.boolean().optional(),
    lateWorkingDays: z.number().int().optional(),
    closedOn: z.string().optional(),
    reopenedBy: z.array(z.string()).optional(),
    resolved: z
      .boolean()
      .optional()
      .openapi({ description: 'met after its escalation, and the recipients told' }),
  })
  .openapi('DeadlineState');

const periode = z.object({ begindatum: z.string(), einddatum: z.string() });

/** The claims part of the state (contract/assignment/claims.ts): lines, findings, corrections, settlement. */
export const assignmentClaimsStateSchema = z
  .object({
    lines: z.array(
      z.object({
        referentieNummer: z.string(),
        maand: z.string().openapi({ example: '2026-11' }),
        batchWorkflowId: z.string().openapi({ example: 'declaratie:42420001:1916:2026-11' }),
        debetCredit: z.enum(['D', 'C']),
        productPeriode: periode,
        volume: z.number().int(),
        bedrag: z.number().int().openapi({ description: 'cents, unsigned' }),
        status: z.enum(['aangeboden', 'toegekend', 'afgewezen', 'gecrediteerd', 'opgegeven']),
        retourCodes: z.array(z.string()).optional(),
        vorigReferentieNummer: z.string().optional(),
      }),
    ),
    findings: z.array(
      z.object({ maand: z.string(), rule: z.string(), reason: z.string(), message: z.string() }),
    ),
    corrections: z.array(
      z.object({
        correctionId: z.string(),
        referentieNummer: z.string(),
        soort: z.enum(['herindienen', 'credit-en-debet', 'opgeven-voorstel']),
        retourCodes: z.array(z.string()),
        wijzigingen: z.array(z.object({ veld: z.string(), retourCode: z.string(), toelichting: z.string() })),
        // Re-wrapped (see above): the contract's schema may predate zod-openapi's extension.
        lines: z.array(z.object(claimLine.shape)),
        status: z.enum(['voorgesteld', 'bevestigd', 'opgegeven']),
        due: z.string().optional(),
        termijn: z.string().optional(),
        controleNodig: z.boolean().optional(),
        teruggegeven: z.object({ rule: z.string(), reason: z.string() }).optional(),
      }),
    ),
    settlement: z
      .object({
        on: z.string(),
        totaal: z.number().int(),
        lines: z.array(
          z.object({
            referentieNummer: z.string(),
            debetCredit: z.enum(['D', 'C']),
            bedrag: z.number().int(),
          }),
        ),
        paymentDue: z.string().optional(),
        payments: z.array(
          z.object({
            eventId: z.string(),
            betaaldatum: z.string(),
            bedrag: z.number().int(),
            kenmerk: z.string().optional(),
          }),
        ),
        status: z.enum(['open', 'betaald', 'te-laat']),
      })
      .optional(),
    waitingFor: z.string().optional(),
  })
  .openapi('AssignmentClaimsState');

export const assignmentStateSchema = z
  .object({
    workflowId: z.string().openapi({ example: 'wmo:1916:4711' }),
    status: assignmentStatus,
    toewijzing: z.object(toewijzingVersion.shape).openapi('ToewijzingVersion'),
    versions: z.array(
      z.object({
        toewijzingsdatum: z.string(),
        toewijzingstijd: z.string(),
        messageId: z.string(),
        applied: z.boolean(),
        reason: z.string().optional(),
      }),
    ),
    deliveries: z.array(
      z.object({
        begindatum: z.string(),
        einddatum: z.string().optional(),
        redenBeeindiging: z.string().optional(),
        start: deliveryPart,
        stop: deliveryPart.optional(),
      }),
    ),
    deadlines: z.array(deadlineStateSchema),
    messages: z.array(
      z.object({
        direction: z.enum(['in', 'out']),
        type: z.string(),
        ref: z.string(),
        identificatie: z.string().optional(),
        status: z.string(),
        on: z.string(),
      }),
    ),
    escalations: z.array(
      z.object({ deadlineId: z.string(), rule: z.string(), owner: party, due: z.string(), on: z.string() }),
    ),
    overdue: z.boolean(),
    nextDeadline: z.string().optional(),
    profileId: z.string(),
    claimPeriods: z.array(z.object({ start: z.string(), end: z.string() })),
    io: z
      .object({
        failing: z.boolean(),
        activity: z.string().optional(),
        since: z.string().optional(),
        attempts: z.number().int(),
        lastErrorType: z.string().optional(),
        retryAt: z.string().optional(),
        setAside: z.array(z.string()).optional(),
      })
      .optional()
      .openapi({ description: 'how its I/O is doing; absent while nothing ever failed (WmoIoFailing)' }),
    /** Absent on a run that claims no lines (started before the 'claim-lines' patch). */
    claims: assignmentClaimsStateSchema.optional(),
  })
  .openapi('AssignmentState');

const openDeadline = z.object({
  id: z.string(),
  action: z.string().openapi({ example: 'verstuur-305' }),
  owner: party,
  rule: z.string(),
  due: z.iso.date(),
  escalated: z.boolean(),
});

export const assignmentSummarySchema = z
  .object({
    workflowId: z.string().openapi({ example: 'wmo:1916:4711' }),
    gemeente: z.string(),
    aanbieder: z.string(),
    toewijzingNummer: z.number().int(),
    productCategorie: z.string().nullable(),
    productCode: z.string().nullable(),
    ingangsdatum: z.iso.date(),
    einddatum: z.iso.date().nullable(),
    profile: z.string(),
    status: z.string().openapi({ example: 'in-zorg' }),
    /** An open deadline's last day lies before today (Europe/Amsterdam). */
    overdue: z.boolean(),
    nextDeadline: z.iso.date().nullable(),
    openDeadlines: z.array(openDeadline),
    updatedAt: z.iso.datetime(),
  })
  .openapi('AssignmentSummary');

export const assignmentPageSchema = z
  .object({ items: z.array(assignmentSummarySchema), nextCursor: z.string().nullable() })
  .openapi('AssignmentPage');

export const deadlineRowSchema = z
  .object({
    workflowId: z.string().openapi({ example: 'wmo:1916:4711' }),
    gemeente: z.string(),
    aanbieder: z.string(),
    toewijzingNummer: z.number().int(),
    deadlineId: z.string().openapi({ example: 'verstuur-305#2' }),
    action: z.string().openapi({ example: 'verstuur-305' }),
    owner: party,
    rule: z.string().openapi({ example: 'OP271' }),
    due: z.iso.date(),
    escalated: z.boolean(),
    overdue: z.boolean(),
    lateWorkingDays: z.number().int().min(0).openapi({
      description: 'working days (the profile’s calendar) from the last day to today; 0 while on time',
    }),
    workingDaysLeft: z.number().int().min(0).openapi({
      description: 'working days from today to the last day; 0 on the last day and once overdue',
    }),
    profile: z
      .string()
      .openapi({ example: 'iwmo-3.2', description: 'protocol profile whose calendar counts' }),
  })
  .openapi('OpenDeadline');

export const deadlinePageSchema = z
  .object({ items: z.array(deadlineRowSchema), nextCursor: z.string().nullable() })
  .openapi('DeadlinePage');

/*
 * Compile-time: the documented responses are exactly what the workflow answers. Mutual assignability
 * alone would let an optional field (like `claims`) be missing on either side; the key sets are compared
 * too, at every level of nesting.
 */
type Keys<T> = T extends readonly (infer E)[]
  ? Keys<E>
  : T extends object
    ? { [K in keyof T]-?: Keys<T[K]> }
    : T;
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [Keys<A>] extends [Keys<B>]
      ? [Keys<B>] extends [Keys<A>]
        ? true
        : false
      : false
    : false
  : false;
const stateMatches: Same<z.infer<typeof assignmentStateSchema>, AssignmentState> = true;
const claimsMatch: Same<z.infer<typeof assignmentClaimsStateSchema>, AssignmentClaimsState> = true;
void claimsMatch;
const resultMatches: Same<z.infer<typeof eventResultSchema>, EventResult> = true;
void stateMatches;
void resultMatches;
