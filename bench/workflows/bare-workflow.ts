import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const doneSignal = defineSignal('done');

/** Baseline for memory: a workflow that does nothing but wait. */
export async function bareWaitingWorkflow(): Promise<void> {
  let done = false;
  setHandler(doneSignal, () => {
    done = true;
  });
  await condition(() => done);
}
