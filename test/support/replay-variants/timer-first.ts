import { sleep } from '@temporalio/workflow';
import type { AssignmentInput, AssignmentState } from '../../../contract/assignment';
import { assignmentWorkflow as current } from '../../../workflows/assignment/workflow';

/*
 * A deliberately non-deterministic change, bundled only by test/workflow/replay.test.ts: the assignment
 * workflow under its own type name, with a timer before anything else. Every recorded history starts
 * with the 302's activity instead, so replaying one against this must fail.
 */
export async function assignmentWorkflow(input: AssignmentInput): Promise<AssignmentState> {
  await sleep('1 minute');
  return current(input);
}
