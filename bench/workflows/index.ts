import { proxyActivities } from '@temporalio/workflow';

/*
 * The workflows bench/workflow.ts measures against each other, bundled together so both load the same
 * code: the assignment workflow as shipped, the bare waiting workflow (memory baseline; see bare.ts
 * for it alone) and a trivial one-activity workflow (latency baseline).
 */
export { assignmentWorkflow } from '../../workflows/assignment/workflow';
export { bareWaitingWorkflow } from './bare-workflow';

const { touch } = proxyActivities<{ touch(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** Baseline for latency: start, then one activity. */
export async function trivialActivityWorkflow(): Promise<void> {
  await touch();
}
