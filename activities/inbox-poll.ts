import { ApplicationFailure } from '@temporalio/common';
import { amsterdamDateOf } from '../calendar';
import {
  deliveryImpossibleType,
  type InboxPollActivities,
  type PollInboxInput,
  type PollInboxResult,
  type ResumeStrandedResult,
} from '../contract/messaging';
import type { FetchedMessage, Transport } from '../transport/types';
import type { Inbound } from './inbound';
import { inlineCodec, type MessageCodec } from './messaging/codec';
import { beat, withHeartbeats } from './messaging/heartbeat';
import { groupInOrder, runLanes } from './messaging/lanes';
import { type Predecoded, readAhead } from './messaging/predecode';

/*
 * One page of the transport's mailbox into the inbox: fetch → receiveMessage (store, decode, route) →
 * confirm. Confirm comes only after receiveMessage returned, i.e. the row is stored and its outcome
 * (routed, rejected with findings, received) is recorded; a crash before that means the transport offers
 * the message again and the inbox dedupe (transport + traceerId, or the payload hash) answers it with
 * the stored outcome, routing nothing twice. Payloads stay inside this activity: they hold personal
 * data and can be 25 MB, so they never pass through workflow history.
 *
 * A page is worked through in page order, except that a run of consecutive 301s is received side by side
 * (at most `concurrency` at once): 301s for different clients go to different assignment workflows, so
 * their order does not matter, and one client's 301s stay one after another in one lane. Anything else
 * (a retour, a 323, a message that does not decode) is a barrier: it waits for everything before it, and
 * everything after waits for it — so the rest keeps the strict order of the sequential poller. The lane
 * key needs the 301's BSN, so 301s are decoded here (in the codec pool, ~1 ms for a 301) and the result
 * goes with the message to receiveMessage, which does not decode it again (messaging/predecode.ts); the
 * key stays in this activity's memory.
 */

export interface InboxPollDeps {
  /** Unset when TRANSPORT=none. */
  transport?: Transport;
  /** The inbound path (activities/inbound.ts); set wherever a transport is. */
  inbound?: Pick<Inbound, 'receiveMessage' | 'recordUnavailable'> & Partial<Pick<Inbound, 'resumeStranded'>>;
  /** Decodes 301s for their lane key; default: in the calling thread. */
  codec?: MessageCodec;
  log?: (line: string) => void;
}

export const pollPageDefault = 50;

/** Lane of a message that may run beside its neighbours (a 301: its client), else undefined (a barrier). */
function laneKey(ahead: Predecoded | undefined): string | undefined {
  const inspection = ahead?.inspected?.inspection;
  if (!inspection?.ok || !inspection.toewijzing) return undefined;
  return `${inspection.header.afzender}/${inspection.toewijzing.bsn}`;
}

/**
 * The page cut into steps: a barrier alone, or a run of 301s grouped in lanes; in page order. Fills
 * `read` with what was read of each message ahead, for receiveMessage.
 */
async function steps(
  page: FetchedMessage[],
  codec: MessageCodec,
  concurrency: number,
  read: Map<FetchedMessage, Predecoded>,
) {
  if (concurrency <= 1) return page.map((m) => [[m]]);
  const today = amsterdamDateOf(new Date());
  const ahead = await Promise.all(
    page.map((m) => (m.payload ? readAhead(m.payload, codec, today) : undefined)),
  );
  page.forEach((m, i) => {
    const a = ahead[i];
    if (a) read.set(m, a);
  });
  const keys = ahead.map(laneKey);
  const out: FetchedMessage[][][] = [];
  let run: { m: FetchedMessage; key: string }[] = [];
  const flush = () => {
    if (run.length) out.push(groupInOrder(run, (r) => r.key).map((lane) => lane.map((r) => r.m)));
    run = [];
  };
  page.forEach((m, i) => {
    const key = keys[i];
    if (key !== undefined) {
      run.push({ m, key });
      return;
    }
    flush();
    out.push([[m]]);
  });
  flush();
  return out;
}

export function createInboxPollActivities({
  transport,
  inbound,
  codec = inlineCodec,
  log = console.log,
}: InboxPollDeps) {
  // Each activity heartbeats while it runs, pollInbox also after each message (its counts as details):
  // an attempt whose worker died is retried within the heartbeat timeout (activities/messaging/heartbeat.ts).
  return withHeartbeats({
    /**
     * Once per poll round: finishes inbox rows stored but never routed whose claim is stale (a process
     * died between store and route), however they came — API or transport (activities/inbound.ts).
     */
    async resumeStrandedInbox(): Promise<ResumeStrandedResult> {
      if (!inbound?.resumeStranded) return { resumed: 0, failed: 0 };
      let result: ResumeStrandedResult;
      try {
        result = await inbound.resumeStranded();
      } catch (err) {
        // Best effort: the database is away, the round meets that on its own and the next one sweeps.
        // No retry (it would hold up the round); only the error's name, never a query with its values.
        log(`[poller] sweep of stranded inbox rows failed (${err instanceof Error ? err.name : 'error'})`);
        return { resumed: 0, failed: 0 };
      }
      if (result.resumed || result.failed)
        log(`[poller] stranded inbox rows: ${result.resumed} finished, ${result.failed} failed again`);
      return result;
    },
    async pollInbox(input: PollInboxInput = {}): Promise<PollInboxResult> {
      if (!transport || !inbound)
        throw ApplicationFailure.nonRetryable(
          'no transport configured (TRANSPORT=none): nothing to poll',
          deliveryImpossibleType,
        );
      const limit = input.limit ?? pollPageDefault;
      const page = await transport.fetch(limit);
      const r: PollInboxResult = {
        fetched: page.length,
        stored: 0,
        duplicates: 0,
        confirmed: 0,
        unavailable: 0,
        deferred: 0,
        more: page.length >= limit,
      };
      let firstError: unknown;
      /** What steps() read of each message ahead, handed to receiveMessage with it. */
      const read = new Map<FetchedMessage, Predecoded>();
      const receiveOne = async (m: FetchedMessage) => {
        if (m.payload === null) {
          // No content to keep, but the row records that it came and why it is unreadable: stored first,
          // then confirmed, like every other message.
          const reason = m.unavailable;
          const kept = await inbound.recordUnavailable({ ...m, reason, transport: transport.name });
          if (kept.beingProcessed) {
            r.deferred++;
            return;
          }
          log(
            `[poller] ${transport.name} message ${m.traceerId} has no payload (${reason}); stored as rejected`,
          );
          await transport.confirm(m.traceerId);
          r.unavailable++;
          if (kept.duplicate) r.duplicates++;
          r.confirmed++;
          return;
        }
        try {
          const message = {
            payload: m.payload, // bytes: the inbound path checks the encoding before any text is made
            transport: transport.name,
            traceerId: m.traceerId,
            ...(m.conversatieId ? { conversatieId: m.conversatieId } : {}),
            ...(m.alsAntwoordOp ? { alsAntwoordOp: m.alsAntwoordOp } : {}),
          };
          const outcome = await inbound.receiveMessage(message, read.get(m));
          // Another process holds it and has not recorded an outcome: not durable yet, do not confirm.
          if (outcome.duplicate && outcome.note === 'being processed') {
            r.deferred++;
            return;
          }
          if (outcome.duplicate) r.duplicates++;
          else r.stored++;
        } catch (err) {
          // Stored but not routed (InboundRetryableError): leave it unconfirmed, go on with the page.
          firstError ??= err;
          r.deferred++;
          return;
        }
        await transport.confirm(m.traceerId);
        r.confirmed++;
      };
      const receive = async (m: FetchedMessage) => {
        await receiveOne(m);
        beat({ fetched: r.fetched, confirmed: r.confirmed, deferred: r.deferred });
      };
      const concurrency = input.concurrency ?? 1;
      for (const lanes of await steps(page, codec, concurrency, read))
        await runLanes(lanes, concurrency, receive);
      // Retry the activity (with backoff) for what could not be routed; the confirmed ones are done.
      if (firstError) throw firstError;
      return r;
    },
  }) satisfies InboxPollActivities;
}
