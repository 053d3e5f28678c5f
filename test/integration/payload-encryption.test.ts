import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../api/app';
import { temporalCliPath } from '../../app/temporal-binaries';
import { createKeyring, dataConverterFor, EncryptionCodec, keyIdMetadataKey } from '../../security';
import { createTestDatabase } from '../support/database';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';
import { proceedSignal, smokeWorkflow } from '../support/workflows/smoke';

/*
 * Payload encryption on the real dev server: the smoke workflow runs with a distinctive marker in its
 * memo, signal and result; the raw history (read without any data converter) holds no trace of it,
 * while the codec — and the /codec endpoint the Temporal UI and CLI use — recover it. A control run
 * without the codec shows the raw check does find plaintext when it is there.
 */

const execFileAsync = promisify(execFile);
const History = proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
type RawHistory = proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;

const keyring = createKeyring([{ id: 'it-2026', key: randomBytes(32).toString('base64') }], 'it-2026');
const dataConverter = dataConverterFor(keyring);
const codec = new EncryptionCodec(keyring);
const uiOrigin = 'http://localhost:8233';
const opsToken = 'ops-token-for-codec';
const providerToken = 'provider-token';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const apiKeys = [
  { id: 'ops', tokenSha256: sha(opsToken), aanbieders: [], gemeenten: ['1916'] },
  { id: 'zorg-bv', tokenSha256: sha(providerToken), aanbieders: ['12345678'], gemeenten: [] },
];

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
const workers: { worker: Worker; run: Promise<void> }[] = [];
let encryptedQueue: string;
let plainQueue: string;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  const encrypted = await createTestWorker(env, {}, { dataConverter });
  const plain = await createTestWorker(env);
  encryptedQueue = encrypted.taskQueue;
  plainQueue = plain.taskQueue;
  for (const { worker } of [encrypted, plain]) workers.push({ worker, run: worker.run() });
});

afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.run));
  await testDb?.drop();
  await env?.teardown();
});

function api(withCodec = true, trustLocalUi = false) {
  return createApi({
    temporal: env.client,
    namespace: 'default',
    taskQueue: encryptedQueue,
    database: testDb.handle,
    apiKeys,
    codec: withCodec
      ? { payloadCodec: codec, allowedKeyIds: ['ops'], uiOrigins: [uiOrigin], trustLocalUi }
      : undefined,
  });
}

/** A non-loopback address of this machine, to reach the API from as another host would; none = skip. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** Runs the smoke workflow to completion with `marker` in its memo, signal and result. */
async function runSmoke(client: Client, taskQueue: string, marker: string): Promise<string> {
  const workflowId = `codec-${randomUUID()}`;
  const handle = await client.workflow.start(smokeWorkflow, {
    taskQueue,
    workflowId,
    args: [{ waitDays: 30 }],
    memo: { note: marker },
  });
  await handle.signal(proceedSignal, marker);
  expect(await handle.result()).toEqual({ phase: 'done', proceededWith: marker });
  return workflowId;
}

/** The history exactly as the server returns it: no data converter, no codec. */
function rawHistory(workflowId: string): Promise<RawHistory> {
  return env.connection.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId },
  }) as Promise<RawHistory>;
}

/** Every payload a smoke history carries: start input, memo, signal input, result. */
function payloadsOf(history: RawHistory): { signal: Payload; all: Payload[] } {
  const events = history.history?.events ?? [];
  const started = events.find(
    (e) => e.workflowExecutionStartedEventAttributes,
  )?.workflowExecutionStartedEventAttributes;
  const signaled = events.find(
    (e) => e.workflowExecutionSignaledEventAttributes,
  )?.workflowExecutionSignaledEventAttributes;
  const completed = events.find(
    (e) => e.workflowExecutionCompletedEventAttributes,
  )?.workflowExecutionCompletedEventAttributes;
  const signal = signaled?.input?.payloads?.[0];
  if (!signal) throw new Error('history has no signal payload');
  const all = [
    ...(started?.input?.payloads ?? []),
    ...Object.values(started?.memo?.fields ?? {}),
    signal,
    ...(completed?.result?.payloads ?? []),
  ];
  expect(all).toHaveLength(4);
  return { signal, all };
}

const rawBytes = (h: RawHistory) => Buffer.from(History.encode(h).finish());
const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');
const fromB64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data),
});

let encryptedRun: { workflowId: string; marker: string; signal: Payload };

describe('the raw history', () => {
  it('holds the marker in plaintext without the codec (control)', async () => {
    const marker = `PLAIN-${randomUUID()}`;
    const id = await runSmoke(new Client({ connection: env.connection }), plainQueue, marker);
    expect(rawBytes(await rawHistory(id)).includes(marker)).toBe(true);
  });

  it('holds no trace of the marker with the codec, and the codec recovers it', async () => {
    const marker = `SECRET-${randomUUID()}`;
    const client = new Client({ connection: env.connection, dataConverter });
    const workflowId = await runSmoke(client, encryptedQueue, marker);
    const history = await rawHistory(workflowId);

    const raw = rawBytes(history);
    expect(raw.includes(marker)).toBe(false);
    expect(raw.includes(Buffer.from(marker).toString('base64').slice(0, 20))).toBe(false);

    const { signal, all } = payloadsOf(history);
    for (const p of all) {
      expect(text(p.metadata?.encoding)).toBe('binary/encrypted');
      expect(text(p.metadata?.[keyIdMetadataKey])).toBe('it-2026');
    }
    const decoded = (await codec.decode(all)).map((p) => JSON.parse(text(p.data)));
    expect(decoded).toEqual([{ waitDays: 30 }, marker, marker, { phase: 'done', proceededWith: marker }]);
    encryptedRun = { workflowId, marker, signal };
  });
});

describe('POST /codec/decode', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    api().request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: uiOrigin, ...headers },
      body: JSON.stringify(body),
    });
  const asOps = { authorization: `Bearer ${opsToken}` };

  it('decodes a payload taken from the raw history, with CORS for the UI', async () => {
    const res = await post('/codec/decode', { payloads: [toJson(encryptedRun.signal)] }, asOps);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(body.payloads).toHaveLength(1);
    expect(fromB64(body.payloads[0]?.metadata.encoding ?? '')).toBe('json/plain');
    expect(JSON.parse(fromB64(body.payloads[0]?.data ?? ''))).toBe(encryptedRun.marker);
  });

  it('encodes for the UI, and what it encodes decodes again', async () => {
    const plain = { metadata: { encoding: b64(Buffer.from('json/plain')) }, data: b64(Buffer.from('"hi"')) };
    const enc = await post('/codec/encode', { payloads: [plain] }, asOps);
    expect(enc.status).toBe(200);
    const encoded = (await enc.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(fromB64(encoded.payloads[0]?.metadata.encoding ?? '')).toBe('binary/encrypted');
    const dec = await post('/codec/decode', encoded, asOps);
    expect(await dec.json()).toEqual({ payloads: [plain] });
  });

  it('answers 401 without a key and 403 for a key that is not an operator key, CORS headers kept', async () => {
    const body = { payloads: [toJson(encryptedRun.signal)] };
    const anonymous = await post('/codec/decode', body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const provider = await post('/codec/decode', body, { authorization: `Bearer ${providerToken}` });
    expect(provider.status).toBe(403);
    expect(((await provider.json()) as { detail: string }).detail).toBe(
      'API key "zorg-bv" may not use the codec endpoint (CODEC_KEY_IDS)',
    );
  });

  it('answers the browser preflight without auth, for the UI origin only', async () => {
    const preflight = (origin: string) =>
      api().request('/codec/decode', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ok = await preflight(uiOrigin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(ok.headers.get('access-control-allow-methods')?.split(',')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.split(',').sort()).toEqual([
      'authorization',
      'content-type',
      'x-namespace',
    ]);
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses bad requests with the rule they broke', async () => {
    const tampered = toJson(encryptedRun.signal);
    tampered.data = `A${tampered.data.slice(1)}`;
    const bad = await post('/codec/decode', { payloads: [tampered] }, asOps);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: string }).detail).toBe(
      'encrypted payload (key "it-2026") failed authentication: it was altered or encrypted with a different key under that id',
    );
    const notBase64 = await post('/codec/decode', { payloads: [{ data: 'not base64!' }] }, asOps);
    expect(notBase64.status).toBe(400);
    expect(((await notBase64.json()) as { detail: string }).detail).toBe(
      'body.payloads.0.data: must be base64',
    );
    const textBody = await post('/codec/decode', 'x', { ...asOps, 'content-type': 'text/plain' });
    expect(textBody.status).toBe(415);
    const unconfigured = await api(false).request('/codec/decode', { method: 'POST' });
    expect(unconfigured.status).toBe(404);
    expect(((await unconfigured.json()) as { detail: string }).detail).toBe('codec endpoint not configured');
  });
});

/** The workflow result's payload from `temporal workflow show --output json` (proto JSON). */
function resultPayload(stdout: string): { metadata: Record<string, string>; data: string } {
  const { events } = JSON.parse(stdout) as {
    events: { workflowExecutionCompletedEventAttributes?: { result: { payloads: unknown[] } } }[];
  };
  const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes);
  return completed?.workflowExecutionCompletedEventAttributes?.result.payloads[0] as never;
}

/*
 * The embedded dev server's UI has no login and cannot send an API key. In embedded mode (trustLocalUi)
 * /codec lets a request without Authorization through only when its Origin is exactly the UI's AND it
 * comes from loopback; production (trustLocalUi off) always wants an operator key in Authorization —
 * what the CLI sends, and what the reverse proxy in front of /codec adds for the UI (docs/security.md).
 */
describe('/codec for the UI without a key', () => {
  const decode = (base: string, headers: Record<string, string>) =>
    fetch(`${base}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify({ payloads: [toJson(encryptedRun.signal)] }),
    });

  async function served(trustLocalUi: boolean, run: (port: number) => Promise<void>) {
    const server = serve({ fetch: api(true, trustLocalUi).fetch, port: 0, hostname: '0.0.0.0' });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await run((server.address() as AddressInfo).port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('embedded: decodes for the UI origin from loopback, and for nothing else without a key', async () => {
    await served(true, async (port) => {
      const local = `http://127.0.0.1:${port}`;
      const ok = await decode(local, { origin: uiOrigin });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(uiOrigin);
      const body = (await ok.json()) as { payloads: { data: string }[] };
      expect(JSON.parse(fromB64(body.payloads[0]?.data ?? ''))).toBe(encryptedRun.marker);
      // Another origin (a page on another port, another site), or none (curl): a key is needed.
      expect((await decode(local, { origin: 'http://localhost:9999' })).status).toBe(401);
      expect((await decode(local, { origin: `${uiOrigin}.evil.example` })).status).toBe(401);
      expect((await decode(local, {})).status).toBe(401);
      // A key that is not an operator's is not made good by the UI origin.
      const provider = await decode(local, { origin: uiOrigin, authorization: `Bearer ${providerToken}` });
      expect(provider.status).toBe(403);
    });
  });

  it('embedded: refuses the UI origin from an address that is not loopback', async (ctx) => {
    const external = externalAddress();
    if (!external) ctx.skip('this machine has no non-loopback IPv4 address to call from');
    await served(true, async (port) => {
      const res = await decode(`http://${external}:${port}`, { origin: uiOrigin });
      expect(res.status).toBe(401);
    });
  });

  it('production: the UI origin from loopback still needs an operator key in Authorization', async () => {
    await served(false, async (port) => {
      const local = `http://127.0.0.1:${port}`;
      expect((await decode(local, { origin: uiOrigin })).status).toBe(401);
      const ok = await decode(local, { origin: uiOrigin, authorization: `Bearer ${opsToken}` });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(uiOrigin);
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    });
  });
});

describe('the Temporal CLI as codec client', () => {
  it('shows the decrypted history through /codec, and only ciphertext without it', async () => {
    const server = serve({ fetch: api().fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const show = (...extra: string[]) =>
        execFileAsync(temporalCliPath(), [
          'workflow',
          'show',
          '--address',
          env.address,
          '--workflow-id',
          encryptedRun.workflowId,
          '--output',
          'json',
          ...extra,
        ]);
      const plain = resultPayload((await show()).stdout);
      expect(fromB64(plain.metadata.encoding ?? '')).toBe('binary/encrypted');
      const decoded = resultPayload(
        (
          await show(
            '--codec-endpoint',
            `http://127.0.0.1:${port}/codec`,
            '--codec-auth',
            `Bearer ${opsToken}`,
          )
        ).stdout,
      );
      expect(fromB64(decoded.metadata.encoding ?? '')).toBe('json/plain');
      expect(JSON.parse(fromB64(decoded.data))).toEqual({
        phase: 'done',
        proceededWith: encryptedRun.marker,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
