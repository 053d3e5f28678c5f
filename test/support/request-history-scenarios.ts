import type { WorkflowHandle } from '@temporalio/client';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import type { IsoDate } from '../../calendar/iso-date';
import {
  antwoordSignal,
  honouredSignal,
  type RequestInput,
  type RequestState,
  requestWorkflowId,
  resendUpdate,
  retourSignal,
  stateQuery,
} from '../../contract/request/contract';
import { eventually } from './assignment';
import { isQuiet } from './history-scenarios';
import { type RecordedRequestActivities, requestInput } from './request';
import type { TemporalTestEnv } from './temporal';

/*
 * The request workflow's recorded scenarios (scripts/record-request-histories.ts → test/histories/request/,
 * replayed by test/workflow/request-replay.test.ts). Fixed data: referenties, document keys and message
 * ids are constants, dates count from the anchor Monday. Each checks its own outcome, so a recording that
 * went another way fails instead of being committed. No client data: a clientRef and a payloadRef.
 */

export interface RequestScenarioContext {
  env: TemporalTestEnv;
  taskQueue: string;
  acts: RecordedRequestActivities;
  day0: IsoDate;
}

export interface RequestHistoryScenario {
  name: string;
  covers: string;
  run(ctx: RequestScenarioContext): Promise<{ workflowId: string }>;
}

const day = 24 * 60 * 60 * 1000;
type Handle = WorkflowHandle;

function expectThat(ok: boolean, what: string): void {
  if (!ok) throw new Error(`scenario did not go as intended: ${what}`);
}

async function start(ctx: RequestScenarioContext, input: RequestInput): Promise<Handle> {
  return ctx.env.client.workflow.start('requestWorkflow', {
    taskQueue: ctx.taskQueue,
    workflowId: requestWorkflowId(input.aanbieder, input.referentieAanbieder),
    args: [input],
  });
}

const today = async (ctx: RequestScenarioContext) => amsterdamDateOf(await ctx.env.currentTimeMs());

/** Waits for the state, asking only while the run is quiet (see history-scenarios.ts, waitState). */
async function waitState(
  ctx: RequestScenarioContext,
  handle: Handle,
  what: string,
  ok: (s: RequestState) => boolean,
) {
  return eventually(async () => {
    if (!isQuiet(await handle.fetchHistory())) return undefined;
    const s = await ctx.env.client.connection
      .withDeadline(Date.now() + 2000, () => handle.query(stateQuery))
      .catch(() => undefined);
    return s && ok(s) ? s : undefined;
  }, what);
}

async function sentId(ctx: RequestScenarioContext, handle: Handle): Promise<string> {
  const s = await waitState(ctx, handle, 'request sent', (x) => x.versions.at(-1)?.status === 'verzonden');
  return s.versions.at(-1)?.identificatie as string;
}

async function retour(ctx: RequestScenarioContext, handle: Handle, id: string, codes: string[] = []) {
  await handle.signal(retourSignal, {
    messageId: `rp-316-${id}-${codes.join('')}`,
    messageType: 'WMO316',
    heenIdentificatie: id,
    retourCodes: codes,
    ontvangen: await today(ctx),
  });
}

async function honour(ctx: RequestScenarioContext, handle: Handle, nummer: number) {
  await handle.signal(honouredSignal, {
    messageId: `rp-301-${nummer}`,
    toewijzingen: [{ toewijzingNummer: nummer, assignmentWorkflowId: `wmo:0363:${nummer}` }],
    ontvangen: await today(ctx),
  });
}

const input = (referentieAanbieder: string, fields: Partial<RequestInput> = {}) =>
  requestInput({ referentieAanbieder, gemeente: '0363', clientRef: 'c_replayrq', ...fields });

export const requestHistoryScenarios: RequestHistoryScenario[] = [
  {
    name: 'request-honoured',
    covers: '315 → approved 316 → a 301 honours it; linked to its assignment workflow, no escalation',
    async run(ctx) {
      const handle = await start(ctx, input('RP-VOT-1'));
      await retour(ctx, handle, await sentId(ctx, handle));
      await waitState(ctx, handle, 'ontvangen', (s) => s.status === 'ontvangen');
      await honour(ctx, handle, 5001);
      const final = (await handle.result()) as RequestState;
      expectThat(final.status === 'gehonoreerd', `ended ${final.status}`);
      expectThat(ctx.acts.escalations.length === 0, 'no escalation');
      return { workflowId: handle.workflowId };
    },
  },
  {
    name: 'request-in-onderzoek-escalated',
    covers:
      'no answer in 5 working days: escalated once (OP274); a late 319 "in onderzoek" answered with a 320; a 301 six weeks later',
    async run(ctx) {
      const handle = await start(ctx, input('RP-VOT-2'));
      await retour(ctx, handle, await sentId(ctx, handle));
      await ctx.env.sleep(9 * day);
      await eventually(() => ctx.acts.escalations.length > 0 || undefined, 'escalation');
      await handle.signal(antwoordSignal, {
        messageId: 'rp-319-2',
        verzoekAntwoord: '2',
        ontvangen: await today(ctx),
      });
      await waitState(ctx, handle, '320 sent', (s) => s.messages.some((m) => m.type === 'WMO320'));
      await ctx.env.sleep(42 * day);
      await honour(ctx, handle, 5002);
      const final = (await handle.result()) as RequestState;
      expectThat(final.status === 'gehonoreerd', `ended ${final.status}`);
      expectThat(ctx.acts.escalations.length === 1, 'exactly one escalation');
      expectThat(ctx.acts.escalations[0]?.action === 'verstuur-301-of-319', 'the answer deadline escalated');
      return { workflowId: handle.workflowId };
    },
  },
  {
    name: 'request-corrected',
    covers:
      '316 with retour codes → refused resend (TR374 not reached: Ongewijzigd) → corrected resend → 316 → 319 afgewezen → 320',
    async run(ctx) {
      const handle = await start(ctx, input('RP-VOT-3', { payloadRef: 'rp-doc-3a' }));
      await retour(ctx, handle, await sentId(ctx, handle), ['0001']);
      await waitState(ctx, handle, 'afgekeurd', (s) => s.status === 'afgekeurd');
      const refused = await handle
        .executeUpdate(resendUpdate, { args: [{ eventId: 'rp-fix-0', payloadRef: 'rp-doc-3a' }] })
        .then(
          () => false,
          () => true,
        );
      expectThat(refused, 'the unchanged document is refused');
      await handle.executeUpdate(resendUpdate, { args: [{ eventId: 'rp-fix-1', payloadRef: 'rp-doc-3b' }] });
      await waitState(
        ctx,
        handle,
        'resent',
        (s) => s.versions.length === 2 && s.versions[1]?.status === 'verzonden',
      );
      await retour(ctx, handle, await sentId(ctx, handle));
      await handle.signal(antwoordSignal, {
        messageId: 'rp-319-3',
        verzoekAntwoord: '1',
        redenAfwijzingVerzoek: '5',
        ontvangen: await today(ctx),
      });
      const final = (await handle.result()) as RequestState;
      expectThat(final.status === 'afgewezen', `ended ${final.status}`);
      expectThat(ctx.acts.sent.filter((s) => s.message.type === 'WMO315').length === 2, 'two 315s');
      expectThat(ctx.acts.sent.filter((s) => s.message.type === 'WMO320').length === 1, 'one 320');
      return { workflowId: handle.workflowId };
    },
  },
];
