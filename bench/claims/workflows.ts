import { proxyActivities, sleep } from '@temporalio/workflow';

/*
 * The claims bench's worker: the service's workflows (the claims batch among them) plus the baseline, a
 * timer that fires one activity (the shape of an assignment waking at a period end).
 */

export * from '../../workflows/index';

const { touch } = proxyActivities<{ touch(id: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function timerWorkflow(id: string, ms: number): Promise<void> {
  await sleep(ms);
  await touch(id);
}
