import type { AppConfig } from './config';

/*
 * The three ways to run the service (README "Running in production"):
 *   all     `npm start`: worker and API in one process, embedded defaults (dev server, PGlite);
 *   worker  `npm run worker`: the Temporal worker only, with /health and /ready on PORT;
 *   api     `npm run api`: the HTTP API only. It still stores and routes what is posted to it: routing
 *           is a signal or signal-with-start through Temporal, which a worker anywhere picks up.
 * Exactly one process owns the message poller and the embedded simulator: IWMO_ROLE_POLLER=true on it,
 * by default the `all` process. Two owners would be harmless for the poller (one workflow id) but would
 * run two simulators, each a counterparty of its own.
 */

export const roles = ['all', 'worker', 'api'] as const;
export type Role = (typeof roles)[number];

export function roleOf(arg: string | undefined): Role {
  if (arg === undefined) return 'all';
  if ((roles as readonly string[]).includes(arg)) return arg as Role;
  throw new Error(
    `unknown role '${arg}': app/start.ts takes one of ${roles.join(', ')} (npm start, npm run worker, npm run api)`,
  );
}

export const runsWorker = (role: Role) => role !== 'api';
export const runsApi = (role: Role) => role !== 'worker';

/** Whether this process starts the poller (and the simulator, with TRANSPORT=simulator). */
export function ownsPoller(config: Pick<AppConfig, 'IWMO_ROLE_POLLER'>, role: Role): boolean {
  return runsWorker(role) && (config.IWMO_ROLE_POLLER ?? role === 'all');
}

/**
 * What a role needs that the embedded defaults cannot give it, as errors naming the variable: processes
 * that share work must share a database and a Temporal server.
 */
export function roleProblems(config: AppConfig, role: Role): string[] {
  const problems: string[] = [];
  if (role !== 'all') {
    if (!config.DATABASE_URL)
      problems.push(
        `DATABASE_URL: required for the ${role} role (PGlite belongs to one process; worker and api share PostgreSQL)`,
      );
    if (!config.TEMPORAL_ADDRESS)
      problems.push(
        `TEMPORAL_ADDRESS: required for the ${role} role (the embedded dev server lives in the npm start process)`,
      );
  }
  if (role === 'api' && config.IWMO_ROLE_POLLER)
    problems.push(
      'IWMO_ROLE_POLLER: the api role runs no worker, so it cannot own the poller; set it on one worker',
    );
  if (runsWorker(role) && !ownsPoller(config, role) && config.TRANSPORT === 'simulator')
    problems.push(
      'TRANSPORT: simulator runs inside the process that owns the poller (IWMO_ROLE_POLLER=true); every other ' +
        'worker needs the same real counterparty (TRANSPORT=vecozo or drop-folder)',
    );
  return problems;
}
