import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import { type FreezableProxy, startFreezableProxy } from '../support/freezable-proxy';
import {
  freePorts,
  killAll,
  portIsFree,
  processesGone,
  type ServiceProcess,
  startService,
} from '../support/service';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * /health through the real entry point, with Temporal and PostgreSQL hanging: both reached through a
 * proxy that can freeze (connections stay open, no byte moves), which is how a hung server looks. The
 * answer must come within the per-check bound, say only which component is unavailable, and keep the
 * error text in the service's log. SIGINT to tsx then stops the service.
 */

const marker = mkdtempSync(join(tmpdir(), 'iwmo-health-'));
let temporal: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let temporalProxy: FreezableProxy;
let dbProxy: FreezableProxy;
let service: ServiceProcess;
let port: number;

beforeAll(async () => {
  [temporal, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  const [host = '', temporalPort = ''] = temporal.address.split(':');
  temporalProxy = await startFreezableProxy({ host, port: Number(temporalPort) });
  const dbUrl = new URL(testDb.url);
  dbProxy = await startFreezableProxy({ host: dbUrl.hostname, port: Number(dbUrl.port) });
  dbUrl.host = `127.0.0.1:${dbProxy.port}`;
  [port = 0] = await freePorts(1);
  service = startService(
    'tsx',
    {
      PORT: String(port),
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalProxy.port}`,
      DATABASE_URL: dbUrl.toString(),
      // An external Temporal needs configured secrets (no generated dev keys): synthetic test values.
      PAYLOAD_KEYS: JSON.stringify([{ id: 'health-test', key: Buffer.alloc(32, 7).toString('base64') }]),
      PAYLOAD_KEY_ID: 'health-test',
      CLIENT_REF_SECRET: 'health-test-client-ref-secret-0123456789',
      // No counterparty: this file is about /health, not messages.
      TRANSPORT: 'none',
    },
    marker,
  );
  await service.waitFor(/API listening/);
});

afterAll(async () => {
  killAll(marker);
  await temporalProxy?.close();
  await dbProxy?.close();
  await testDb?.drop();
  await temporal?.teardown();
  rmSync(marker, { recursive: true, force: true });
});

const health = () =>
  fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(8_000) }).then(async (res) => ({
    status: res.status,
    body: await res.json(),
  }));

describe('/health of the running service', () => {
  it('is ok while both components answer', async () => {
    expect(await health()).toEqual({
      status: 200,
      body: { status: 'ok', temporal: 'ok', database: 'ok' },
    });
  });

  it('answers within the bound when both hang, with status only and the details in the log', async () => {
    temporalProxy.freeze();
    dbProxy.freeze();
    // Each check is bounded at 2 s and they run side by side; without the bound the fetch aborts at 8 s.
    const answer = await health();
    expect(answer).toEqual({
      status: 503,
      body: { status: 'degraded', temporal: 'unavailable', database: 'unavailable' },
    });
    await service.waitFor(/\[health\] database unavailable: .+/);
    await service.waitFor(/\[health\] temporal unavailable: .+/);
  });

  it('reports ok again once they answer again', async () => {
    temporalProxy.thaw();
    dbProxy.thaw();
    let answer = await health();
    for (let i = 0; i < 20 && answer.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      answer = await health();
    }
    expect(answer.body).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });
    await service.waitFor(/\[health\] temporal ok again/);
  });

  it('stops on SIGINT to tsx, leaving no process and a free port', async () => {
    service.child.kill('SIGINT');
    expect(await service.exited).toBe(0);
    expect(await processesGone(marker)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
    expect(service.stdout()).toMatch(/SIGINT: stopping[\s\S]*\[iwmo-flow\] stopped/);
  });
});
