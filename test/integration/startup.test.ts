import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../app/temporal-binaries';

/*
 * The service's own entry point (app/start.ts) refuses to start on a bad protocol profile, naming the
 * file and the field, before it starts Temporal, the database or the API.
 */

const root = mkdtempSync(join(tmpdir(), 'iwmo-startup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'app', 'start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('start-up', () => {
  it('stops on a profile with a negative term, naming file and field', () => {
    const shipped = JSON.parse(readFileSync(join(repoRoot, 'config', 'profiles', 'iwmo-3.2.json'), 'utf8'));
    shipped.deadlines[0].workingDays = -1;
    mkdirSync(join(root, 'profiles'), { recursive: true });
    writeFileSync(join(root, 'profiles', 'iwmo-3.2.json'), JSON.stringify(shipped));
    writeFileSync(
      join(root, 'gemeente-profiles.json'),
      JSON.stringify({ default: 'iwmo-3.2', gemeenten: {} }),
    );
    const res = start({ PROFILES_DIR: root });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      /start-up failed: .*iwmo-3\.2\.json: deadlines\[0\]\.workingDays: must be ≥ 0/,
    );
    expect(res.stdout).not.toMatch(/starting Temporal|database ready/);
  });

  it('stops before Temporal when an external Temporal is configured without payload keys', () => {
    const { PAYLOAD_KEYS, PAYLOAD_KEY_ID, CLIENT_REF_SECRET, ...rest } = process.env;
    const res = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'app', 'start.ts')], {
      cwd: repoRoot,
      env: { ...rest, TEMPORAL_ADDRESS: '127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      /start-up failed: PAYLOAD_KEYS\/PAYLOAD_KEY_ID and CLIENT_REF_SECRET must be configured when TEMPORAL_ADDRESS is set/,
    );
    expect(res.stdout).not.toMatch(/waiting for Temporal|database ready/);
  });
});
