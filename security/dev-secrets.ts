import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/*
 * Secrets for the embedded `npm start` only: generated once into a file under .data/ (mode 0600) and
 * reused on every later start, so the dev server's histories and the read model's client refs stay
 * readable across restarts. A deployment configures its own (PAYLOAD_KEYS, CLIENT_REF_SECRET).
 */

const devSecretsSchema = z.object({
  payloadKeys: z.array(z.object({ id: z.string(), key: z.string() })).min(1),
  activeKeyId: z.string(),
  clientRefSecret: z.string(),
});
export type DevSecrets = z.infer<typeof devSecretsSchema>;

function generate(): DevSecrets {
  const id = `dev-${new Date().toISOString().slice(0, 10)}`;
  return {
    payloadKeys: [{ id, key: randomBytes(32).toString('base64') }],
    activeKeyId: id,
    clientRefSecret: randomBytes(32).toString('base64'),
  };
}

function readExisting(file: string): DevSecrets {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`${file} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Not the parser's message: it quotes the file's text, which holds the keys.
    throw new Error(`${file} is not valid JSON; delete it to generate new dev secrets`);
  }
  const parsed = devSecretsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a dev secrets file: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

const isCode = (err: unknown, code: string) => (err as NodeJS.ErrnoException).code === code;

/**
 * Reads the dev secrets file, or creates it when there is none: written whole to a 0600 temp file,
 * then hard-linked into place, which fails if another process got there first (then we read theirs).
 */
export function loadOrCreateDevSecrets(file: string): { secrets: DevSecrets; created: boolean } {
  try {
    return { secrets: readExisting(file), created: false };
  } catch (err) {
    if (!isCode(err, 'ENOENT')) throw err;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secrets = generate();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the umask can only tighten the mode, but a reused temp file keeps its old one
  try {
    linkSync(tmp, file);
  } catch (err) {
    if (!isCode(err, 'EEXIST')) throw err;
    return { secrets: readExisting(file), created: false };
  } finally {
    rmSync(tmp, { force: true });
  }
  return { secrets, created: true };
}
