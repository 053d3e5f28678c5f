import { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { requestId } from 'hono/request-id';
import type { ProfileRegistry } from '../calendar/profile';
import { loadProfiles } from '../config/profiles';
import type { DatabaseHandle } from '../db';
import type { ApiKeyConfig } from './api-keys';
import { assignmentClaimRoutes } from './assignment-claims';
import { assignmentRoutes } from './assignments';
import { type AuthEnv, requireApiKey } from './auth';
import { claimRoutes } from './claims';
import { type CodecEndpointDeps, codecRoutes } from './codec';
import { deadlineRoutes } from './deadlines';
import { mountDocs } from './docs';
import { errorHandler, notFoundHandler } from './errors';
import { escalationRoutes } from './escalations';
import { databaseProbe, healthRoutes, type Probe, readyRoutes, temporalProbe } from './health';
import { type AccessLog, accessLog, methodGuard } from './hygiene';
import { type MessageRouteDeps, messageRoutes } from './messages';
import { metricsRoutes, RequestMetrics, requestMetrics } from './metrics';
import { FailureLimiter, type FailureLimiterOptions } from './rate-limit';
import { requestRoutes } from './requests';
import { createRouter, validationHook } from './router';
import { whoamiRoutes } from './whoami';

export interface ApiDeps {
  temporal: Client;
  namespace: string;
  taskQueue: string;
  database: DatabaseHandle;
  apiKeys: ApiKeyConfig[];
  /** Temporal codec-server endpoint (/codec) for operators; unset = /codec answers 404. */
  codec?: CodecEndpointDeps;
  /** Access and error log lines; default console.log. */
  log?: AccessLog;
  /** Failed-auth limiting per client IP; default 10 failures per minute. */
  authLimit?: FailureLimiterOptions;
  /** Protocol profiles (their calendars count working days in /v1/deadlines); default: the shipped config/. */
  profiles?: ProfileRegistry;
  /** POST/GET /v1/messages (api/messages.ts); absent = not mounted. */
  messages?: MessageRouteDeps;
  /** /v1/requests (api/requests.ts): BSN → clientRef for the workflows it starts; absent = not mounted. */
  requests?: { clientRef: (bsn: string) => string };
  /** What /ready reports on: the role's name and extra probes (the in-process worker); default role api. */
  readiness?: { role: string; probes?: Record<string, Probe> };
  /** Request counts and durations, served at GET /metrics; default a fresh registry. */
  metrics?: RequestMetrics;
}

/**
 * The HTTP API: validates, then talks to Temporal and the database. No lifecycle logic lives here.
 * Order matters: request id and access log wrap everything; routers are mounted before the docs so
 * their OpenAPI definitions are in the document; 405 is decided once all routes exist.
 */
export function createApi(deps: ApiDeps) {
  const log = deps.log ?? ((line: string) => console.log(line));
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const metrics = deps.metrics ?? new RequestMetrics();
  app.use(requestId({ limitLength: 64 }), accessLog(log), requestMetrics(metrics), methodGuard(app));

  // Every /v1 route: bearer key first (401/429), then the resource routers.
  const limiter = new FailureLimiter(deps.authLimit);
  const v1 = createRouter<AuthEnv>();
  v1.use(requireApiKey(deps.apiKeys, limiter));
  v1.route('/whoami', whoamiRoutes());
  v1.route('/escalations', escalationRoutes(deps));
  v1.route('/assignments', assignmentRoutes(deps));
  const profiles = deps.profiles ?? loadProfiles();
  v1.route('/assignments', assignmentClaimRoutes(deps));
  v1.route('/claims', claimRoutes(deps));
  v1.route('/deadlines', deadlineRoutes({ ...deps, profiles }));
  if (deps.requests) v1.route('/requests', requestRoutes({ ...deps, profiles, ...deps.requests }));
  if (deps.messages) v1.route('/', messageRoutes({ log, ...deps.messages }));
  // Temporal codec server for operators (Temporal UI / CLI), outside /v1: its own CORS and scope.
  app.route('/codec', codecRoutes(deps.apiKeys, deps.codec, limiter));

  app.route('/health', healthRoutes(deps));
  const role = deps.readiness?.role ?? 'api';
  app.route(
    '/ready',
    readyRoutes(
      role,
      {
        database: databaseProbe(deps.database),
        temporal: temporalProbe(deps.temporal, deps.namespace),
        ...deps.readiness?.probes,
      },
      { log: (msg) => log(`[ready] ${msg}`) },
    ),
  );
  // Public like /health: counts per route pattern and status, no identifiers (api/metrics.ts).
  app.route('/metrics', metricsRoutes(metrics));
  app.route('/v1', v1);
  mountDocs(app, '0.1.0');

  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  return app;
}
