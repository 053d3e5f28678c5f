import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file so scripts work from any working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsBin = join(repoRoot, '.tools', 'bin');

const provisionHint = 'run `bash scripts/tools.sh temporal` (or `npm test`, which runs it first)';

function onPath(name: string): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

function resolveBinary(envVar: string, name: string, searchPath: boolean): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar}=${fromEnv} does not exist`);
    return fromEnv;
  }
  const fromPath = searchPath ? onPath(name) : undefined;
  if (fromPath) return fromPath;
  const cached = join(toolsBin, name);
  if (existsSync(cached)) return cached;
  throw new Error(`${name} not found: set ${envVar}, or ${provisionHint}`);
}

/** Temporal CLI (dev server): TEMPORAL_CLI, else `temporal` on PATH, else .tools/bin/temporal. */
export function temporalCliPath(): string {
  return resolveBinary('TEMPORAL_CLI', 'temporal', true);
}

/**
 * Time-skipping test server: TEMPORAL_TEST_SERVER, else .tools/bin/temporal-test-server.
 * Never falls back to the SDK's own download: this machine has no internet.
 */
export function temporalTestServerPath(): string {
  return resolveBinary('TEMPORAL_TEST_SERVER', 'temporal-test-server', false);
}
