import { ApplicationFailure } from '@temporalio/common';
import type { Transport } from '../transport/types';
import { deliveryImpossibleType } from './delivery';
import type { Inbound } from './inbound';

/*
 * One page of the transport's mailbox into the inbox: fetch → receiveMessage (store, decode, route) →
 * confirm. Confirm comes only after receiveMessage returned, i.e. the row is stored and its outcome
 * (routed, rejected with findings, received) is recorded; a crash before that means the transport offers
 * the message again and the inbox dedupe (transport + traceerId, or the payload hash) answers it with
 * the stored outcome, routing nothing twice. Payloads stay inside this activity: they hold personal
 * data and can be 25 MB, so they never pass through workflow history.
 */

export interface InboxPollDeps {
  /** Unset when TRANSPORT=none. */
  transport?: Transport;
  /** The inbound path (activities/inbound.ts); set wherever a transport is. */
  inbound?: Pick<Inbound, 'receiveMessage' | 'recordUnavailable'>;
  log?: (line: string) => void;
}

export interface PollInboxResult {
  fetched: number;
  /** Stored and routed (or stored as rejected / received) for the first time. */
  stored: number;
  /** Offered again and recognised in the inbox: answered with the stored outcome, confirmed. */
  duplicates: number;
  confirmed: number;
  /** Payload no longer (or never) downloadable: stored as rejected (PAYLOAD-UNAVAILABLE), then confirmed. */
  unavailable: number;
  /** Not confirmed this time (being processed elsewhere, or failed): the transport offers it again. */
  deferred: number;
  /** The page was full: there may be more waiting. */
  more: boolean;
}

export const pollPageDefault = 50;

export function createInboxPollActivities({ transport, inbound, log = console.log }: InboxPollDeps) {
  return {
    async pollInbox(input: { limit?: number } = {}): Promise<PollInboxResult> {
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
      for (const m of page) {
        if (m.payload === null) {
          // No content to keep, but the row records that it came and why it is unreadable: stored first,
          // then confirmed, like every other message.
          const reason = m.unavailable;
          const kept = await inbound.recordUnavailable({ ...m, reason, transport: transport.name });
          if (kept.beingProcessed) {
            r.deferred++;
            continue;
          }
          log(
            `[poller] ${transport.name} message ${m.traceerId} has no payload (${reason}); stored as rejected`,
          );
          await transport.confirm(m.traceerId);
          r.unavailable++;
          if (kept.duplicate) r.duplicates++;
          r.confirmed++;
          continue;
        }
        try {
          const outcome = await inbound.receiveMessage({
            payload: Buffer.from(m.payload).toString('utf8'),
            transport: transport.name,
            traceerId: m.traceerId,
            ...(m.conversatieId ? { conversatieId: m.conversatieId } : {}),
            ...(m.alsAntwoordOp ? { alsAntwoordOp: m.alsAntwoordOp } : {}),
          });
          // Another process holds it and has not recorded an outcome: not durable yet, do not confirm.
          if (outcome.duplicate && outcome.note === 'being processed') {
            r.deferred++;
            continue;
          }
          if (outcome.duplicate) r.duplicates++;
          else r.stored++;
        } catch (err) {
          // Stored but not routed (InboundRetryableError): leave it unconfirmed, go on with the page.
          firstError ??= err;
          r.deferred++;
          continue;
        }
        await transport.confirm(m.traceerId);
        r.confirmed++;
      }
      // Retry the activity (with backoff) for what could not be routed; the confirmed ones are done.
      if (firstError) throw firstError;
      return r;
    },
  };
}
