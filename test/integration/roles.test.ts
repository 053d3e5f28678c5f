import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../app/temporal-binaries';
import { isValidBsn } from '../../iwmo';
import { createTestDatabase } from '../support/database';
import { sampleBsn, wmo301 } from '../support/messages';
import { dataEnv, freePorts, killAll } from '../support/service';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * The production topology on one machine: `npm run worker` (owning the poller and the simulator) and
 * `npm run api` as two processes on one dev server and one PostgreSQL database, both with JSON logs.
 * The simulator's 301s are polled and answered with 302s by the worker; a 301 posted to the API-only
 * process is stored and routed there and answered by the worker in the other process. Then the JSON logs
 * are read: workflow ids and message ids in them, no BSN anywhere. Each role answers /health and /ready;
 * the worker's SDK metrics and the API's request metrics are served in the Prometheus format.
 */

const marker = mkdtempSync(join(tmpdir(), 'iwmo-roles-'));
const token = 'roles-test-token';
let temporal: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: RoleProcess;
let api: RoleProcess;
let ports: { worker: number; api: number; metrics: number };

interface RoleProcess {
  child: ChildProcess;
  out(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

function startRole(role: 'worker' | 'api', env: Record<string, string>): RoleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'app', 'start.ts'), role], {
    cwd: repoRoot,
    env: { ...process.env, ...dataEnv(join(marker, role)), ...env, IWMO_TEST_MARKER: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  return {
    child,
    out: () => out,
    async waitFor(pattern, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (child.exitCode !== null) throw new Error(`${role} exited (${child.exitCode}):\n${out}`);
        if (Date.now() > deadline) throw new Error(`${role}: no ${pattern} within ${timeoutMs} ms:\n${out}`);
        await sleep(100);
      }
    },
  };
}

/** Every stdout/stderr line as JSON: a line that is not JSON fails the test (the JSON log is the format). */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${l}`);
      }
    });
}

beforeAll(async () => {
  [temporal, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  const [w = 0, a = 0, m = 0] = await freePorts(3);
  ports = { worker: w, api: a, metrics: m };
  const shared = {
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: testDb.url,
    PAYLOAD_KEYS: JSON.stringify([{ id: 'roles', key: randomBytes(32).toString('base64') }]),
    PAYLOAD_KEY_ID: 'roles',
    CLIENT_REF_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'debug',
  };
  // Both at once, as an orchestrator starts them: migrations and search attributes must not collide.
  worker = startRole('worker', {
    ...shared,
    PORT: String(w),
    IWMO_ROLE_POLLER: 'true',
    METRICS_BIND_ADDRESS: `127.0.0.1:${m}`,
    MESSAGE_POLL_INTERVAL_MS: '500',
  });
  api = startRole('api', {
    ...shared,
    PORT: String(a),
    API_KEYS: JSON.stringify([
      {
        id: 'zorg-bv',
        tokenSha256: createHash('sha256').update(token).digest('hex'),
        aanbieders: ['42420001'],
        gemeenten: [],
      },
    ]),
  });
  await Promise.all([worker.waitFor(/health endpoint on/), api.waitFor(/API listening/)]);
}, 180_000);

afterAll(async () => {
  killAll(marker);
  await testDb?.drop();
  await temporal?.teardown();
  rmSync(marker, { recursive: true, force: true });
});

const get = (port: number, path: string) =>
  fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });

describe('separate worker and api processes', () => {
  it('answer /health and /ready for their role', async () => {
    const w = await get(ports.worker, '/ready');
    expect([w.status, await w.json()]).toEqual([
      200,
      { status: 'ready', role: 'worker', components: { worker: 'ok', database: 'ok' } },
    ]);
    const wl = await get(ports.worker, '/health');
    expect([wl.status, await wl.json()]).toEqual([200, { status: 'ok', role: 'worker' }]);
    const a = await get(ports.api, '/ready');
    expect([a.status, await a.json()]).toEqual([
      200,
      { status: 'ready', role: 'api', components: { database: 'ok', temporal: 'ok' } },
    ]);
    expect((await get(ports.api, '/health')).status).toBe(200);
  });

  it('the worker owns the poller and the simulator: its 301s are answered with 302s', async () => {
    await worker.waitFor(/took WMO302/, 120_000);
    expect(api.out()).not.toMatch(/simulator|message poller/);
  });

  it('a 301 posted to the api process is stored, routed, and answered by the worker process', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.api}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: wmo301('ROLES0000001', [8101]),
    });
    expect(res.status).toBe(202);
    const outcome = (await res.json()) as { messageId: string; toewijzingen: { workflowId: string }[] };
    const workflowId = outcome.toewijzingen[0]?.workflowId ?? '';
    expect(workflowId).not.toBe('');
    const sql = postgres(testDb.url, { max: 1 });
    try {
      let rows: { n: number }[] = [];
      for (let i = 0; i < 600 && !rows[0]?.n; i++) {
        rows = await sql<{ n: number }[]>`
          select count(*)::int as n from outbox_messages where message_type = 'WMO302' and workflow_id = ${workflowId}`;
        if (!rows[0]?.n) await sleep(100);
      }
      expect(rows[0]?.n).toBe(1);
    } finally {
      await sql.end();
    }
    // The API's JSON log names the message and the workflow it went to.
    await api.waitFor(new RegExp(`"messageId":"${outcome.messageId}"`));
    const routed = jsonLines(api.out()).find((l) => l.messageId === outcome.messageId);
    expect(routed).toMatchObject({ role: 'api', workflowId, messageType: 'WMO301', msg: 'message routed' });
  });

  it('log JSON lines with workflow ids and request ids, and no BSN or name anywhere', async () => {
    const lines = [...jsonLines(worker.out()), ...jsonLines(api.out())];
    const workflowIds = new Set(lines.map((l) => l.workflowId).filter((id) => typeof id === 'string'));
    // Assignments (wmo:…) from both the simulator's 301s and the posted one, and the poller.
    expect([...workflowIds].filter((id) => String(id).startsWith('wmo:')).length).toBeGreaterThan(1);
    expect(workflowIds).toContain('iwmo-message-poll');
    expect(lines.some((l) => typeof l.requestId === 'string' && l.role === 'api')).toBe(true);
    expect(lines.every((l) => typeof l.level === 'string' && typeof l.time === 'string')).toBe(true);
    // Every BSN the service received (read from the message store) is absent from both logs.
    const sql = postgres(testDb.url, { max: 1 });
    const payloads = await sql<{ payload: string }[]>`select payload from inbox_messages`;
    await sql.end();
    const bsns = new Set(
      payloads.flatMap((p) => [...p.payload.matchAll(/<[\w:]*Bsn>(\d{9})</g)].map((m) => m[1])),
    );
    expect(bsns).toContain(sampleBsn);
    const everything = worker.out() + api.out();
    for (const bsn of bsns) expect(everything, `BSN ${bsn} in a log`).not.toContain(bsn as string);
    // Nor any other nine-digit number that passes the elfproef (the SDK's nanosecond fields aside).
    const nineDigits = [...everything.matchAll(/(?<!\d|"nanos":)\d{9}(?!\d)/g)].map((m) => m[0]);
    expect(nineDigits.filter(isValidBsn)).toEqual([]);
  });

  it("serve the worker's SDK metrics and the API's request metrics in the Prometheus format", async () => {
    const sdk = await (await get(ports.metrics, '/metrics')).text();
    expect(sdk).toMatch(/^temporal_workflow_task_\w+/m);
    expect(sdk).toMatch(/^temporal_activity_\w+/m);
    const apiMetrics = await get(ports.api, '/metrics');
    expect(apiMetrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await apiMetrics.text();
    expect(text).toMatch(/^iwmo_api_requests_total\{method="POST",route="\/v1\/messages",status="202"\} 1$/m);
    expect(text).toMatch(
      /^iwmo_api_request_duration_seconds_bucket\{method="GET",route="\/ready",status="200",le="\+Inf"\} \d+$/m,
    );
    // Route patterns only: an unknown path is one series, not one per path typed.
    await get(ports.api, '/no/such/999900006');
    expect(await (await get(ports.api, '/metrics')).text()).not.toContain('999900006');
  });
});
