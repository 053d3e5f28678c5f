import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createInbound } from '../activities/inbound';
import { createCodecPool } from '../activities/messaging/codec-pool';
import { createApi } from '../api/app';
import { loadProfiles } from '../config/profiles';
import { createDatabase } from '../db';
import { dataConverterFor, EncryptionCodec } from '../security';
import { escalationLinks, loadConfig } from './config';
import { type DevServer, startDevServer, waitForTemporal } from './dev-server';
import { ensureSearchAttributes } from './search-attributes';
import { resolveSecrets } from './secrets';
import { createWorker } from './worker';

/*
 * All in one process tree: Temporal (embedded dev server unless TEMPORAL_ADDRESS is set), the database
 * (PGlite unless DATABASE_URL is set, migrations applied), the worker and the Hono API.
 * Ctrl-C (SIGINT) or SIGTERM stops everything in reverse order.
 */

const log = (msg: string) => console.log(`[iwmo-flow] ${msg}`);

async function main(): Promise<void> {
  const config = loadConfig();
  // Protocol profiles first: a bad contract configuration stops the service before anything starts.
  const profiles = loadProfiles(config.PROFILES_DIR);
  log(`protocol profiles: ${[...profiles.profiles.keys()].join(', ')}`);
  // Secrets before Temporal too: without keys nothing may be written to a history.
  const secrets = resolveSecrets(config, log);
  const dataConverter = dataConverterFor(secrets.keyring);
  let devServer: DevServer | undefined;
  let address = config.TEMPORAL_ADDRESS;
  if (!address) {
    log(`starting Temporal dev server (UI http://127.0.0.1:${config.TEMPORAL_UI_PORT})`);
    devServer = await startDevServer({
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: config.TEMPORAL_DB_FILE,
      namespace: config.TEMPORAL_NAMESPACE,
    });
    address = devServer.address;
  } else {
    log(`waiting for Temporal at ${address}`);
    await waitForTemporal(address);
  }

  const database = createDatabase(
    config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: config.PGLITE_DIR },
  );
  await database.migrate();
  log(`database ready (${database.kind}), migrations applied`);

  const connection = await Connection.connect({ address });
  const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) log(`registered search attributes: ${added.join(', ')}`);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });

  // XML decode/encode runs in worker threads: a 25 MB message never stalls the API or the worker.
  const codec = createCodecPool();
  const inbound = createInbound({
    db: database.db,
    temporal: client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    profiles,
    clientRef: secrets.clientRef,
    codec,
  });

  const workerConnection = await NativeConnection.connect({ address });
  const worker = await createWorker({
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      db: database.db,
      codec,
      webhooks: config.ESCALATION_WEBHOOKS,
      links: escalationLinks(config),
    }),
    dataConverter,
  });
  const workerRun = worker.run();
  log(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${address}`);

  if (config.API_KEYS.length === 0)
    log('no API_KEYS configured: every /v1 route answers 401 (see .env.example)');
  if (config.CODEC_KEY_IDS.length === 0)
    log('no CODEC_KEY_IDS configured: /codec (Temporal UI decoding) answers 403 to every key');
  const api = createApi({
    temporal: client,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    database,
    apiKeys: config.API_KEYS,
    messages: { db: database.db, inbound },
    codec: {
      payloadCodec: new EncryptionCodec(secrets.keyring),
      allowedKeyIds: config.CODEC_KEY_IDS,
      uiOrigins: config.TEMPORAL_UI_ORIGIN,
    },
  });
  const server = serve({ fetch: api.fetch, port: config.PORT, hostname: config.HOST });
  log(`API listening on http://${config.HOST}:${config.PORT} (GET /health)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    server.close();
    worker.shutdown();
    await workerRun.catch(() => undefined);
    await workerConnection.close();
    await connection.close();
    await codec.close();
    await database.close();
    await devServer?.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`[iwmo-flow] start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
