import type { Inbound } from '../activities/inbound';
import { InboundRetryableError } from '../activities/messaging/outcome';
import type { Log } from './log';

/*
 * One log line per message taken in, by the API or the poller: its id, type, outcome and the workflows it
 * went to — what an operator searches by (messageId, workflowId). Only ids, codes and rule numbers: a
 * finding's text may quote the message, so it never reaches the log (the message store keeps it).
 */
export function loggedInbound(inbound: Inbound, log: Log): Inbound {
  return {
    ...inbound,
    async receiveMessage(message, predecoded) {
      try {
        const outcome = await inbound.receiveMessage(message, predecoded);
        const workflowIds = [
          ...outcome.toewijzingen.map((t) => t.workflowId),
          ...(outcome.retour ? [outcome.retour.workflowId] : []),
        ];
        log.info(`message ${outcome.status}${outcome.duplicate ? ' (duplicate)' : ''}`, {
          messageId: outcome.messageId,
          messageType: outcome.messageType,
          transport: message.transport,
          ...(workflowIds.length === 1 ? { workflowId: workflowIds[0] } : {}),
          ...(workflowIds.length > 1 ? { workflowIds } : {}),
          ...(outcome.findings.length ? { rules: outcome.findings.map((f) => f.rule) } : {}),
          ...(outcome.answer
            ? { answer: outcome.answer.messageType, outboxId: outcome.answer.outboxId }
            : {}),
        });
        return outcome;
      } catch (err) {
        if (err instanceof InboundRetryableError)
          log.warn('message stored, routing failed', {
            messageId: err.messageId,
            transport: message.transport,
          });
        throw err;
      }
    },
  };
}
