import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type ContractRegistry, loadContracts } from '../config/contracts';
import type {
  AssignmentActivities,
  AssignmentClaimActivities,
  ClaimPeriodInput,
  HandOverClaimLinesInput,
} from '../contract/assignment';
import { claimLinesSignal, claimsBatchWorkflowId, claimsBatchWorkflowType } from '../contract/claims';
import { claimLinesHandOver } from '../contract/claims/schemas';
import { claimPeriods, type Database } from '../db';
import { guardDatabase } from './db-errors';

export interface ClaimActivityDeps {
  db: Database;
  /** The contracts loaded at start-up; unset: the shipped config/contracts (tests, tools). */
  contracts?: ContractRegistry;
  /** The client the hand-over signal-with-starts the batch with; unset: the activity's own client. */
  temporal?: Pick<Client, 'workflow'>;
}

/**
 * Hands an assignment's lines to the batch of (aanbieder, gemeente, month): signal-with-start by
 * claimsBatchWorkflowId on the worker's own task queue. The batch ignores a repeated handOverKey, so a
 * retried activity never claims twice. A hand-over that is not a valid ClaimLinesHandOver is refused
 * for good (non-retryable 'HandOverRefused'), naming the field: the batch would refuse it anyway. A
 * batch that has ended is never started again for the same month (a second 323 with the same
 * DeclaratieNummer): 'BatchClosed', and the assignment hands the lines to a later batch.
 */
export async function handOverClaimLines(
  input: HandOverClaimLinesInput,
  temporal?: Pick<Client, 'workflow'>,
): Promise<void> {
  const parsed = claimLinesHandOver.safeParse(input.handOver);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw ApplicationFailure.create({
      type: 'HandOverRefused',
      message: `claimLines hand-over: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      nonRetryable: true,
    });
  }
  const ctx = Context.current();
  const client = temporal ?? ctx.client;
  const workflowId = claimsBatchWorkflowId(input.aanbieder, input.gemeente, input.maand);
  const closed = () =>
    ApplicationFailure.create({
      type: 'BatchClosed',
      message: `the batch ${workflowId} has ended: hand the lines to a later batch`,
      nonRetryable: true,
    });
  // Asked first as well: not every server applies the reuse policy to signal-with-start (the test server).
  if ((await batchStatus(client, workflowId)) === 'closed') throw closed();
  try {
    await client.workflow.signalWithStart(claimsBatchWorkflowType, {
      taskQueue: ctx.info.taskQueue,
      workflowId,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [
        { aanbieder: input.aanbieder, gemeente: input.gemeente, maand: input.maand, profile: input.profile },
      ],
      signal: claimLinesSignal,
      signalArgs: [input.handOver],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    throw closed();
  }
}

/** Whether the batch runs, has ended (any closed run), or was never started. */
async function batchStatus(client: Pick<Client, 'workflow'>, workflowId: string) {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING' ? 'running' : 'closed';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'none';
    throw err;
  }
}

export function createClaimActivities({ db, contracts, temporal }: ClaimActivityDeps) {
  let registry = contracts;
  const periods = guardDatabase({
    /**
     * The claim hook at a billing period's end: records that this assignment delivered care in the period,
     * so the claims process can declare it. Idempotent: the same period twice is one row.
     */
    async openClaimPeriod(input: ClaimPeriodInput): Promise<void> {
      await db
        .insert(claimPeriods)
        .values({
          workflowId: input.workflowId,
          gemeente: input.gemeente,
          aanbieder: input.aanbieder,
          toewijzingNummer: input.toewijzingNummer,
          calendar: input.calendar,
          periodStart: input.start,
          periodEnd: input.end,
        })
        .onConflictDoNothing();
    },
  });
  return {
    ...periods,
    /** The contract of (aanbieder, gemeente), as loaded at start-up (no I/O after the first call). */
    async contractFor(input: { aanbieder: string; gemeente: string }) {
      registry ??= loadContracts();
      return registry.contractFor(input.aanbieder, input.gemeente);
    },
    async handOverClaimLines(input: HandOverClaimLinesInput): Promise<void> {
      await handOverClaimLines(input, temporal);
    },
  } satisfies Pick<AssignmentActivities, 'openClaimPeriod'> &
    Pick<AssignmentClaimActivities, 'contractFor' | 'handOverClaimLines'>;
}
