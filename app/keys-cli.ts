import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type ApiKeyConfig, apiKeySchema } from '../api/api-keys';
import { loadConfig } from './config';

/*
 * API keys for the HTTP API:  npm run keys -- create --id zorg-bv --aanbieder 12345678 [--gemeente 1916 …]
 *
 * Prints the token once (it is stored nowhere: the service only knows its SHA-256), the entry to add to
 * API_KEYS, and API_KEYS as it reads now with the entry added. The CLI never edits a file: where the
 * environment lives (a .env file, a secret store, compose) is the operator's business. It refuses an
 * id that API_KEYS already has, and a key without scope, as start-up would.
 */

const usage = `usage: npm run keys -- create --id <name> [--aanbieder <AGB code>]… [--gemeente <gemeentecode>]…
  at least one --aanbieder or --gemeente; repeat a flag for more codes`;

class UsageError extends Error {}

function newToken(): string {
  return `iwmo_${randomBytes(32).toString('base64url')}`;
}

function create(args: string[]): string {
  const { values } = parseArgs({
    args,
    options: {
      id: { type: 'string' },
      aanbieder: { type: 'string', multiple: true },
      gemeente: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const token = newToken();
  const parsed = apiKeySchema.safeParse({
    id: values.id,
    tokenSha256: createHash('sha256').update(token).digest('hex'),
    aanbieders: values.aanbieder ?? [],
    gemeenten: values.gemeente ?? [],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { id: '--id', aanbieders: '--aanbieder', gemeenten: '--gemeente' }[String(issue?.path[0])];
    throw new UsageError(`${flag ?? issue?.path.join('.')}: ${issue?.message}`);
  }
  const entry: ApiKeyConfig = parsed.data;
  // Ids appear in access log lines and in the shell line printed below: keep them plain.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(entry.id)) {
    throw new UsageError('--id: letters, digits, dot, dash and underscore, at most 64');
  }
  if (!entry.aanbieders.length && !entry.gemeenten.length) {
    throw new UsageError('a key needs a scope: give at least one --aanbieder or --gemeente');
  }
  const current = loadConfig().API_KEYS;
  if (current.some((k) => k.id === entry.id)) {
    throw new UsageError(`--id: API_KEYS already has a key '${entry.id}'; pick another id`);
  }
  const scope = [
    entry.aanbieders.length ? `aanbieders ${entry.aanbieders.join(', ')}` : '',
    entry.gemeenten.length ? `gemeenten ${entry.gemeenten.join(', ')}` : '',
  ].filter(Boolean);
  return [
    `API key '${entry.id}' for ${scope.join('; ')}`,
    '',
    'token (shown once; hand it to the key holder, it is not stored anywhere):',
    token,
    '',
    'entry for API_KEYS:',
    JSON.stringify(entry),
    '',
    'API_KEYS with the new key added:',
    `API_KEYS='${JSON.stringify([...current, entry])}'`,
    '',
  ].join('\n');
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    if (command !== 'create') throw new UsageError(command ? `unknown command '${command}'` : 'no command');
    process.stdout.write(create(rest));
    return 0;
  } catch (err) {
    const known = err instanceof UsageError || (err instanceof Error && 'code' in err);
    process.stderr.write(`keys: ${err instanceof Error ? err.message : String(err)}\n`);
    if (known) process.stderr.write(`${usage}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
