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
  API_KEYS: jsonArray.pipe(z.array(principalSchema)).default([]),
  /** Folder with profiles/*.json and gemeente-profiles.json; unset = the shipped config/ folder. */
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
  /** Origins allowed to call /codec from a browser (the Temporal UI). */
  TEMPORAL_UI_ORIGIN: commaList
    .pipe(z.array(origin))
    .default(['http://localhost:8233', 'http://127.0.0.1:8233']),
  /** API key ids (API_KEYS[].id) that may use /codec: it decrypts any payload, so operators only. */
  CODEC_KEY_IDS: commaList.default([]),
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
