import { z } from '@hono/zod-openapi';
import {
  ApplicationFailure,
  type Client,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import {
  assignmentWorkflowId,
  assignmentWorkflowType,
  eventRefusedType,
  type RefusalClass,
  refusalClass,
} from '../contract/assignment';
import { WmoAanbieder } from '../contract/search-attributes';
import { mayAccess, type Principal } from './auth';
import { type ProblemError, problem, problemTypes } from './problem';

/*
 * One assignment as the API reaches it: find its workflow, check the caller acts for its gemeente or
 * its aanbieder (else 404, exactly as for one that does not exist), and turn what Temporal answers to
 * a lifecycle event into problems. The aanbieder comes from the workflow's own search attribute, set
 * when the 301 started it, so a provider can act the moment the 301 is routed (the read model may lag).
 */

export interface AssignmentRef {
  gemeente: string;
  nummer: number;
}

const notFoundDetail = 'no assignment with this gemeente and ToewijzingNummer for your key';

/** The workflow handle of an assignment in the caller's scope; throws 404 otherwise, 409 when `running` is required and it has ended. */
export async function scopedAssignment(
  temporal: Client,
  principal: Principal,
  ref: AssignmentRef,
  options: { running?: boolean } = {},
) {
  // A key for other gemeenten and no provider at all cannot see it, whatever the workflow says.
  if (!principal.gemeenten.includes(ref.gemeente) && principal.aanbieders.length === 0)
    throw problem(404, notFoundDetail);
  const workflowId = assignmentWorkflowId(ref.gemeente, ref.nummer);
  const handle = temporal.workflow.getHandle(workflowId);
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw problem(404, notFoundDetail);
    throw err;
  });
  const aanbieder = description.typedSearchAttributes.get(WmoAanbieder);
  const visible =
    description.type === assignmentWorkflowType &&
    mayAccess(principal, { gemeente: ref.gemeente, ...(aanbieder ? { aanbieder } : {}) });
  if (!visible) throw problem(404, notFoundDetail);
  if (options.running && description.status.name !== 'RUNNING') throw ended(description.status.name);
  return handle;
}

function ended(status: string): ProblemError {
  return problem(
    409,
    `this assignment's workflow has ended (${status}); it accepts no more lifecycle events`,
    { rule: 'ASSIGNMENT-CLOSED' },
  );
}

/**
 * The status of a refused event, by its class (contract/assignment/refusals.ts): a conflict with where
 * the assignment is now → 409, an event that breaks a rule by itself → 422.
 */
export function refusalStatus(refusal: RefusalClass): 409 | 422 {
  return refusal === 'conflict' ? 409 : 422;
}

const refusalDetails = z.object({
  rule: z.string(),
  retourCode: z.string(),
  class: z.enum(['conflict', 'invalid']).optional(),
});

/** The problem for what executeUpdate threw, or undefined when it is not ours to explain (→ 500). */
export function eventProblem(err: unknown): ProblemError | undefined {
  if (err instanceof WorkflowNotFoundError) return ended('CLOSED');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return problem(503, 'the assignment did not answer in time; send the same event (same eventId) again', {
      headers: { 'retry-after': '5' },
    });
  }
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== eventRefusedType) return undefined;
  const details = refusalDetails.safeParse(cause.details?.[0]);
  const rule = details.success ? details.data.rule : (cause.message.split(':')[0] ?? 'EventRefused');
  // A worker of before the class travelled with the refusal: the rule's class from the same table.
  const refusal = (details.success && details.data.class) || refusalClass(rule);
  const text = cause.message.startsWith(`${rule}: `) ? cause.message.slice(rule.length + 2) : cause.message;
  return problem(refusalStatus(refusal), cause.message, {
    type: problemTypes.rule,
    rule,
    findings: [
      {
        rule,
        path: 'body',
        message: text,
        ...(details.success ? { retourCode: details.data.retourCode } : {}),
      },
    ],
  });
}
