import { and, eq, inArray, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { heenOfRetour302Key, retour302Key } from '../../contract/assignment/keys';
import { heenOfRetour320Key, retour320Key } from '../../contract/request/keys';
import type { Database } from '../client';
import { inboxMessages, outboxMessages } from '../schema';
import {
  type ArchiveScope,
  getMessage,
  inboxColumns,
  inboxScope,
  type MessageSummary,
  outboxColumns,
  outboxScope,
} from './messages';

/*
 * A message's conversation: the heen message, its retour(s) and what followed, found by walking links
 * outward from the message until nothing new turns up (bounded by `max`):
 *   - a 301 in ↔ its 302 out: the 302's idempotency key is `retour302Key(inbox id)` (contract/assignment/keys.ts);
 *   - a 319 in ↔ its 320 out, likewise by `retour320Key(inbox id)` (contract/request/keys.ts);
 *   - a 305/307 out ↔ its 306/308 in: the retour copies the heen's header, so Afzender, Ontvanger and
 *     Identificatie are the heen's (the same link routeRetour uses);
 *   - what followed: the messages out of the workflows a message in was routed to (a 301's 305/307),
 *     and the messages in routed to those workflows (a later 301 version, the 306/308);
 *   - the transport's conversatieId, on either side: a 302 carries its 301's (CC05), a heen message
 *     out its own, which the gemeente's retour carries back;
 *   - a 325 in ↔ its 323 out: VECOZO does not link them, the inbox router does (routedTo = the claims
 *     batch that wrote the 323), so they meet through the workflow link and the 325 answers the 323.
 */

/** Retour type in → the heen type out it answers (our sent message, their retour). */
const heenOfRetour: Record<string, string> = {
  WMO306: 'WMO305',
  WMO308: 'WMO307',
  WMO316: 'WMO315',
  WMO318: 'WMO317',
  WMO320: 'WMO319',
};
const retourOfHeen = Object.fromEntries(Object.entries(heenOfRetour).map(([r, h]) => [h, r]));
/** The inbox id of the message in an outbox row answers (a 302's 301, a 320's 319), from its key. */
const heenInboxIdOf = (key: string) => heenOfRetour302Key(key) ?? heenOfRetour320Key(key);

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ConversationMessage extends MessageSummary {
  /** The message this one answers (a retour's heen), when it is in the conversation. */
  inReplyTo: string | null;
}

type OutRow = MessageSummary & { idempotencyKey: string };

interface Found {
  inbox: Map<string, MessageSummary>;
  outbox: Map<string, OutRow>;
}

const header = (m: MessageSummary) => `${m.afzender}|${m.ontvanger}|${m.identificatie}`;

function sameHeader(
  t: typeof inboxMessages | typeof outboxMessages,
  type: string,
  m: MessageSummary,
): SQL | undefined {
  if (!m.afzender || !m.ontvanger || !m.identificatie) return undefined;
  return and(
    eq(t.messageType, type),
    eq(t.afzender, m.afzender),
    eq(t.ontvanger, m.ontvanger),
    eq(t.identificatie, m.identificatie),
  );
}

function workflowsOf(found: Found): string[] {
  const ids = new Set<string>();
  for (const m of [...found.inbox.values(), ...found.outbox.values()])
    for (const w of m.workflowId?.split(',') ?? []) if (w) ids.add(w);
  return [...ids];
}

function conversatiesOf(found: Found): string[] {
  const ids = new Set<string>();
  for (const m of [...found.inbox.values(), ...found.outbox.values()])
    if (m.conversatieId) ids.add(m.conversatieId);
  return [...ids];
}

const textArray = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

async function moreInbox(db: Database, scope: ArchiveScope, found: Found, limit: number) {
  const outs = [...found.outbox.values()];
  const heenIds = outs
    .map((o) => heenInboxIdOf(o.idempotencyKey))
    .filter((id): id is string => id !== undefined)
    .filter((id) => uuidPattern.test(id));
  const workflows = workflowsOf(found);
  const conversaties = conversatiesOf(found);
  const links = [
    heenIds.length ? inArray(inboxMessages.id, heenIds) : undefined,
    workflows.length
      ? sql`string_to_array(${inboxMessages.routedTo}, ',') && ${textArray(workflows)}`
      : undefined,
    conversaties.length ? inArray(inboxMessages.conversatieId, conversaties) : undefined,
    ...outs.flatMap((o) => {
      const retour = o.messageType ? retourOfHeen[o.messageType] : undefined;
      return retour ? [sameHeader(inboxMessages, retour, o)] : [];
    }),
  ].filter((l): l is SQL => l !== undefined);
  if (!links.length) return [];
  const known = [...found.inbox.keys()];
  const rows = await db
    .select(inboxColumns)
    .from(inboxMessages)
    .where(
      and(inboxScope(scope), known.length ? notInArray(inboxMessages.id, known) : undefined, or(...links)),
    )
    .limit(limit);
  return rows.map((r) => ({ ...r, direction: 'in' as const }));
}

async function moreOutbox(db: Database, scope: ArchiveScope, found: Found, limit: number) {
  const inScope = outboxScope(scope);
  if (!inScope) return [];
  const ins = [...found.inbox.values()];
  const workflows = workflowsOf(found);
  const conversaties = conversatiesOf(found);
  const links = [
    conversaties.length ? inArray(outboxMessages.conversatieId, conversaties) : undefined,
    ins.length
      ? inArray(
          outboxMessages.idempotencyKey,
          ins.flatMap((m) => [retour302Key(m.id), retour320Key(m.id)]),
        )
      : undefined,
    workflows.length ? inArray(outboxMessages.workflowId, workflows) : undefined,
    ...ins.flatMap((m) => {
      const heen = m.messageType ? heenOfRetour[m.messageType] : undefined;
      return heen ? [sameHeader(outboxMessages, heen, m)] : [];
    }),
  ].filter((l): l is SQL => l !== undefined);
  if (!links.length) return [];
  const known = [...found.outbox.keys()];
  const rows = await db
    .select({ ...outboxColumns, idempotencyKey: outboxMessages.idempotencyKey })
    .from(outboxMessages)
    .where(and(inScope, known.length ? notInArray(outboxMessages.id, known) : undefined, or(...links)))
    .limit(limit);
  return rows.map((r) => ({ ...r, direction: 'out' as const }));
}

function repliesOf(found: Found): Map<string, string> {
  const replies = new Map<string, string>();
  const heenByHeader = new Map<string, string>();
  for (const o of found.outbox.values()) {
    if (o.messageType && retourOfHeen[o.messageType]) heenByHeader.set(`${o.messageType}|${header(o)}`, o.id);
    const heen = heenInboxIdOf(o.idempotencyKey);
    if (heen && found.inbox.has(heen)) replies.set(o.id, heen);
  }
  const declaraties = new Map<string, string>();
  for (const o of found.outbox.values())
    if (o.messageType === 'WMO323' && o.workflowId) declaraties.set(o.workflowId, o.id);
  for (const m of found.inbox.values()) {
    const declaratie = m.messageType === 'WMO325' && m.workflowId && declaraties.get(m.workflowId);
    if (declaratie) replies.set(m.id, declaratie);
    const heenType = m.messageType ? heenOfRetour[m.messageType] : undefined;
    const heen = heenType && heenByHeader.get(`${heenType}|${header(m)}`);
    if (heen) replies.set(m.id, heen);
  }
  return replies;
}

/** The conversation around message `id`, oldest first; undefined when the message is not in scope. */
export async function conversationOf(
  db: Database,
  scope: ArchiveScope,
  id: string,
  max = 200,
): Promise<{ messages: ConversationMessage[]; truncated: boolean } | undefined> {
  const start = await getMessage(db, scope, id);
  if (!start) return undefined;
  const found: Found = { inbox: new Map(), outbox: new Map() };
  if (start.direction === 'in') found.inbox.set(start.id, start);
  else {
    const [key] = await db
      .select({ k: outboxMessages.idempotencyKey })
      .from(outboxMessages)
      .where(eq(outboxMessages.id, start.id));
    found.outbox.set(start.id, { ...start, idempotencyKey: key?.k ?? '' });
  }
  let truncated = false;
  for (;;) {
    const room = max - found.inbox.size - found.outbox.size;
    if (room <= 0) {
      truncated = true;
      break;
    }
    const [ins, outs] = await Promise.all([
      moreInbox(db, scope, found, room),
      moreOutbox(db, scope, found, room),
    ]);
    if (!ins.length && !outs.length) break;
    for (const m of ins.slice(0, room)) found.inbox.set(m.id, m);
    for (const m of outs.slice(0, Math.max(0, room - ins.length))) found.outbox.set(m.id, m);
  }
  const replies = repliesOf(found);
  const all = [...found.inbox.values(), ...found.outbox.values()].map((m) => {
    const { idempotencyKey: _key, ...summary } = m as OutRow;
    return { ...summary, inReplyTo: replies.get(m.id) ?? null };
  });
  all.sort((a, b) => (a.position === b.position ? (a.id < b.id ? -1 : 1) : a.position < b.position ? -1 : 1));
  return { messages: all, truncated };
}
