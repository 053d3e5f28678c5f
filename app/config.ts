import { join } from 'node:path';
import { z } from 'zod';
import { apiKeyList } from '../api/api-keys';
import { agbCode } from '../iwmo/identifier-schemas';
import { agbCodeRule, gemeenteCodeRule, isAgbCode, isGemeenteCode } from '../iwmo/identifiers';
import { transportEnvFields } from '../transport/config';
import { repoRoot } from './temporal-binaries';

/*
 * All configuration comes from the environment (see .env.example). Absent values select the embedded
 * defaults: a Temporal dev server started by the service and a PGlite database under .data/.
 */

/** The API owns the shape of its keys; re-exported for callers that read the configuration. */
export type { ApiKeyConfig } from '../api/api-keys';

const codeRules = {
  gemeente: [isGemeenteCode, gemeenteCodeRule],
  aanbieder: [isAgbCode, agbCodeRule],
} as const;

/** A webhook receiver for escalations; the secret is a Standard Webhooks key (whsec_ + base64). */
const webhookEndpointSchema = z
  .object({
    party: z.enum(['gemeente', 'aanbieder']),
    code: z.string(),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64 (Standard Webhooks secret)')
      .refine((s) => Buffer.from(s.slice(6), 'base64').length >= 24, 'must hold at least 24 random bytes'),
  })
  .strict()
  .superRefine((hook, ctx) => {
    const [isCode, rule] = codeRules[hook.party];
    if (!isCode(hook.code)) ctx.addIssue({ code: 'custom', path: ['code'], message: rule });
  });
export type WebhookEndpointConfig = z.infer<typeof webhookEndpointSchema>;

const webhookList = z.array(webhookEndpointSchema).superRefine((hooks, ctx) => {
  hooks.forEach((hook, i) => {
    if (hooks.slice(0, i).some((h) => h.party === hook.party && h.code === hook.code)) {
      ctx.addIssue({ code: 'custom', path: [i], message: `${hook.party} ${hook.code} has two endpoints` });
    }
  });
});

const jsonArray = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
    return z.NEVER;
  }
});

const payloadKeySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'key id is 1-64 of A-Z a-z 0-9 . _ -'),
  key: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
    .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes (openssl rand -base64 32)'),
});
export type PayloadKeyConfig = z.infer<typeof payloadKeySchema>;

/** A comma-separated list in one variable; empty items are dropped. */
const commaList = z.string().transform((text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const origin = z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o, {
  message: 'an origin is scheme://host[:port], without a path or trailing slash',
});

/*
 * SQLite pragmas the dev server passes to its database file. Only these two: the CLI forwards any name
 * and SQLite silently ignores one it does not know, so a typo would otherwise go unnoticed.
 * Default from bench/dev-server.ts (bench/README.md): WAL with synchronous=full.
 */
const pragmaValues = new Map([
  ['journal_mode', /^(delete|truncate|persist|memory|wal)$/i],
  ['synchronous', /^(off|normal|full|extra|[0-3])$/i],
]);
const sqlitePragmas = z.string().transform((text, ctx) => {
  const pragmas = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const pragma of pragmas) {
    const eq = pragma.indexOf('=');
    const rule = pragmaValues.get(pragma.slice(0, Math.max(eq, 0)));
    if (!rule?.test(pragma.slice(eq + 1)))
      ctx.addIssue({
        code: 'custom',
        message: `"${pragma}" is not name=value with name journal_mode or synchronous and a value SQLite knows`,
      });
  }
  return pragmas;
});
/** true/false (also 1/0, yes/no): an operator's flag, never JavaScript truthiness of a string. */
const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().default(join(repoRoot, '.data', 'pglite')),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('iwmo-flow'),
  TEMPORAL_DB_FILE: z.string().default(join(repoRoot, '.data', 'temporal.db')),
  TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
  TEMPORAL_DEV_PORT: z.coerce.number().int().default(7233),
  API_KEYS: jsonArray.pipe(apiKeyList).default([]),
  /** Escalation webhook receivers: JSON list of {party, code, url, secret}. */
  ESCALATION_WEBHOOKS: jsonArray.pipe(webhookList).default([]),
  /** Base URL of this API as recipients reach it; escalations link to assignments under it. */
  PUBLIC_API_URL: z.url().optional(),
  /** Base URL of the Temporal Web UI; escalations link to the workflow there. */
  TEMPORAL_UI_URL: z.url().optional(),
  /** Comma-separated `name=value`; empty = SQLite's defaults (rollback journal, synchronous=full). */
  TEMPORAL_DB_PRAGMAS: sqlitePragmas.default(['journal_mode=wal', 'synchronous=full']),
  /** Task-queue partitions of the embedded server; 1 suits one local worker (bench/README.md). */
  TEMPORAL_TQ_PARTITIONS: z.coerce.number().int().min(1).max(64).default(1),
  /** Folder with profiles/*.json, gemeente-profiles.json and contracts/*.json; unset = the shipped config/ folder. */
  PROFILES_DIR: z.string().optional(),
  /** Payload encryption (security/): every key still needed to decrypt, and the one that encrypts. */
  PAYLOAD_KEYS: jsonArray.pipe(z.array(payloadKeySchema).min(1)).optional(),
  /** Id of the key new payloads are encrypted with; required with PAYLOAD_KEYS (checked in app/secrets.ts). */
  PAYLOAD_KEY_ID: z.string().optional(),
  /** HMAC secret for clientRef (the pseudonym of a BSN). */
  CLIENT_REF_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (openssl rand -base64 32)')
    .optional(),
  /** Where `npm start` keeps generated dev secrets when the ones above are unset (embedded mode only). */
  DEV_SECRETS_FILE: z.string().default(join(repoRoot, '.data', 'dev-secrets.json')),
  /** Origins allowed to call /codec from a browser (the Temporal UI); unset = the embedded UI's (uiOrigins). */
  TEMPORAL_UI_ORIGIN: commaList.pipe(z.array(origin)).optional(),
  /** API key ids (API_KEYS[].id) that may use /codec: it decrypts any payload, so operators only. */
  CODEC_KEY_IDS: commaList.default([]),
  /**
   * How messages travel (docs/messaging.md): unset or 'simulator' = the simulator in this process (a
   * counterparty for trying things out); vecozo / drop-folder = the real thing (VECOZO_* / DROP_FOLDER_DIR
   * below, checked in transport/config.ts); none = no transport, the poller is off.
   */
  TRANSPORT: z.enum(['simulator', 'none', 'vecozo', 'drop-folder']).default('simulator'),
  ...transportEnvFields,
  /** The AGB code the embedded simulator issues its 301s to (give it an API key to act for it). */
  SIMULATOR_AANBIEDER: agbCode.default('42420001'),
  /** Scenario file of the embedded simulator; unset = simulator/scenarios/happy.json. */
  SIMULATOR_SCENARIO: z.string().default(join(repoRoot, 'simulator', 'scenarios', 'happy.json')),
  /** Where the embedded simulator keeps its test certificates (made once with openssl, reused). */
  SIMULATOR_DIR: z.string().default(join(repoRoot, '.data', 'simulator')),
  /** Pause between two poll rounds of the message poll workflow (app/message-poll.ts). */
  MESSAGE_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  /** Rounds one run of the poll workflow makes before it continues as new (fewer runs in the UI's list). */
  MESSAGE_POLL_ROUNDS_PER_RUN: z.coerce.number().int().min(1).max(1000).default(150),
  /**
   * Whether this process owns the message poller and the embedded simulator (exactly one process should).
   * Unset = `npm start` (role all) owns them, `npm run worker` and `npm run api` do not.
   */
  IWMO_ROLE_POLLER: booleanFlag.optional(),
  /** json (one pino object per line) or text (`[component] message`); unset = text for `npm start`, json for the worker and api roles. */
  LOG_FORMAT: z.enum(['json', 'text']).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** host:port of the worker's Prometheus endpoint (the Temporal SDK's metrics); unset = no endpoint. */
  METRICS_BIND_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional(),
  /** Connecting to a secured cluster or Temporal Cloud (app/temporal-connection.ts checks them together). */
  TEMPORAL_TLS: booleanFlag.optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
});

export type AppConfig = z.infer<typeof envSchema>;

/** Parses the environment; a bad value stops start-up with the variable's name and the rule it broke. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Browser origins of the Temporal UI that may call /codec: TEMPORAL_UI_ORIGIN, else the embedded UI on
 * the port it really listens on (TEMPORAL_UI_PORT), by both names a browser may use for loopback.
 */
export function uiOrigins(config: AppConfig): string[] {
  if (config.TEMPORAL_UI_ORIGIN) return config.TEMPORAL_UI_ORIGIN;
  const port = config.TEMPORAL_UI_PORT;
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}

/** Where escalation links point; defaults follow the embedded set-up (API and dev-server UI on localhost). */
export function escalationLinks(config: AppConfig) {
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    apiUrl: trim(config.PUBLIC_API_URL ?? `http://${config.HOST}:${config.PORT}`),
    temporalUiUrl: trim(config.TEMPORAL_UI_URL ?? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`),
    namespace: config.TEMPORAL_NAMESPACE,
  };
}
