import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import { type ClaimLineOutcome, claimLineOutcomeSignal } from '../../../contract/claims';

/*
 * Test-only stand-in for the assignment side of the claims contract: it receives `claimLineOutcome`
 * signals under an assignment's workflow id and answers what it got. The real assignment will be wired
 * later; until then this is what the batch's outcomes are delivered to in workflow tests.
 */

export const receivedOutcomesQuery = defineQuery<ClaimLineOutcome[]>('receivedOutcomes');

export async function claimOutcomeReceiverWorkflow(): Promise<void> {
  const received: ClaimLineOutcome[] = [];
  setHandler(claimLineOutcomeSignal, (o) => void received.push(o));
  setHandler(receivedOutcomesQuery, () => received);
  await condition(() => false);
}
