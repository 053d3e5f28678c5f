import { proxyActivities } from '@temporalio/workflow';
import type { AssignmentActivities } from '../../../contract/assignment';
import {
  type AssignmentInput,
  type AssignmentState,
  assignmentWorkflowId,
} from '../../../contract/assignment';
import { assignmentWorkflow as current } from '../../../workflows/assignment/workflow';

/*
 * A deliberately non-deterministic change, bundled only by test/workflow/replay.test.ts: the same
 * activities in another order. The read model is written before the 302 goes out, where every recorded
 * history scheduled `sendMessage` first.
 */
const readModel = proxyActivities<Pick<AssignmentActivities, 'recordAssignment'>>({
  startToCloseTimeout: '30 seconds',
});

export async function assignmentWorkflow(input: AssignmentInput): Promise<AssignmentState> {
  const t = input.toewijzing;
  await readModel.recordAssignment({
    workflowId: assignmentWorkflowId(t.gemeente, t.toewijzingNummer),
    gemeente: t.gemeente,
    toewijzingNummer: t.toewijzingNummer,
    aanbieder: t.aanbieder,
    clientRef: t.clientRef,
    ingangsdatum: t.ingangsdatum,
    profile: input.profile.id,
    status: 'toegewezen',
    overdue: false,
    revision: 0,
    openDeadlines: [],
  });
  return current(input);
}
