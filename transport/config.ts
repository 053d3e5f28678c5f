import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { createDropFolderTransport } from './drop-folder';
import { describeIssues } from './metadata';
import { createRestTransport, vecozoEndpoints } from './rest/client';
import type { Transport } from './types';

/*
 * Which transport to use, from the environment. The same fields are part of app/config.ts (which adds
 * TRANSPORT=simulator, its default for `npm start`) and .env.example.
 *   TRANSPORT            none | vecozo | drop-folder (default none)
 *   VECOZO_URL           https root, e.g. https://api.vecozo.nl/berichtenservice or the simulator's URL
 *   VECOZO_CLIENT_CERT, VECOZO_CLIENT_KEY   PEM files of the systeemcertificaat
 *   VECOZO_CA            PEM file replacing the system roots (the simulator's test CA); optional
 *   VECOZO_KEY_PASSPHRASE, VECOZO_TIMEOUT_MS  optional
 *   VECOZO_IDLE_SOCKET_MS  close kept-alive connections idle this long (default 4 s); below the server's
 *   DROP_FOLDER_DIR      root of outbox/, inbox/, processed/
 */

/** The settings of each transport; app/config.ts spreads these into its schema. */
export const transportEnvFields = {
  VECOZO_URL: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  VECOZO_CLIENT_CERT: z.string().min(1).optional(),
  VECOZO_CLIENT_KEY: z.string().min(1).optional(),
  VECOZO_CA: z.string().min(1).optional(),
  VECOZO_KEY_PASSPHRASE: z.string().optional(),
  VECOZO_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  VECOZO_IDLE_SOCKET_MS: z.coerce.number().int().min(100).max(600_000).default(4_000),
  DROP_FOLDER_DIR: z.string().min(1).optional(),
};

const envSchema = z
  .object({ TRANSPORT: z.enum(['none', 'vecozo', 'drop-folder']).default('none'), ...transportEnvFields })
  .superRefine((env, ctx) => {
    const need = (name: keyof typeof env, why: string) => {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `required ${why}` });
    };
    if (env.TRANSPORT === 'vecozo') {
      need('VECOZO_URL', 'with TRANSPORT=vecozo');
      need('VECOZO_CLIENT_CERT', 'with TRANSPORT=vecozo (mutual TLS)');
      need('VECOZO_CLIENT_KEY', 'with TRANSPORT=vecozo (mutual TLS)');
    }
    if (env.TRANSPORT === 'drop-folder') need('DROP_FOLDER_DIR', 'with TRANSPORT=drop-folder');
  });
export type TransportEnv = z.infer<typeof envSchema>;

export function parseTransportEnv(env: NodeJS.ProcessEnv = process.env): TransportEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid transport configuration: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

async function pem(variable: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The configured transport, or undefined for TRANSPORT=none. Certificate files are read once, here. */
export async function loadTransport(env: NodeJS.ProcessEnv = process.env): Promise<Transport | undefined> {
  const config = parseTransportEnv(env);
  if (config.TRANSPORT === 'drop-folder') {
    return createDropFolderTransport({ root: config.DROP_FOLDER_DIR as string });
  }
  if (config.TRANSPORT !== 'vecozo') return undefined;
  const [cert, key, ca] = await Promise.all([
    pem('VECOZO_CLIENT_CERT', config.VECOZO_CLIENT_CERT as string),
    pem('VECOZO_CLIENT_KEY', config.VECOZO_CLIENT_KEY as string),
    config.VECOZO_CA ? pem('VECOZO_CA', config.VECOZO_CA) : undefined,
  ]);
  return createRestTransport({
    endpoints: vecozoEndpoints(config.VECOZO_URL as string),
    tls: {
      cert,
      key,
      ...(ca ? { ca } : {}),
      ...(config.VECOZO_KEY_PASSPHRASE ? { passphrase: config.VECOZO_KEY_PASSPHRASE } : {}),
    },
    timeoutMs: config.VECOZO_TIMEOUT_MS,
    idleSocketMs: config.VECOZO_IDLE_SOCKET_MS,
  });
}
