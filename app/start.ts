import type { Server } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Hono } from 'hono';
import { createActivities } from '../activities';
import { createInbound, type Inbound } from '../activities/inbound';
import { createCodecPool } from '../activities/messaging/codec-pool';
import { createApi } from '../api/app';
import { databaseProbe, livenessRoutes, type Probe, readyRoutes } from '../api/health';
import { loadContracts } from '../config/contracts';
import { loadProfiles, profileDepartureLines } from '../config/profiles';
import { createDatabase } from '../db';
import { dataConverterFor, EncryptionCodec } from '../security';
import { type AppConfig, escalationLinks, loadConfig, uiOrigins } from './config';
import { describeExit, spawnDevServer, waitForTemporal } from './dev-server';
import { loggedInbound } from './inbound-log';
import { Lifecycle } from './lifecycle';
import { createLog, type Log } from './log';
import { ensurePollLoop, removePollSchedule, stopPollLoop } from './message-poll';
import { assertPortFree, listen, type PortSpec } from './ports';
import { ownsPoller, type Role, roleOf, roleProblems, runsApi, runsWorker } from './roles';
import { ensureSearchAttributes } from './search-attributes';
import { resolveSecrets } from './secrets';
import { installRuntime } from './telemetry';
import {
  connectOptions,
  type TemporalConnectionOptions,
  temporalConnectionOptions,
} from './temporal-connection';
import { startTransport } from './transport';
import { createWorker } from './worker';

/*
 * The service's entry point, in one of three roles (app/roles.ts): `npm start` (all in one process tree:
 * Temporal — the embedded dev server unless TEMPORAL_ADDRESS is set —, the database — PGlite unless
 * DATABASE_URL is set, migrations applied —, the worker and the Hono API), `npm run worker`, `npm run api`.
 * Every part is registered with the Lifecycle as soon as it exists, so a failed start-up, SIGINT/SIGTERM,
 * or the embedded Temporal dying stops exactly what was started, newest first, and the process exits.
 * `npm start` execs node with tsx as a loader (`--import tsx`), so a signal reaches this process itself:
 * the tsx CLI would relay it and SIGKILL us when we do not confirm it within 30 ms, e.g. under load.
 */

/** Until the configuration is read: the text form every start-up failure has always had. */
let log: Log = createLog({ format: 'text', level: 'info', base: { component: 'iwmo-flow' } });
const say = (msg: string) => log.info(msg);

async function main(): Promise<void> {
  const life = new Lifecycle(say);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void life.stop(signal).then(() => process.exit(0)));
  // A bug must not crash past the Lifecycle: that would leave the dev server running.
  const crash = (err: unknown) => {
    log.error(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (!life.stopping) void life.stop('fatal').then(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    const role = roleOf(process.argv[2]);
    const config = loadConfig();
    log = createLog({
      format: config.LOG_FORMAT ?? (role === 'all' ? 'text' : 'json'),
      level: config.LOG_LEVEL,
      base: { component: 'iwmo-flow', role },
    });
    await start(config, life, role);
  } catch (err) {
    // A signal during start-up aborts the step in flight; its handler finishes the stop and exits.
    if (life.signal.aborted) return;
    log.error(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await life.stop('start-up aborted');
    process.exit(1);
  }
}

/** Stops everything when a part dies on its own; `npm start` must not run on without it. */
function fatal(life: Lifecycle, what: string) {
  if (life.stopping) return;
  log.error(what);
  void life.stop('fatal').then(() => process.exit(1));
}

async function start(config: AppConfig, life: Lifecycle, role: Role): Promise<void> {
  const startedAt = new Date();
  // The role's needs and the Temporal connection first: a bad combination stops before anything starts.
  const problems = roleProblems(config, role);
  if (problems.length) throw new Error(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const temporalOptions = config.TEMPORAL_ADDRESS
    ? temporalConnectionOptions(config, config.TEMPORAL_ADDRESS)
    : temporalConnectionOptions(config, '');
  const poller = ownsPoller(config, role);
  say(
    `role ${role}${runsWorker(role) ? (poller ? ', owns the message poller' : ', poller owned elsewhere') : ''}`,
  );
  // Protocol profiles first: a bad contract configuration stops the service before anything starts.
  const profiles = loadProfiles(config.PROFILES_DIR);
  say(`protocol profiles: ${[...profiles.profiles.keys()].join(', ')}`);
  for (const line of profileDepartureLines(profiles)) say(line);
  // Contracts (products and tariffs) are checked against the profiles: a bad file stops the start too.
  const contracts = loadContracts(config.PROFILES_DIR, profiles);
  say(`contracts: ${contracts.contracts.map((c) => c.id).join(', ') || 'none'}`);
  // Secrets before Temporal too: without keys nothing may be written to a history.
  const secrets = resolveSecrets(config, say);
  const dataConverter = dataConverterFor(secrets.keyring);
  // Every port before anything starts: a second instance stops here, with one line.
  for (const spec of portsToBind(config, role)) await assertPortFree(spec);
  // The SDK's runtime before the first NativeConnection: its logs through ours, its metrics endpoint.
  if (runsWorker(role)) installRuntime({ log, metricsBindAddress: config.METRICS_BIND_ADDRESS });

  const database = createDatabase(
    config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: config.PGLITE_DIR },
  );
  await life.add({ name: 'database', stop: () => database.close() });
  // Under an advisory lock on PostgreSQL: a worker and an API starting together migrate one by one.
  await database.migrate();
  say(`database ready (${database.kind}), migrations applied`);

  const address = await startTemporal(config, life, temporalOptions);
  const connectWith = connectOptions({ ...temporalOptions, address });
  const connection = await Connection.connect(connectWith);
  await life.add({ name: 'Temporal client', stop: () => connection.close() });
  const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) say(`registered search attributes: ${added.join(', ')}`);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });

  // XML decode/encode runs in worker threads: a 25 MB message never stalls the API or the worker.
  const codec = createCodecPool();
  await life.add({ name: 'codec pool', stop: () => codec.close() });
  // Threads started now, not by the first messages (which would wait about a second per thread).
  await codec.warm();
  const inbound = loggedInbound(
    createInbound({
      db: database.db,
      temporal: client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      profiles,
      clientRef: secrets.clientRef,
      codec,
    }),
    log.child({ component: 'inbound' }),
  );

  const worker = runsWorker(role)
    ? await startWorker({
        config,
        life,
        address,
        connectWith,
        database,
        client,
        codec,
        inbound,
        dataConverter,
        contracts,
      })
    : undefined;
  if (worker && runsWorker(role)) {
    await resumeStranded(inbound, database.kind === 'pglite' ? startedAt : undefined);
    if (poller) await scheduleMessagePoll(config, client, worker.hasTransport);
  }

  const workerProbe: Probe = async () => {
    const state = worker?.state();
    if (state !== 'RUNNING') throw new Error(`worker is ${state ?? 'absent'}`);
  };
  if (!runsApi(role)) {
    // The worker role serves only its probes: GET /health (liveness) and /ready (worker + database).
    const ops = new Hono()
      .route(
        '/health',
        livenessRoutes(role, () => worker?.state() === 'RUNNING'),
      )
      .route(
        '/ready',
        readyRoutes(role, { worker: workerProbe, database: databaseProbe(database) }, { log: say }),
      );
    const server = createAdaptorServer({ fetch: ops.fetch }) as Server;
    await listen(server, apiPort(config, role));
    await life.add({ name: 'health endpoint', stop: () => closeServer(server) });
    say(`health endpoint on http://${config.HOST}:${config.PORT} (GET /health, GET /ready)`);
    return;
  }

  if (config.API_KEYS.length === 0)
    say('no API_KEYS configured: every /v1 route answers 401 (see .env.example)');
  if (!config.TEMPORAL_ADDRESS)
    say(
      `Temporal UI decodes payloads through /codec (allowed from ${uiOrigins(config).join(', ')} on loopback)`,
    );
  else if (config.CODEC_KEY_IDS.length === 0)
    say('no CODEC_KEY_IDS configured: /codec (Temporal UI decoding) answers 403 to every key');
  const api = createApi({
    temporal: client,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    database,
    apiKeys: config.API_KEYS,
    profiles,
    log: log.child({ component: 'api' }).line(),
    messages: { db: database.db, inbound },
    requests: { clientRef: secrets.clientRef },
    readiness: { role, probes: worker ? { worker: workerProbe } : {} },
    codec: {
      payloadCodec: new EncryptionCodec(secrets.keyring),
      allowedKeyIds: config.CODEC_KEY_IDS,
      uiOrigins: uiOrigins(config),
      // Embedded mode: the dev server's UI (no login, no key) decodes through /codec from loopback.
      trustLocalUi: !config.TEMPORAL_ADDRESS,
    },
  });
  const server = createAdaptorServer({ fetch: api.fetch }) as Server;
  await listen(server, apiPort(config));
  await life.add({ name: 'API', stop: () => closeServer(server) });
  say(`API listening on http://${config.HOST}:${config.PORT} (GET /health, /ready, /metrics)`);
}

interface WorkerParts {
  config: AppConfig;
  life: Lifecycle;
  address: string;
  connectWith: ReturnType<typeof connectOptions>;
  database: ReturnType<typeof createDatabase>;
  client: Client;
  codec: ReturnType<typeof createCodecPool>;
  inbound: Inbound;
  dataConverter: ReturnType<typeof dataConverterFor>;
  /** Checked at start-up: the claim lines are priced from exactly what the start-up validated. */
  contracts: ReturnType<typeof loadContracts>;
}

/**
 * The transport (the counterparty: the embedded simulator unless TRANSPORT names a real one, or none) and
 * the worker on the task queue. The simulator only in the process that owns the poller (app/roles.ts).
 */
async function startWorker(p: WorkerParts) {
  const { config, life } = p;
  const messaging = await startTransport(config, process.env, log.child({ component: 'simulator' }).line());
  if (messaging) {
    await life.add({ name: 'transport', stop: messaging.stop });
    say(`transport: ${messaging.description}`);
  }

  const workerConnection = await NativeConnection.connect(p.connectWith);
  await life.add({ name: 'worker connection', stop: () => workerConnection.close() });
  const worker = await createWorker({
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      db: p.database.db,
      codec: p.codec,
      webhooks: config.ESCALATION_WEBHOOKS,
      links: escalationLinks(config),
      temporal: p.client,
      contracts: p.contracts,
      log: log.child({ component: 'poller' }).line(),
      ...(messaging ? { transport: messaging.transport, inbound: p.inbound } : {}),
    }),
    dataConverter: p.dataConverter,
  });
  const workerRun = worker.run();
  workerRun.catch((err: unknown) => fatal(life, `worker stopped: ${(err as Error).message}`));
  await life.add({
    name: 'worker',
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun.catch(() => undefined);
    },
  });
  say(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${p.address}`);
  if (config.METRICS_BIND_ADDRESS) say(`worker metrics on http://${config.METRICS_BIND_ADDRESS}/metrics`);
  return { state: () => worker.getState(), hasTransport: messaging !== undefined };
}

/**
 * Inbox rows a previous run stored but never routed (killed between store and route) are finished now,
 * however they came. PGlite is locked to this process, so every claim made before it started belongs to a
 * dead one; on PostgreSQL another instance may still be working, so only stale claims are taken (the
 * poll round's sweep gets the rest later).
 */
async function resumeStranded(inbound: Inbound, claimedBefore: Date | undefined): Promise<void> {
  const total = { resumed: 0, failed: 0 };
  for (let batch = 0; batch < 100; batch++) {
    const r = await inbound.resumeStranded(claimedBefore ? { claimedBefore } : {});
    total.resumed += r.resumed;
    total.failed += r.failed;
    if (r.resumed === 0 || r.failed > 0) break;
  }
  if (total.resumed || total.failed)
    say(`inbox: ${total.resumed} message(s) stored by an earlier run finished, ${total.failed} failed again`);
}

/** The poller follows the transport: running with one, stopped with TRANSPORT=none; the old Schedule goes. */
async function scheduleMessagePoll(config: AppConfig, client: Client, enabled: boolean): Promise<void> {
  if (await removePollSchedule(client)) say('message poll Schedule of an earlier version removed');
  if (!enabled) {
    if (await stopPollLoop(client, 'TRANSPORT=none')) say('TRANSPORT=none: message poller stopped');
    return;
  }
  const how = await ensurePollLoop(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    intervalMs: config.MESSAGE_POLL_INTERVAL_MS,
    roundsPerRun: config.MESSAGE_POLL_ROUNDS_PER_RUN,
  });
  say(
    `message poller ${how}: workflow iwmo-message-poll, a round every ${config.MESSAGE_POLL_INTERVAL_MS} ms ` +
      `(mailbox and outbox), continues as new every ${config.MESSAGE_POLL_ROUNDS_PER_RUN} rounds`,
  );
}

/** The embedded dev server (stopped with everything else) or a wait for the configured one. */
async function startTemporal(
  config: AppConfig,
  life: Lifecycle,
  options: TemporalConnectionOptions,
): Promise<string> {
  if (config.TEMPORAL_ADDRESS) {
    say(`waiting for Temporal at ${options.description}`);
    await waitForTemporal(config.TEMPORAL_ADDRESS, life.signal, undefined, connectOptions(options));
    return config.TEMPORAL_ADDRESS;
  }
  const pragmas = config.TEMPORAL_DB_PRAGMAS.join(',') || 'SQLite defaults';
  say(
    `starting Temporal dev server (UI http://127.0.0.1:${config.TEMPORAL_UI_PORT}; ` +
      `${config.TEMPORAL_DB_FILE}: ${pragmas}; ${config.TEMPORAL_TQ_PARTITIONS} task-queue partition(s))`,
  );
  const devServer = spawnDevServer({
    port: config.TEMPORAL_DEV_PORT,
    uiCodecEndpoint: `http://${loopbackName(config.HOST)}:${config.PORT}/codec`,
    uiPort: config.TEMPORAL_UI_PORT,
    dbFile: config.TEMPORAL_DB_FILE,
    namespace: config.TEMPORAL_NAMESPACE,
    sqlitePragmas: config.TEMPORAL_DB_PRAGMAS,
    taskQueuePartitions: config.TEMPORAL_TQ_PARTITIONS,
    signal: life.signal,
  });
  // Registered before the wait: whatever happens next, this child is stopped with the rest.
  await life.add({ name: 'Temporal dev server', stop: devServer.stop });
  await devServer.ready;
  void devServer.exited.then((exit) =>
    fatal(life, `Temporal dev server exited unexpectedly (${describeExit(exit)})`),
  );
  say(`Temporal dev server ready on ${devServer.address} (pid ${devServer.pid})`);
  return devServer.address;
}

/** Where the browser reaches the API: its HOST, or loopback when it listens on every address. */
function loopbackName(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function apiPort(config: AppConfig, role: Role = 'all'): PortSpec {
  const what = runsApi(role) ? 'HTTP API' : 'health endpoint';
  return { host: config.HOST, port: config.PORT, variable: 'PORT', what };
}

function portsToBind(config: AppConfig, role: Role): PortSpec[] {
  const metrics =
    config.METRICS_BIND_ADDRESS && runsWorker(role) ? [metricsPort(config.METRICS_BIND_ADDRESS)] : [];
  if (config.TEMPORAL_ADDRESS) return [apiPort(config, role), ...metrics];
  const host = '127.0.0.1';
  return [
    apiPort(config, role),
    ...metrics,
    { host, port: config.TEMPORAL_DEV_PORT, variable: 'TEMPORAL_DEV_PORT', what: 'Temporal dev server' },
    { host, port: config.TEMPORAL_UI_PORT, variable: 'TEMPORAL_UI_PORT', what: 'Temporal Web UI' },
  ];
}

function metricsPort(bindAddress: string): PortSpec {
  const at = bindAddress.lastIndexOf(':');
  return {
    host: bindAddress.slice(0, at),
    port: Number(bindAddress.slice(at + 1)),
    variable: 'METRICS_BIND_ADDRESS',
    what: 'worker metrics',
  };
}

/** Stops accepting, drops idle keep-alive sockets; requests in flight finish (health checks are bounded). */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as Server & { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

void main();
