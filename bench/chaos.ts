import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import postgres from 'postgres';
import { ensurePollLoop, stopPollLoop } from '../app/message-poll';
import { workflowsPath } from '../app/worker';
import { amsterdamDateOf } from '../calendar/amsterdam';
import { assignmentWorkflowId } from '../contract/assignment';
import { createDatabase, inboxMessages, outboxMessages } from '../db';
import { startFullServer } from '../scripts/temporal-server';
import { createKeyring, dataConverterFor } from '../security';
import { failureConverterPath } from '../security/payload-codec';
import { generateTestPki, readPair } from '../simulator/certs';
import { parseScenario } from '../simulator/scenario';
import { startSimulator } from '../simulator/server';
import { type ApiChild, startApiChild } from '../test/support/api-children';
import { startCluster } from '../test/support/postgres-cluster';
import { freePorts } from '../test/support/service';
import { startWorkerChild, type WorkerChild } from '../test/support/worker-children';
import { messageTypeOf } from '../transport/berichtstroom';

/*
 * Chaos run (issue 17; not in CI): N toewijzingen through the simulator on the full Temporal server
 * (four service processes on PostgreSQL) with two worker processes on one task queue and the poll loop,
 * and two API-only processes (`npm run api`), while SIGKILLs hit a random worker process, API process or
 * server service every few seconds (each restarted at once). Every 302 reported to the gemeente makes
 * the driver report the start as the provider's system does: POST /v1/assignments/…/start with its
 * bearer token and an eventId, to one API process and, on a connection error or a 5xx, again (same
 * eventId) to the other (→ 305). Afterwards it counts 302s per 301 and 305s per reported start, in the
 * outbox and at the simulator, and prints a markdown summary with the kills per target.
 *
 *   npx tsx bench/chaos.ts                       # CHAOS_TOEWIJZINGEN=200, CHAOS_KILLS=30
 *   CHAOS_TOEWIJZINGEN=1000 CHAOS_KILLS=100 CHAOS_KILL_EVERY_MS=4000 npx tsx bench/chaos.ts
 * */

const n = Number(process.env.CHAOS_TOEWIJZINGEN ?? 200);
const kills = Number(process.env.CHAOS_KILLS ?? 30);
const killEveryMs = Number(process.env.CHAOS_KILL_EVERY_MS ?? 3000);
const settleMs = Number(process.env.CHAOS_SETTLE_MS ?? 20_000);
const deadlineMs = Number(process.env.CHAOS_TIMEOUT_MS ?? 30 * 60_000);
const gemeente = '0384';
const aanbieder = '42420001';
const firstNummer = 50_000;
const today = amsterdamDateOf(new Date());
const log = (line: string) =>
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const dir = await mkdtemp(join(tmpdir(), 'iwmo-chaos-'));
const cluster = await startCluster();
const cleanups: (() => Promise<unknown> | unknown)[] = [() => cluster.stop()];
const workers: WorkerChild[] = [];
const apis: ApiChild[] = [];
try {
  const server = await startFullServer({ postgresUrl: cluster.url, stopGraceMs: 5000 });
  cleanups.unshift(async () => {
    await server.stop();
    await server.dropDatabases();
  });
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  await admin.unsafe('create database iwmo_chaos');
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = '/iwmo_chaos';
  const handle = createDatabase({ url: url.toString() });
  cleanups.unshift(() => handle.close());
  await handle.migrate();
  const db = handle.db;

  const pki = await generateTestPki({ dir, clients: [aanbieder] });
  const ca = await readFile(pki.caCert, 'utf8');
  const scenario = parseScenario({
    name: 'chaos',
    gemeente,
    aanbieder,
    toewijzingen: { clients: n, seed: 17, firstNummer, issueOnStart: false },
    answers: { delayMs: 200, WMO305: { decision: 'approve' }, WMO307: { decision: 'approve' } },
  });
  const sim = await startSimulator({ tls: { ...(await readPair(pki.server)), ca }, scenario });
  cleanups.unshift(() => sim.close());

  const payloadKey = randomBytes(32).toString('base64');
  const dataConverter = dataConverterFor(createKeyring([{ id: 'chaos', key: payloadKey }], 'chaos'));
  const bundlePath = join(dir, 'bundle.js');
  const bundle = await bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quiet });
  await writeFile(bundlePath, bundle.code);
  const taskQueue = `chaos-${randomUUID()}`;
  const pair = pki.clients[aanbieder];
  if (!pair) throw new Error('no client certificate');
  const options = {
    taskQueue,
    bundlePath,
    temporalAddress: server.address,
    namespace: server.namespace,
    databaseUrl: url.toString(),
    simulatorUrl: sim.url,
    tls: { cert: pair.cert, key: pair.key, ca: pki.caCert },
    payloadKeyId: 'chaos',
    payloadKey,
    refSecret: randomBytes(32).toString('hex'),
  };
  workers.push(...(await Promise.all(['worker-a', 'worker-b'].map((w) => startWorkerChild(w, options)))));
  // The provider's system authenticates with a bearer token whose key may act for this aanbieder only.
  const token = randomBytes(24).toString('base64url');
  const apiKeys = [
    {
      id: 'chaos-aanbieder',
      tokenSha256: createHash('sha256').update(token).digest('hex'),
      aanbieders: [aanbieder],
      gemeenten: [],
    },
  ];
  const ports = await freePorts(2);
  apis.push(
    ...(await Promise.all(
      ['api-a', 'api-b'].map((a, i) =>
        startApiChild(a, { ...options, port: ports[i] as number, apiKeys, dataDir: join(dir, a) }),
      ),
    )),
  );
  const connection = await Connection.connect({ address: server.address });
  cleanups.unshift(() => connection.close());
  const client = new Client({ connection, namespace: server.namespace, dataConverter });
  await ensurePollLoop(client, { taskQueue, intervalMs: 1000 });

  const pushed = (type: string) =>
    sim.store.all().filter((m) => m.afzender.code === aanbieder && messageTypeOf(m.berichtstroom) === type);

  // ---- the load and the kills ----
  const load = Math.round(Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]) * 10) / 10;
  const issued = sim.issue(n);
  const t0 = Date.now();
  log(`issued ${n} 301s; ${kills} kills every ${killEveryMs} ms`);
  const killLog: { target: string; at: number; restartMs: number; ok: boolean; cut: number }[] = [];
  // Start requests an API process is working on: a kill cuts them off (the driver then retries elsewhere).
  const inFlight = new Map<string, number>();
  const targets = [
    'worker-a',
    'worker-b',
    'api-a',
    'api-b',
    'frontend',
    'history',
    'matching',
    'worker',
  ] as const;
  const killing = (async () => {
    for (let k = 0; k < kills; k++) {
      await sleep(killEveryMs);
      const target = targets[Math.floor(Math.random() * targets.length)] as (typeof targets)[number];
      const at = Date.now();
      const cut = inFlight.get(target) ?? 0;
      try {
        const child = [...workers, ...apis].find((w) => w.name === target);
        if (child) await child.restart();
        else {
          const service = server.services[target as 'frontend'];
          service.kill('SIGKILL');
          await service.exited;
          await service.restart();
        }
        killLog.push({ target, at: at - t0, restartMs: Date.now() - at, ok: true, cut });
      } catch (err) {
        killLog.push({ target, at: at - t0, restartMs: Date.now() - at, ok: false, cut });
        log(`restart of ${target} failed: ${(err as Error).message.slice(0, 300)}`);
      }
    }
  })();

  // Every 302 at the gemeente: the provider's system reports the start through the API, retried (same
  // eventId, so the same update) on the other API process when one is down or answers 5xx.
  const started = new Set<number>();
  const starting = new Set<number>();
  const refused: string[] = [];
  // Per API process: requests sent, answered 202, failed to connect (or cut off by a kill), answered 5xx.
  const lanes = apis.map((api) => ({ api, sent: 0, accepted: 0, connectionErrors: 0, serverErrors: 0 }));
  const byTraceer = new Map<string, number>();
  for (const [i, t] of issued.entries()) byTraceer.set(t, firstNummer + i);
  const reportStart = async (nummer: number) => {
    const body = JSON.stringify({ eventId: `chaos-start-${nummer}`, begindatum: today });
    for (let attempt = 0; attempt < 120; attempt++) {
      const tally = lanes[(nummer + attempt) % lanes.length] as (typeof lanes)[number];
      tally.sent++;
      const name = tally.api.name;
      inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
      let res: Response | undefined;
      let answer: { rule?: string; detail?: string } = {};
      try {
        res = await fetch(`${tally.api.url}/v1/assignments/${gemeente}/${nummer}/start`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(60_000),
        });
        answer = (await res.json().catch(() => ({}))) as typeof answer;
      } catch {
        res = undefined; // refused, reset or cut off by a kill
      } finally {
        inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
      }
      if (!res) {
        tally.connectionErrors++;
        await sleep(500);
        continue;
      }
      if (res.status === 202) {
        tally.accepted++;
        started.add(nummer);
        return;
      }
      if (res.status >= 500) {
        tally.serverErrors++;
        await sleep(500);
        continue;
      }
      // A 4xx is an answer, not an outage: the same event refused would be a bug in the service.
      refused.push(`${nummer}: ${res.status} ${answer.rule ?? ''} ${answer.detail ?? ''}`.slice(0, 300));
      return;
    }
    refused.push(`${nummer}: no answer after 120 attempts`);
  };
  const reports: Promise<void>[] = [];
  let answered = 0;
  while (Date.now() - t0 < deadlineMs) {
    for (const m of pushed('WMO302')) {
      const nummer = byTraceer.get(m.alsAntwoordOp ?? '');
      if (nummer !== undefined && !starting.has(nummer)) {
        starting.add(nummer);
        reports.push(reportStart(nummer).finally(() => answered++));
      }
    }
    // Done once every 301 has its 302, every start request its answer and every accepted start its 305.
    if (pushed('WMO302').length >= n && answered >= n && pushed('WMO305').length >= started.size) break;
    await sleep(500);
  }
  const doneMs = Date.now() - t0;
  await killing;
  await Promise.all(reports);
  log(`all in at ${doneMs} ms; settling ${settleMs} ms`);
  await sleep(settleMs);
  await stopPollLoop(client, 'chaos done').catch(() => false);

  // ---- the count ----
  const outbox = await db.select().from(outboxMessages);
  const inbox = await db.select().from(inboxMessages);
  const countBy = <T>(items: T[], key: (x: T) => string | null | undefined) => {
    const m = new Map<string, number>();
    for (const x of items) m.set(key(x) ?? '', (m.get(key(x) ?? '') ?? 0) + 1);
    return m;
  };
  const histogram = (expected: string[], counts: Map<string, number>) => {
    const h: Record<string, number> = {};
    for (const k of expected) h[String(counts.get(k) ?? 0)] = (h[String(counts.get(k) ?? 0)] ?? 0) + 1;
    return JSON.stringify(h);
  };
  const startedIds = [...started].map((nr) => assignmentWorkflowId(gemeente, nr));
  const outbox305 = outbox.filter((r) => r.messageType === 'WMO305');
  const traceerToWorkflow = new Map(outbox305.map((r) => [r.traceerId ?? '', r.workflowId ?? '']));
  const sim305 = pushed('WMO305');
  const rows = [
    [
      '302 per 301, outbox',
      histogram(
        issued,
        countBy(
          outbox.filter((r) => r.messageType === 'WMO302'),
          (r) => r.alsAntwoordOp,
        ),
      ),
    ],
    [
      '302 per 301, simulator',
      histogram(
        issued,
        countBy(pushed('WMO302'), (m) => m.alsAntwoordOp),
      ),
    ],
    [
      '305 per reported start, outbox',
      histogram(
        startedIds,
        countBy(outbox305, (r) => r.workflowId),
      ),
    ],
    [
      '305 per reported start, simulator',
      histogram(
        startedIds,
        countBy(sim305, (m) => traceerToWorkflow.get(m.traceerId)),
      ),
    ],
  ];
  const byTarget = countBy(killLog, (k) => k.target);
  const restart = killLog.map((k) => k.restartMs).sort((a, b) => a - b);
  console.log(`\n### Chaos run ${new Date().toISOString().slice(0, 16)}Z\n`);
  console.log(
    `${n} toewijzingen, ${killLog.length} SIGKILLs every ${killEveryMs} ms, load average (1 min) at start ${load}, at end ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]}`,
  );
  console.log(
    `all 302s and 305s at the simulator after ${(doneMs / 1000).toFixed(1)} s; starts reported through the API: ${started.size}, refused: ${refused.length}${refused.length ? ` (${refused.slice(0, 5).join('; ')})` : ''}; start requests per API process ${JSON.stringify(Object.fromEntries(lanes.map(({ api, ...t }) => [api.name, t])))}; inbox rows ${inbox.length} (${JSON.stringify(Object.fromEntries(countBy(inbox, (r) => r.status)))}); outbox not sent: ${outbox.filter((r) => r.status !== 'sent').length}; 305s at the simulator not in the outbox: ${sim305.filter((m) => !traceerToWorkflow.has(m.traceerId)).length}\n`,
  );
  console.log('| count | {copies: how many} |\n| :-- | :-- |');
  for (const [what, h] of rows) console.log(`| ${what} | ${h} |`);
  console.log(
    `\nKills by target: ${JSON.stringify(Object.fromEntries(byTarget))}; failed restarts: ${killLog.filter((k) => !k.ok).length}; API kills that cut off start requests in flight: ${killLog.filter((k) => k.cut > 0).length} of ${killLog.filter((k) => k.target.startsWith('api-')).length} (${killLog.reduce((sum, k) => sum + k.cut, 0)} requests); restart ms median ${restart[Math.floor(restart.length / 2)] ?? '-'}, max ${restart.at(-1) ?? '-'}`,
  );
} finally {
  await Promise.all([...workers, ...apis].map((w) => w.kill()));
  for (const c of cleanups)
    await Promise.resolve(c()).catch((err) => log(`cleanup: ${(err as Error).message}`));
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
