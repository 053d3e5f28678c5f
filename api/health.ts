import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import type { DatabaseHandle } from '../db';

export interface HealthDeps {
  temporal: Client;
  namespace: string;
  database: DatabaseHandle;
  /** Bound on each check; a component that has not answered by then counts as unavailable. */
  checkTimeoutMs?: number;
  /** Where failure details go; the public answer never carries them. */
  log?: (msg: string) => void;
}

export type ComponentStatus = 'ok' | 'unavailable';
export interface HealthReport {
  status: 'ok' | 'degraded';
  temporal: ComponentStatus;
  database: ComponentStatus;
}

const defaultCheckTimeoutMs = 2_000;

/**
 * Liveness of the two things the service cannot work without. Public, so it says only ok / unavailable
 * per component: error text (SQL, gRPC addresses) goes to the log, and only when a component's state
 * changes, so a supervisor polling a sick service does not flood the log.
 */
export function healthRoutes(deps: HealthDeps) {
  const timeoutMs = deps.checkTimeoutMs ?? defaultCheckTimeoutMs;
  const sink = deps.log ?? ((line: string) => console.error(line));
  const log = (msg: string) => sink(`[health] ${msg}`);
  const temporal = componentCheck('temporal', log, () =>
    // The deadline cancels the RPC itself; the SDK would otherwise retry an unavailable server for long.
    deps.temporal.withDeadline(Date.now() + timeoutMs, () =>
      deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace }),
    ),
  );
  const database = componentCheck('database', log, () => deps.database.ping());

  return new Hono().get('/', async (c) => {
    const [t, d] = await Promise.all([temporal(timeoutMs), database(timeoutMs)]);
    const report: HealthReport = {
      status: t === 'ok' && d === 'ok' ? 'ok' : 'degraded',
      temporal: t,
      database: d,
    };
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });
}

export type Probe = () => Promise<unknown>;

/** The probes a role's readiness is made of: what it cannot serve without. */
export function temporalProbe(temporal: Client, namespace: string, timeoutMs = defaultCheckTimeoutMs): Probe {
  return () =>
    temporal.withDeadline(Date.now() + timeoutMs, () =>
      temporal.workflowService.describeNamespace({ namespace }),
    );
}

export function databaseProbe(database: Pick<DatabaseHandle, 'ping'>): Probe {
  return () => database.ping();
}

export interface ReadyReport {
  status: 'ready' | 'not-ready';
  role: string;
  components: Record<string, ComponentStatus>;
}

/**
 * GET /ready: readiness of this process for its role (a load balancer sends traffic, an orchestrator
 * counts it up). api: database + Temporal; worker: the worker polls + database; all: the three. Public
 * like /health: component names and ok/unavailable only, the reasons go to the log on a change.
 */
export function readyRoutes(
  role: string,
  probes: Record<string, Probe>,
  options: { checkTimeoutMs?: number; log?: (msg: string) => void } = {},
) {
  const timeoutMs = options.checkTimeoutMs ?? defaultCheckTimeoutMs;
  const log = options.log ?? ((msg: string) => console.error(`[ready] ${msg}`));
  const checks = Object.entries(probes).map(
    ([name, probe]) => [name, componentCheck(name, log, probe)] as const,
  );
  return new Hono().get('/', async (c) => {
    const results = await Promise.all(
      checks.map(async ([name, check]) => [name, await check(timeoutMs)] as const),
    );
    const components = Object.fromEntries(results);
    const ready = results.every(([, status]) => status === 'ok');
    const report: ReadyReport = { status: ready ? 'ready' : 'not-ready', role, components };
    return c.json(report, ready ? 200 : 503);
  });
}

/**
 * GET /health of a process without the API (the worker role): liveness only — is the worker still
 * running. A dependency that is away makes the process not ready, but restarting it would not help.
 */
export function livenessRoutes(role: string, alive: () => boolean) {
  return new Hono().get('/', (c) =>
    alive() ? c.json({ status: 'ok', role }, 200) : c.json({ status: 'failed', role }, 503),
  );
}

function componentCheck(name: string, log: (msg: string) => void, probe: () => Promise<unknown>) {
  let last: ComponentStatus = 'ok';
  return async (timeoutMs: number): Promise<ComponentStatus> => {
    let failure: string | undefined;
    try {
      await withTimeout(probe(), timeoutMs);
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    const status: ComponentStatus = failure === undefined ? 'ok' : 'unavailable';
    if (status !== last) log(failure === undefined ? `${name} ok again` : `${name} unavailable: ${failure}`);
    last = status;
    return status;
  };
}

/** Bounds any probe, also one whose client has no deadline of its own (a hung database socket). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
