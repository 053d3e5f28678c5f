import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { count, eq } from 'drizzle-orm';
import type { InboundMessage, InboundOutcome } from '../../activities/inbound';
import { addDays, amsterdamDateOf } from '../../calendar';
import { assignmentWorkflowId, assignmentWorkflowType, stateQuery } from '../../contract/assignment';
import { assignments, type Database, outboxMessages } from '../../db';
import { makeIdentificatie } from '../../iwmo';
import { amsterdamTime } from '../../simulator/gemeente';
import { parseScenario } from '../../simulator/scenario';
import { build301, type SyntheticClient, syntheticClients } from '../../simulator/synthetic';

/*
 * BENCH_SLEEPING=N (bench/messaging.ts): stores N sleeping assignment workflows much faster than the
 * simulator path (~11/s), and still the real thing. Each is a 301 as the simulator issues it (build301,
 * synthetic clients, one product each) handed to the service's own inbound path (`receiveMessage`: inbox
 * row, one decode in the codec pool, routing's signal-with-start with the pseudonymised input), `concurrency`
 * at a time. The workflows then run on the bench's worker as in production: the 302 written to the outbox
 * by `sendMessage`, the read model's row by the local `recordAssignment`, then they sleep on their start
 * and deadline timers. Skipped: only the transport (the HTTPS fetch, confirm and the 302's delivery), so the
 * 302s stay 'pending' in the outbox. A workflow counts as settled when its read-model row exists: that row
 * is written after the 302, in the same loop turn that then waits.
 */

export interface SeedDeps {
  client: Client;
  db: Database;
  receive: (m: InboundMessage) => Promise<InboundOutcome>;
  gemeente: string;
  aanbieder: string;
}

export interface SeedResult {
  n: number;
  /** First receive → the last receive answered (every workflow started or signalled). */
  routedMs: number;
  /** First receive → N read-model rows (every workflow wrote its 302 and went to sleep). */
  settledMs: number;
  outbox302: number;
  /** Assignment workflows Running in visibility at the end. */
  open: number;
  sample: SampleCheck;
}

export interface SampleCheck {
  checked: number;
  /** Running, nothing pending, status toegewezen, a 302 in its messages, a deadline open, no BSN in its state. */
  sleeping: number;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Far above the simulator's numbers (bench/messaging.ts starts at 100,000), so the two never meet.
const firstNummer = 5_000_000;
// The simulator's defaults for a toewijzing (product 01A01, 4 per week, a year from today).
const { toewijzingen } = parseScenario({
  name: 'bench-sleeping',
  gemeente: '0384',
  aanbieder: '42420001',
  toewijzingen: { clients: 1, issueOnStart: false },
});

/** The i-th 301: the simulator's issue() (simulator/server.ts) for client i, today. */
function wmo301(deps: SeedDeps, i: number, client: SyntheticClient): InboundMessage {
  const now = new Date();
  const dagtekening = amsterdamDateOf(now);
  const ingangsdatum = addDays(dagtekening, toewijzingen.startInDays);
  const xml = build301({
    gemeente: deps.gemeente,
    aanbieder: deps.aanbieder,
    identificatie: makeIdentificatie('301', firstNummer + i),
    dagtekening,
    tijd: amsterdamTime.format(now),
    client,
    toewijzingNummer: firstNummer + i,
    ingangsdatum,
    einddatum: addDays(ingangsdatum, toewijzingen.durationDays - 1),
    toewijzing: toewijzingen,
  });
  const traceerId = randomUUID();
  return { payload: Buffer.from(xml, 'utf8'), transport: 'vecozo', traceerId, conversatieId: traceerId };
}

async function rows(db: Database): Promise<{ settled: number; outbox302: number }> {
  const [a] = await db.select({ n: count() }).from(assignments);
  const [o] = await db
    .select({ n: count() })
    .from(outboxMessages)
    .where(eq(outboxMessages.messageType, 'WMO302'));
  return { settled: a?.n ?? 0, outbox302: o?.n ?? 0 };
}

/** One workflow of the sample: what says it sleeps, or what does not. */
async function checkOne(deps: SeedDeps, i: number, bsn: string): Promise<string | undefined> {
  const workflowId = assignmentWorkflowId(deps.gemeente, firstNummer + i);
  const handle = deps.client.workflow.getHandle(workflowId);
  const d = await handle.describe();
  if (d.status.name !== 'RUNNING') return `${workflowId}: ${d.status.name}`;
  if (d.raw.pendingActivities?.length)
    return `${workflowId}: ${d.raw.pendingActivities.length} activities pending`;
  const s = await handle.query(stateQuery);
  if (s.status !== 'toegewezen') return `${workflowId}: status ${s.status}`;
  if (!s.messages.some((m) => m.direction === 'out' && m.type === 'WMO302'))
    return `${workflowId}: no WMO302 among its messages`;
  if (!s.deadlines.length) return `${workflowId}: no deadline`;
  if (JSON.stringify(s).includes(bsn)) return `${workflowId}: the BSN is in its state`;
  return undefined;
}

async function checkSample(deps: SeedDeps, clients: SyntheticClient[], size: number): Promise<SampleCheck> {
  const step = Math.max(1, Math.floor(clients.length / size));
  const problems: string[] = [];
  let checked = 0;
  for (let i = 0; i < clients.length && checked < size; i += step) {
    checked++;
    const problem = await checkOne(deps, i, (clients[i] as SyntheticClient).bsn);
    if (problem) problems.push(problem);
  }
  return { checked, sleeping: checked - problems.length, problems };
}

/** Running assignment workflows as visibility counts them; waits a little for it to catch up. */
async function openAssignments(client: Client, expected: number): Promise<number> {
  const query = `WorkflowType = '${assignmentWorkflowType}' AND ExecutionStatus = 'Running'`;
  let open = 0;
  for (let tries = 0; tries < 30; tries++) {
    open = (await client.workflow.count(query)).count;
    if (open >= expected) break;
    await sleep(1000);
  }
  return open;
}

export async function seedSleeping(
  deps: SeedDeps,
  n: number,
  concurrency: number,
  timeoutMs: number,
): Promise<SeedResult> {
  const clients = syntheticClients(n, 11);
  let next = 0;
  let failed = 0;
  const began = performance.now();
  const slot = async () => {
    while (next < n) {
      const i = next++;
      const outcome = await deps.receive(wmo301(deps, i, clients[i] as SyntheticClient));
      if (outcome.status !== 'routed') failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  const routedMs = performance.now() - began;
  if (failed) throw new Error(`seeding: ${failed} of ${n} 301s not routed`);
  console.error(`[bench] ${n} WMO301 routed in ${(routedMs / 1000).toFixed(1)} s; waiting for the 302s`);

  let seen = await rows(deps.db);
  let lastLog = performance.now();
  while (seen.settled < n) {
    if (performance.now() - began > timeoutMs)
      throw new Error(`seeding: ${seen.settled} of ${n} assignments settled after ${timeoutMs} ms`);
    if (performance.now() - lastLog > 10_000) {
      console.error(`[bench] ${seen.settled} of ${n} assignments asleep, ${seen.outbox302} WMO302 stored`);
      lastLog = performance.now();
    }
    await sleep(200);
    seen = await rows(deps.db);
  }
  const settledMs = performance.now() - began;
  const sample = await checkSample(deps, clients, 20);
  const open = await openAssignments(deps.client, n);
  return { n, routedMs, settledMs, outbox302: seen.outbox302, open, sample };
}
