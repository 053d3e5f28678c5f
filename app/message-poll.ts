import {
  type Client,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  type MessagePollInput,
  messagePollScheduleId,
  messagePollWorkflowId,
  pollSettingsSignal,
} from '../contract/messaging';

/*
 * The poller: one long-running messagePollLoopWorkflow (workflows/messaging/poll.ts) with a fixed id,
 * which sleeps MESSAGE_POLL_INTERVAL_MS, runs a round and continues as new every few hundred rounds.
 * Why not a Schedule (what ran before): a Schedule starts one workflow per tick, so every 5 s a run landed
 * in the Temporal UI's default list (~17,000 a day) and an operator's assignments sank among them. The
 * loop leaves one run per `roundsPerRun` rounds (docs/messaging.md), and since it never runs two rounds at
 * once it needs no overlap policy.
 *
 * Start-up: signal-with-start, so a poller already running (the previous `npm start`, or another instance
 * on the same namespace) is reused and gets the current interval; one on another task queue is replaced.
 * The old Schedule is deleted when it is still there. Without a transport the poller is stopped, so no
 * round fails every few seconds against nothing.
 */

export interface PollLoopOptions {
  taskQueue: string;
  intervalMs: number;
  roundsPerRun?: number;
  /** Round options (page size, lanes…; bench/); unset = the workflow's defaults. */
  round?: MessagePollInput;
}

/** Removes the Schedule of the per-round design; true when there was one. */
export async function removePollSchedule(client: Client): Promise<boolean> {
  try {
    await client.schedule.getHandle(messagePollScheduleId).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** Starts the poller, or hands the running one the current settings; says which. */
export async function ensurePollLoop(
  client: Client,
  options: PollLoopOptions,
): Promise<'started' | 'running' | 'replaced'> {
  const settings = {
    ...options.round,
    intervalMs: options.intervalMs,
    ...(options.roundsPerRun ? { roundsPerRun: options.roundsPerRun } : {}),
  };
  let replaced = false;
  const running = await runningTaskQueue(client);
  if (running !== undefined && running !== options.taskQueue) {
    // A workflow keeps its task queue; a new TEMPORAL_TASK_QUEUE needs a new poller.
    await stopPollLoop(client, `task queue is now ${options.taskQueue}`);
    replaced = true;
  }
  try {
    await client.workflow.signalWithStart('messagePollLoopWorkflow', {
      workflowId: messagePollWorkflowId,
      taskQueue: options.taskQueue,
      args: [settings],
      signal: pollSettingsSignal,
      signalArgs: [settings],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  if (replaced) return 'replaced';
  return running === undefined ? 'started' : 'running';
}

/** Ends the running poller (TRANSPORT=none); true when one ran. */
export async function stopPollLoop(client: Client, reason: string): Promise<boolean> {
  if ((await runningTaskQueue(client)) === undefined) return false;
  try {
    await client.workflow.getHandle(messagePollWorkflowId).terminate(reason);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Task queue of the running poller, or undefined when none runs. */
async function runningTaskQueue(client: Client): Promise<string | undefined> {
  try {
    const described = await client.workflow.getHandle(messagePollWorkflowId).describe();
    return described.status.name === 'RUNNING' ? described.taskQueue : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
