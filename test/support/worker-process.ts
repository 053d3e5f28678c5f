import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createInbound, type Inbound } from '../../activities/inbound';
import { createCodecPool } from '../../activities/messaging/codec-pool';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import type { IsoDate } from '../../calendar/iso-date';
import { loadProfiles } from '../../config/profiles';
import { createDatabase } from '../../db';
import { clientRef, createKeyring, dataConverterFor } from '../../security';
import { createRestTransport, vecozoEndpoints } from '../../transport/rest/client';

/*
 * A worker in a process of its own, for fault tests that kill it (SIGKILL) halfway through an activity:
 * the real activities (delivery, inbox poll, inbound path) against the test's Temporal dev server,
 * PostgreSQL and simulator, and the workflow bundle the test wrote, all given through the environment
 * (FAULT_* below). Prints `worker-ready` once it runs. Start it with
 * `node --import tsx test/support/worker-process.ts`.
 */

function todayFrom(file: string): IsoDate {
  let text = '';
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    // No file: the clock.
  }
  return (text || amsterdamDateOf(new Date())) as IsoDate;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`worker-process: ${name} is not set`);
  return value;
}

const taskQueue = env('FAULT_TASK_QUEUE');
const keyId = env('FAULT_PAYLOAD_KEY_ID');
const dataConverter = dataConverterFor(createKeyring([{ id: keyId, key: env('FAULT_PAYLOAD_KEY') }], keyId));
const refSecret = env('FAULT_REF_SECRET');
const address = env('FAULT_TEMPORAL_ADDRESS');
// The dev server's namespace unless told (the full server's is its own).
const namespace = process.env.FAULT_NAMESPACE ?? 'default';

const [cert, key, ca] = await Promise.all(
  ['FAULT_TLS_CERT', 'FAULT_TLS_KEY', 'FAULT_TLS_CA'].map((name) => readFile(env(name), 'utf8')),
);
const transport = createRestTransport({
  endpoints: vecozoEndpoints(env('FAULT_SIMULATOR_URL')),
  tls: { cert: cert as string, key: key as string, ca: ca as string },
  timeoutMs: Number(process.env.FAULT_TRANSPORT_TIMEOUT_MS ?? 5000),
});
const { db } = createDatabase({ url: env('FAULT_DATABASE_URL') });
const codec = createCodecPool({ size: 1 });
const client = new Client({ connection: await Connection.connect({ address }), namespace, dataConverter });
const inbound: Inbound = createInbound({
  db,
  temporal: client,
  taskQueue,
  profiles: loadProfiles(),
  clientRef: (bsn) => clientRef(bsn, refSecret),
  codec,
  // A test may move the inbound path's "today" back (a 301 received weeks ago: its deadline missed) by
  // writing an ISO date to this file; empty or absent = the clock.
  ...(process.env.FAULT_TODAY_FILE ? { today: () => todayFrom(process.env.FAULT_TODAY_FILE as string) } : {}),
});
// The test bundles the workflows once and hands the file over: a restart then takes a second, not a build.
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address }),
  workflowBundle: { codePath: env('FAULT_WORKFLOW_BUNDLE') },
  namespace,
  taskQueue,
  activities: createActivities({ db, codec, transport, inbound, temporal: client }),
  dataConverter,
});
await worker.runUntil(async () => {
  process.stdout.write('worker-ready\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
});
process.exit(0);
