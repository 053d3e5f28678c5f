import { join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from './temporal-binaries';

/*
 * All configuration comes from the environment (see .env.example). Absent values select the embedded
 * defaults: a Temporal dev server started by the service and a PGlite database under .data/.
 */

const principalSchema = z.object({
  /** Who the key belongs to, for audit; not a secret. */
  id: z.string().min(1),
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex chars (sha256 of the token)'),
  aanbieders: z.array(z.string().regex(/^[0-9]{8}$/, 'AGB code is 8 digits')).default([]),
  gemeenten: z.array(z.string().regex(/^[0-9]{4}$/, 'CBS gemeentecode is 4 digits')).default([]),
});
export type ApiKeyConfig = z.infer<typeof principalSchema>;

const jsonArray = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
    return z.NEVER;
  }
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
  /** Comma-separated `name=value`; empty = SQLite's defaults (rollback journal, synchronous=full). */
  TEMPORAL_DB_PRAGMAS: sqlitePragmas.default(['journal_mode=wal', 'synchronous=full']),
  /** Task-queue partitions of the embedded server; 1 suits one local worker (bench/README.md). */
  TEMPORAL_TQ_PARTITIONS: z.coerce.number().int().min(1).max(64).default(1),
  API_KEYS: jsonArray.pipe(z.array(principalSchema)).default([]),
  /** Folder with profiles/*.json and gemeente-profiles.json; unset = the shipped config/ folder. */
  PROFILES_DIR: z.string().optional(),
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
