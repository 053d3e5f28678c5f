import { patched, sleep } from '@temporalio/workflow';
import type { AssignmentInput, AssignmentState } from '../../../contract/assignment';
import { assignmentWorkflow as current } from '../../../workflows/assignment/workflow';

/*
 * The change of timer-first.ts made the way docs/testing.md asks: behind `patched()`. A new run takes
 * the new path and marks its history; a run recorded before the change replays the old path (patched()
 * is false there), so every recorded history still replays.
 */
export async function assignmentWorkflow(input: AssignmentInput): Promise<AssignmentState> {
  if (patched('replay-demo-timer-first')) await sleep('1 minute');
  return current(input);
}
// The claims batch is not what this variant changes: its history replays against the real code.
export { claimsBatchWorkflow } from '../../../workflows/claims/batch';
