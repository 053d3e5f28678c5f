import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wmo301 } from '../support/messages';
import { freePorts, killAll, processesGone, type ServiceProcess, startService } from '../support/service';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * Issue 13: a 301 posted to the API and caught by a SIGKILL between store and route was stored but never
 * routed (a retry answered "being processed" for five minutes; without one nothing picked it up). The
 * service runs as an operator runs it (node --import tsx app/start.ts, PGlite in its own folder, Temporal at a test dev
 * server); IWMO_TEST_ONLY_STALL_AFTER_STORE makes the first run stop for good right after the row is
 * stored, the test kills the process tree, and the restart must route the message at start-up, once.
 */

const root = mkdtempSync(join(tmpdir(), 'iwmo-stranded-'));
const token = 'iwmo_stranded-test-token';
const apiKeys = [
  {
    id: 'stranded',
    tokenSha256: createHash('sha256').update(token).digest('hex'),
    aanbieders: ['42420001'],
    gemeenten: ['0384'],
  },
];

let env: TemporalTestEnv;
let serviceEnv: Record<string, string>;
let base: string;

beforeAll(async () => {
  env = await createDevServerEnv();
  const [port] = await freePorts(1);
  mkdirSync(join(root, 'data'), { recursive: true });
  base = `http://127.0.0.1:${port}`;
  serviceEnv = {
    PORT: String(port),
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: 'stranded-test',
    PGLITE_DIR: join(root, 'data', 'pglite'),
    SIMULATOR_DIR: join(root, 'data', 'simulator'),
    TRANSPORT: 'none',
    API_KEYS: JSON.stringify(apiKeys),
    PAYLOAD_KEYS: JSON.stringify([{ id: 'stranded-1', key: randomBytes(32).toString('base64') }]),
    PAYLOAD_KEY_ID: 'stranded-1',
    CLIENT_REF_SECRET: randomBytes(32).toString('hex'),
  };
}, 120_000);

afterAll(async () => {
  killAll(root);
  await env?.teardown();
  rmSync(root, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${token}` };

function post(xml: string, signal?: AbortSignal) {
  return fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/xml' },
    body: xml,
    ...(signal ? { signal } : {}),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the archive's JSON as it comes
async function inbox(): Promise<any[]> {
  const res = await fetch(`${base}/v1/messages?direction=in`, { headers: auth });
  return ((await res.json()) as { items: unknown[] }).items;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function toewijzingSignals(workflowId: string): Promise<number> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'toewijzing',
  ).length;
}

describe('a crash between store and route', () => {
  it('the message is routed after the restart, exactly once; a retry gets that outcome', async () => {
    const xml = wmo301('KILL-1', [941]);
    let service: ServiceProcess = startService(
      'tsx',
      { ...serviceEnv, IWMO_TEST_ONLY_STALL_AFTER_STORE: '1' },
      root,
    );
    await service.waitFor(/API listening/, 90_000);
    const inFlight = new AbortController();
    const answered = post(xml, inFlight.signal).catch((err: unknown) => err);
    const stored = await until('the stored row', async () => (await inbox())[0]);
    expect(stored.status).toBe('received');

    killAll(root);
    expect(await processesGone(root)).toEqual([]);
    inFlight.abort();
    expect(await answered).toBeInstanceOf(Error); // the caller never got an answer

    service = startService('tsx', serviceEnv, root);
    await service.waitFor(/API listening/, 90_000);
    expect(service.stdout()).toContain('inbox: 1 message(s) stored by an earlier run finished');
    const detail = await (await fetch(`${base}/v1/messages/${stored.id}`, { headers: auth })).json();
    expect(detail).toMatchObject({ status: 'routed', routedTo: 'wmo:0384:941', identificatie: 'KILL-1' });
    expect(await toewijzingSignals('wmo:0384:941')).toBe(1);

    // The sender's retry: the stored outcome at once, not "being processed"; still one signal.
    const retry = await post(xml);
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ messageId: stored.id, status: 'routed', duplicate: true });
    expect(await toewijzingSignals('wmo:0384:941')).toBe(1);
    expect(await inbox()).toHaveLength(1);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 240_000);
});
