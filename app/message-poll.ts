import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';

/*
 * The Schedule that runs messagePollWorkflow (workflows/messaging/poll.ts) every few seconds. Created at
 * start-up, or brought up to date when it exists (interval, task queue), so configuration changes take
 * effect on the next start. Overlap SKIP: a round still busy (a slow transport, a long outbox) makes the
 * next tick skip, so two rounds never poll or send side by side. Without a transport it is deleted, so
 * no round fails every few seconds against nothing.
 */

export const messagePollScheduleId = 'iwmo-message-poll';
/** Workflow id of each round: the schedule appends the scheduled time. */
export const messagePollWorkflowId = 'iwmo-message-poll';

export interface PollScheduleOptions {
  taskQueue: string;
  intervalMs: number;
}

function scheduleParts({ taskQueue, intervalMs }: PollScheduleOptions) {
  return {
    spec: { intervals: [{ every: intervalMs }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'messagePollWorkflow',
      workflowId: messagePollWorkflowId,
      taskQueue,
      args: [{}],
      // A round normally takes seconds; one stuck far longer is ended so the next tick can run.
      workflowExecutionTimeout: '30 minutes',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
  };
}

/** Creates or updates the schedule; returns which. */
export async function ensurePollSchedule(
  client: Client,
  options: PollScheduleOptions,
): Promise<'created' | 'updated'> {
  const parts = scheduleParts(options);
  try {
    await client.schedule.create({ scheduleId: messagePollScheduleId, ...parts });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(messagePollScheduleId);
  await handle.update((previous) => ({ ...previous, ...parts, state: { ...previous.state, paused: false } }));
  return 'updated';
}

/** Removes the schedule (TRANSPORT=none); true when there was one. */
export async function removePollSchedule(client: Client): Promise<boolean> {
  try {
    await client.schedule.getHandle(messagePollScheduleId).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
