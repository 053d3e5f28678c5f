import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';

/*
 * `npm start` runs only the Temporal CLI's dev server, so its prestart must provision only that: the
 * time-skipping test server is for the tests. Run as npm would run it, with a stand-in CLI and a test
 * server path that does not exist (provisioning it would fail loudly).
 */

const scripts = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const dir = mkdtempSync(join(tmpdir(), 'iwmo-prestart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string) {
  const cli = join(dir, 'temporal');
  writeFileSync(cli, '#!/bin/sh\necho "temporal version 0.0.0-stand-in"\n');
  chmodSync(cli, 0o755);
  return spawnSync('sh', ['-c', command], {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_CLI: cli, TEMPORAL_TEST_SERVER: join(dir, 'no-test-server') },
    encoding: 'utf8',
  });
}

describe('npm start provisioning', () => {
  it('prestart provisions the Temporal CLI and not the time-skipping test server', () => {
    const res = run(scripts.prestart ?? 'false');
    expect(res.stderr).toMatch(/Temporal CLI from TEMPORAL_CLI: temporal version 0\.0\.0-stand-in/);
    expect(res.stderr).not.toMatch(/test.server/i);
    expect(res.status).toBe(0);
  });

  it('the test provisioning still asks for the test server', () => {
    const res = run('bash scripts/tools.sh temporal');
    expect(res.stderr).toMatch(/TEMPORAL_TEST_SERVER=.*no-test-server is not an executable/);
    expect(res.status).not.toBe(0);
  });
});
