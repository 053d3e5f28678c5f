import { proxyActivities } from '@temporalio/workflow';

/*
 * The bench's unit of work: a workflow that runs one activity and ends, the shape of the smallest step of
 * an assignment (a timer or signal wakes it, it records something through an activity).
 */

export interface BenchActivities {
  /** Notes when it ran; the bench measures start → this moment. */
  touch(workflowId: string): Promise<void>;
}

const { touch } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

export async function benchWorkflow(workflowId: string): Promise<void> {
  await touch(workflowId);
}
