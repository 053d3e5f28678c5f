import type { Finding } from '../../iwmo';
import type { ToewijzingOutcome } from './route';

/* What the inbound path takes and answers (activities/inbound.ts); the API serves these shapes. */

export interface InboundMessage {
  /** The message as received: its bytes (the transport), or text (read as its UTF-8 bytes). */
  payload: string | Uint8Array;
  /** 'api', 'vecozo', … : with traceerId the transport's key for a message. */
  transport: string;
  traceerId?: string;
  conversatieId?: string;
  /** The traceerId of the message this one answers (a retour), as the transport gave it. */
  alsAntwoordOp?: string;
  /** API key id of the caller that posted it (transport 'api'). */
  submittedBy?: string;
}

/** A finding as stored and answered: the rule, where, and the standard's text; never message content. */
export interface StoredFinding {
  rule: string;
  retourCode?: string;
  path: string;
  message: string;
  hint?: string;
}

export interface InboundOutcome {
  messageId: string;
  /** True when this message was received before; the outcome is the earlier one. */
  duplicate: boolean;
  /** 'received': stored, not (yet) routed — a type nothing consumes yet, or still being processed. */
  status: 'received' | 'routed' | 'rejected';
  messageType: string | null;
  findings: StoredFinding[];
  /** Per toewijzing of a 301: the workflow it went to. */
  toewijzingen: ToewijzingOutcome[];
  /** A 306/308: the workflow of the 305/307 it answers. */
  retour?: { workflowId: string; heenType: string; heenIdentificatie: string; retourCodes: string[] };
  /** A 325: the claims batch whose 323 it answers (activities/claims/route325.ts). */
  declaratie?: { workflowId: string; declaratieIdentificatie: string };
  /** A 316/318/319, or a 301 that honours a request: the request workflow(s) it went to. */
  requests?: string[];
  /** The retour we wrote to the outbox in answer (a 302 on a rejected 301). */
  answer?: { messageType: string; outboxId: string; identificatie: string };
  note?: string;
}

/** What is kept in the inbox row's `outcome` column. */
export type Stored = Omit<InboundOutcome, 'messageId' | 'duplicate'>;

/**
 * What went wrong, fit for a log line, an activity failure and workflow history. A failed query's message
 * (drizzle) carries the query's parameters — the payload, with BSN and name — so a database error is
 * named by its SQLSTATE only.
 */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'unknown';
  if ('query' in cause || 'params' in cause || cause.message.startsWith('Failed query')) {
    const code = (cause.cause as { code?: unknown } | undefined)?.code;
    return `database error${typeof code === 'string' ? ` ${code}` : ''}`;
  }
  return cause.message;
}

/** Decoding or routing failed for a reason outside the message (Temporal down, …): safe to retry. */
export class InboundRetryableError extends Error {
  override name = 'InboundRetryableError';
  constructor(
    readonly messageId: string,
    cause: unknown,
  ) {
    super(`message ${messageId} is stored; routing failed: ${describeCause(cause)}`);
  }
}

/** The message could not even be stored (the database is away): nothing was kept, send it again. */
export class InboundStoreError extends Error {
  override name = 'InboundStoreError';
  constructor(cause: unknown) {
    super(`message not stored: ${describeCause(cause)}`);
  }
}

export const storedFinding = ({ rule, retourCode, path, message, hint }: Finding): StoredFinding => ({
  rule,
  ...(retourCode ? { retourCode } : {}),
  path,
  message,
  ...(hint ? { hint } : {}),
});
