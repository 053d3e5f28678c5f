import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { type Database, inboxMessages } from '../../db';
import { withHistory } from './events';

/*
 * Inbox rows: stored before anything else happens to a message, recognised when it comes again (same
 * transport + traceerId, or the same bytes), and claimed by one process at a time while it is decoded
 * and routed. A claim older than `staleClaimMs` belongs to a process that died: a re-delivery takes over.
 * A live process keeps its claims fresh (`createClaimKeeper`, every `claimRefreshMs`), however long one
 * message takes (a 24 MB 323, Temporal unreachable), so the stale time can be short: a killed worker's
 * rows are taken over about a minute later instead of after five.
 */

export const staleClaimMs = 60_000;
/** How often a live process renews the claims it holds: well inside `staleClaimMs`. */
export const claimRefreshMs = 15_000;

export interface ClaimKeeper {
  /** The caller now works on this row: its claim is renewed until `drop`. */
  hold(id: string): void;
  drop(id: string): void;
  /** Renews every held claim now (the timer calls this; tests call it to skip the wait). */
  refresh(): Promise<void>;
}

/**
 * The claims one process holds, renewed while it lives. The timer runs only while something is held and
 * never keeps the process alive; a failed renewal is tried again on the next tick (at worst the claim goes
 * stale and a sweeper takes the row, which the idempotent route tolerates).
 */
export function createClaimKeeper(db: Database, everyMs = claimRefreshMs): ClaimKeeper {
  const held = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    if (held.size === 0) return;
    await db
      .update(inboxMessages)
      .set({ claimedAt: new Date() })
      .where(and(inArray(inboxMessages.id, [...held]), isNull(inboxMessages.outcome)));
  };
  return {
    hold(id) {
      held.add(id);
      if (timer) return;
      timer = setInterval(() => void refresh().catch(() => undefined), everyMs);
      timer.unref();
    },
    drop(id) {
      held.delete(id);
      if (held.size > 0 || !timer) return;
      clearInterval(timer);
      timer = undefined;
    },
    refresh,
  };
}

export type InboxRow = typeof inboxMessages.$inferSelect;

export interface NewInboxRow {
  payload: string;
  /** The bytes as received when `payload` cannot reproduce them (messaging/encoding.ts). */
  rawPayload?: Buffer | null;
  payloadSha256: string;
  sizeBytes: number;
  transport: string;
  traceerId: string | null;
  conversatieId: string | null;
  alsAntwoordOp?: string | null;
  submittedBy: string | null;
  afzender: string | null;
  ontvanger: string | null;
  messageType: string | null;
}

/** Stores a message claimed by the caller, or finds the earlier delivery of the same message. */
export async function storeInbound(
  db: Database,
  row: NewInboxRow,
): Promise<{ row: InboxRow; created: boolean }> {
  const changed = db.$with('changed').as(
    db
      .insert(inboxMessages)
      .values({ ...row, status: 'received', claimedAt: new Date() })
      .onConflictDoNothing()
      .returning(),
  );
  const detail = { transport: row.transport, ...(row.traceerId !== null && { traceerId: row.traceerId }) };
  const history = withHistory(db, changed, { direction: 'in', status: 'received', detail });
  const [inserted] = await db.with(changed, history).select().from(changed);
  if (inserted) return { row: inserted, created: true };
  const sameTraceer =
    row.traceerId === null
      ? undefined
      : and(eq(inboxMessages.transport, row.transport), eq(inboxMessages.traceerId, row.traceerId));
  const [earlier] = await db
    .select()
    .from(inboxMessages)
    .where(or(sameTraceer, eq(inboxMessages.payloadSha256, row.payloadSha256)))
    .limit(1);
  if (!earlier) throw new Error('inbox row vanished after a conflict on its keys');
  return { row: earlier, created: false };
}

/** Takes over an earlier delivery that was never finished and is not being worked on. */
export async function claimUnfinished(db: Database, id: string): Promise<boolean> {
  const staleBefore = new Date(Date.now() - staleClaimMs);
  const claimed = await db
    .update(inboxMessages)
    .set({ claimedAt: new Date() })
    .where(
      and(
        eq(inboxMessages.id, id),
        isNull(inboxMessages.outcome),
        or(isNull(inboxMessages.claimedAt), lt(inboxMessages.claimedAt, staleBefore)),
      ),
    )
    .returning({ id: inboxMessages.id });
  return claimed.length === 1;
}

/**
 * Claims up to `limit` rows that were stored but never finished and whose claim is older than
 * `claimedBefore` (or released): the process that held them died, or routing failed and nobody sent the
 * message again. Each claim is the same conditional update as a re-delivery's, so two sweepers (or a
 * sweeper and a re-delivery) never take the same row. Rows without content (size 0: a payload the
 * transport could not give) are left to the transport, which offers them again with the reason.
 */
export async function claimStranded(db: Database, claimedBefore: Date, limit: number): Promise<InboxRow[]> {
  const candidates = await db
    .select({ id: inboxMessages.id })
    .from(inboxMessages)
    .where(
      and(
        isNull(inboxMessages.outcome),
        gt(inboxMessages.sizeBytes, 0),
        or(isNull(inboxMessages.claimedAt), lt(inboxMessages.claimedAt, claimedBefore)),
      ),
    )
    .orderBy(asc(inboxMessages.receivedAt))
    .limit(limit);
  const claimed: InboxRow[] = [];
  for (const { id } of candidates) {
    const [row] = await db
      .update(inboxMessages)
      .set({ claimedAt: new Date() })
      .where(
        and(
          eq(inboxMessages.id, id),
          isNull(inboxMessages.outcome),
          or(isNull(inboxMessages.claimedAt), lt(inboxMessages.claimedAt, claimedBefore)),
        ),
      )
      .returning();
    if (row) claimed.push(row);
  }
  return claimed;
}

/**
 * TR056: an earlier message of this type from this sender with this Identificatie that was taken
 * (not rejected: a message refused with 0001 counts as never sent, so its Identificatie may come again).
 */
export async function identificatieTaken(
  db: Database,
  m: { id: string; afzender: string; messageType: string; identificatie: string },
): Promise<boolean> {
  const [earlier] = await db
    .select({ id: inboxMessages.id })
    .from(inboxMessages)
    .where(
      and(
        eq(inboxMessages.afzender, m.afzender),
        eq(inboxMessages.messageType, m.messageType),
        eq(inboxMessages.identificatie, m.identificatie),
        ne(inboxMessages.id, m.id),
        ne(inboxMessages.status, 'rejected'),
        isNotNull(inboxMessages.outcome),
      ),
    )
    .limit(1);
  return earlier !== undefined;
}

/** Lets the next delivery retry at once (routing failed, e.g. Temporal unreachable). */
export async function releaseClaim(db: Database, id: string): Promise<void> {
  await db.update(inboxMessages).set({ claimedAt: null }).where(eq(inboxMessages.id, id));
}

export interface InboxResult {
  status: 'received' | 'routed' | 'rejected';
  messageType: string | null;
  afzender: string | null;
  ontvanger: string | null;
  identificatie: string | null;
  findings: unknown[] | null;
  routedTo: string | null;
  outcome: unknown;
}

/** Records what receiving the message did; from now on a re-delivery is answered with `outcome`. */
export async function finishInbound(db: Database, id: string, result: InboxResult): Promise<void> {
  const changed = db.$with('changed').as(
    db
      .update(inboxMessages)
      .set({ ...result, processedAt: sql`now()`, claimedAt: null })
      .where(eq(inboxMessages.id, id))
      .returning({ id: inboxMessages.id }),
  );
  const event = { direction: 'in', status: result.status, detail: eventDetail(result) } as const;
  await db
    .with(changed, withHistory(db, changed, event))
    .select()
    .from(changed);
}

/** Rule ids and where it went; the findings' texts stay on the row. */
function eventDetail(result: InboxResult): Record<string, unknown> {
  const rules = (result.findings ?? [])
    .map((f) => (f as { rule?: unknown }).rule)
    .filter((r) => typeof r === 'string');
  return {
    ...(result.routedTo && { routedTo: result.routedTo }),
    ...(rules.length > 0 && { rules }),
  };
}
