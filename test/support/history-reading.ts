import type { History } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import type { TemporalTestEnv } from './temporal';

/*
 * Reading what a recording left on the server: every run of a workflow (following continue-as-new), and
 * whether a run is quiet enough to commit (scripts/record-*-histories.ts).
 */

// @temporalio/proto is CommonJS: under plain Node ESM only its default export is visible.
const { EventType } = proto.temporal.api.enums.v1;

/** Every run of a workflow from its first, following continue-as-new. */
export async function runHistories(env: TemporalTestEnv, workflowId: string, firstRunId: string) {
  const runs: History[] = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.push(history);
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/**
 * True when the run is closed, or waits with nothing in flight: no workflow task scheduled after the
 * last completed one and no activity without its outcome. A history cut while a task is in flight
 * would replay too, but would change with every recording for no reason.
 */
export function isQuiet(history: History): boolean {
  const events = history.events ?? [];
  const last = events.at(-1);
  if (!last) return false;
  if (isClosing(last.eventType)) return true;
  const open = new Set<string>();
  let taskPending = false;
  for (const e of events) {
    const id = String(e.eventId);
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) open.add(id);
    const done =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (done) open.delete(String(done.scheduledEventId));
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) taskPending = true;
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) taskPending = false;
  }
  return !taskPending && open.size === 0;
}

function isClosing(type: proto.temporal.api.enums.v1.EventType | null | undefined): boolean {
  return (
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT
  );
}
