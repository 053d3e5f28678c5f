import type { WorkflowHandle } from '@temporalio/client';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { addDays, type IsoDate } from '../../calendar/iso-date';
import {
  type AssignmentState,
  assignmentWorkflowId,
  outboxDeliveredSignal,
  retourSignal,
  startUpdate,
  stateQuery,
  stopUpdate,
  type ToewijzingVersion,
  toewijzingSignal,
} from '../../contract/assignment';
import { eventually, inputFor, type RecordedActivities } from './assignment';
import { type BatchDoubles, clientRefOf } from './claims-batch';
import { isQuiet } from './history-reading';
import type { TemporalTestEnv } from './temporal';

/*
 * The steps the recorded history scenarios are made of (test/support/history-scenarios.ts,
 * history-scenarios-claims.ts): a toewijzing with fixed data, starting it, answering its messages,
 * waiting for a state, and failing a recording that went another way than intended.
 */

export interface ScenarioContext {
  env: TemporalTestEnv;
  taskQueue: string;
  acts: RecordedActivities;
  /** The first day of the scenario (Europe/Amsterdam); every date is counted from it. */
  day0: IsoDate;
  /** The claims batch's doubles (its escalations go to `acts.escalate`, the same activity as the assignment's). */
  claims: BatchDoubles;
}

export interface HistoryScenario {
  /** File name stem in test/histories/: `<name>.json`, or `<name>.run-<n>.json` per continued run. */
  name: string;
  covers: string;
  /** How the recording doubles deliver 305/307s (test/support/assignment.ts); default at once. */
  deliver?: 'at-once' | 'manual';
  /** Drives the scenario; resolves with the workflow id and the id of its first run. */
  run(ctx: ScenarioContext): Promise<{ workflowId: string; firstRunId: string }>;
}

export const day = 24 * 60 * 60 * 1000;
export type Handle = WorkflowHandle;

export function toewijzing(
  nummer: number,
  day0: IsoDate,
  fields: Partial<ToewijzingVersion>,
): ToewijzingVersion {
  return {
    messageId: `rp-${nummer}-301`,
    berichtIdentificatie: `RP${nummer}`,
    gemeente: '0363',
    aanbieder: '12345678',
    clientRef: `c_replay${nummer}`,
    toewijzingNummer: nummer,
    product: { categorie: '02', code: '02A01' },
    toewijzingsdatum: day0,
    toewijzingstijd: '09:00:00',
    ingangsdatum: day0,
    omvang: { volume: 4, eenheid: '04', frequentie: '2' },
    ontvangen: day0,
    ...fields,
  };
}

export async function startAssignment(ctx: ScenarioContext, v: ToewijzingVersion) {
  const handle = await ctx.env.client.workflow.signalWithStart('assignmentWorkflow', {
    taskQueue: ctx.taskQueue,
    workflowId: assignmentWorkflowId(v.gemeente, v.toewijzingNummer),
    args: [inputFor(v)],
    signal: toewijzingSignal,
    signalArgs: [v],
  });
  return {
    handle: handle as Handle,
    ids: { workflowId: handle.workflowId, firstRunId: handle.signaledRunId },
  };
}

export const today = async (ctx: ScenarioContext) => amsterdamDateOf(await ctx.env.currentTimeMs());

export function sentOf(acts: RecordedActivities, type: string, count: number) {
  return eventually(() => {
    const found = acts.sent.filter((s) => s.message.type === type);
    return found.length >= count ? found : undefined;
  }, `${count}× ${type} sent`);
}

/** The Identificatie the recording double gave the n-th (0-based) message of a type. */
export function identificatieOf(acts: RecordedActivities, type: string, n: number): string {
  const sent = acts.sent.filter((s) => s.message.type === type)[n];
  if (!sent) throw new Error(`no ${type} #${n} sent`);
  return `ID${String(acts.sent.indexOf(sent) + 1).padStart(4, '0')}`;
}

/**
 * Polls the state query until `ok`, asking only while the latest run is quiet (see `isQuiet`): a query
 * that races a continue-as-new can go unanswered by the time-skipping server and then holds its clock,
 * so a later `result()` never returns. Each query also has a deadline.
 */
export async function waitState(
  ctx: ScenarioContext,
  handle: Handle,
  what: string,
  ok: (s: AssignmentState) => boolean,
) {
  const latest = ctx.env.client.workflow.getHandle(handle.workflowId);
  return eventually(async () => {
    if (!isQuiet(await latest.fetchHistory())) return undefined;
    const s = await ctx.env.client.connection
      .withDeadline(Date.now() + 2000, () => latest.query(stateQuery))
      .catch(() => undefined);
    return s && ok(s) ? s : undefined;
  }, what);
}

/**
 * Answers the n-th 305/307 with its 306/308 once the workflow has taken in the Identificatie (before
 * that the retour would not match and be recorded as 'niet-gekoppeld').
 */
export async function answer(
  ctx: ScenarioContext,
  handle: Handle,
  heenType: 'WMO305' | 'WMO307',
  n: number,
  retourCodes: string[] = [],
) {
  await sentOf(ctx.acts, heenType, n + 1);
  const heen = identificatieOf(ctx.acts, heenType, n);
  await waitState(ctx, handle, `${heen} sent`, (s) =>
    s.messages.some((m) => m.direction === 'out' && m.identificatie === heen),
  );
  const messageType = heenType === 'WMO305' ? 'WMO306' : 'WMO308';
  await handle.signal(retourSignal, {
    messageId: `rp-${messageType}-${heen}${retourCodes.join('')}`,
    messageType,
    heenIdentificatie: heen,
    retourCodes,
    ontvangen: await today(ctx),
  });
}

export function expectThat(ok: boolean, what: string): void {
  if (!ok) throw new Error(`scenario did not go as intended: ${what}`);
}

export async function finalState(
  handle: Handle,
  status: AssignmentState['status'],
): Promise<AssignmentState> {
  const final = (await handle.result()) as AssignmentState;
  expectThat(final.status === status, `ended ${final.status}, expected ${status}`);
  return final;
}

export const start = (handle: Handle, eventId: string, begindatum: IsoDate) =>
  handle.executeUpdate(startUpdate, { args: [{ eventId, begindatum }] });
export const stop = (handle: Handle, eventId: string, einddatum: IsoDate, redenBeeindiging: string) =>
  handle.executeUpdate(stopUpdate, { args: [{ eventId, einddatum, redenBeeindiging }] });

/** The sender's signal for the n-th 305/307, as the poller sends it once the transport took the message. */
export async function deliver(ctx: ScenarioContext, handle: Handle, type: 'WMO305' | 'WMO307', n: number) {
  const [sent] = (await sentOf(ctx.acts, type, n + 1)).slice(n);
  if (!sent) throw new Error(`no ${type} #${n} written`);
  await handle.signal(outboxDeliveredSignal, {
    outboxKey: sent.idempotencyKey,
    deliveredAt: new Date(await ctx.env.currentTimeMs()).toISOString(),
  });
}

/** 301 → 302 → 305 → 306 → 307 → 308 without escalation: the happy path, recorded once per patch era. */
export function happyPath(nummer: number): HistoryScenario['run'] {
  return async (ctx) => {
    const { handle, ids } = await startAssignment(ctx, toewijzing(nummer, ctx.day0, {}));
    await sentOf(ctx.acts, 'WMO302', 1);
    await start(handle, 'start-1', ctx.day0);
    await answer(ctx, handle, 'WMO305', 0);
    await stop(handle, 'stop-1', ctx.day0, '19');
    await answer(ctx, handle, 'WMO307', 0);
    const final = await finalState(handle, 'gestopt');
    expectThat(final.escalations.length === 0, 'no escalation');
    return ids;
  };
}

/** A toewijzing of a product the seed contract prices (01A01), `days` long, started and its 302 sent. */
export async function claimableAssignment(
  ctx: ScenarioContext,
  nummer: number,
  client: number,
  days: number,
) {
  const v = toewijzing(nummer, ctx.day0, {
    gemeente: '0384',
    aanbieder: '42420001',
    clientRef: clientRefOf(client),
    product: { categorie: '01', code: '01A01' },
    einddatum: addDays(ctx.day0, days),
  });
  const started = await startAssignment(ctx, v);
  await sentOf(ctx.acts, 'WMO302', 1);
  return started;
}
