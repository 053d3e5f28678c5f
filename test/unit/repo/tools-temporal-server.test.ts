import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import { temporalServerVersion } from '../../../scripts/temporal-server';

/*
 * `scripts/tools.sh temporal-server` accepts an install only at the pinned version, and `all` (what
 * `npm test` and CI run) provisions it. Stand-in installs keep this fast: no Go build here.
 */

const dir = mkdtempSync(join(tmpdir(), 'iwmo-tools-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function standIn(name: string, version: string): string {
  const home = join(dir, name);
  mkdirSync(join(home, 'bin'), { recursive: true });
  for (const db of ['temporal', 'visibility'])
    mkdirSync(join(home, 'schema', 'postgresql', 'v12', db, 'versioned'), { recursive: true });
  for (const bin of ['temporal-server', 'temporal-sql-tool']) {
    writeFileSync(join(home, 'bin', bin), `#!/bin/sh\necho "temporal version ${version}"\n`);
    chmodSync(join(home, 'bin', bin), 0o755);
  }
  return home;
}

function tools(target: string, env: Record<string, string>) {
  return spawnSync('bash', ['scripts/tools.sh', target], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('tools.sh temporal-server', () => {
  it('takes an install at the pinned version', () => {
    const res = tools('temporal-server', { TEMPORAL_SERVER_HOME: standIn('pinned', temporalServerVersion) });
    expect(res.stderr).toMatch(/Temporal server from TEMPORAL_SERVER_HOME/);
    expect(res.status).toBe(0);
  });

  it('refuses an install of another version, naming the version it wants', () => {
    const res = tools('temporal-server', { TEMPORAL_SERVER_HOME: standIn('older', '1.31.0') });
    expect(res.stderr).toContain(`is not a Temporal server ${temporalServerVersion} install`);
    expect(res.status).not.toBe(0);
  });

  it('is part of `all`, which npm test and CI run', () => {
    const cli = join(standIn('cli', temporalServerVersion), 'bin', 'temporal-server');
    const res = tools('all', {
      TEMPORAL_CLI: cli,
      TEMPORAL_TEST_SERVER: cli,
      TEST_DATABASE_URL: 'postgres://unused',
      TEMPORAL_SERVER_HOME: standIn('all', temporalServerVersion),
    });
    expect(res.stderr).toMatch(/Temporal server from TEMPORAL_SERVER_HOME/);
    expect(res.status).toBe(0);
  });
});
