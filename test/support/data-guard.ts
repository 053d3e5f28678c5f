import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../app/temporal-binaries';

/*
 * Global setup of every test project: a test run leaves nothing behind in the checkout's .data/ (where
 * `npm start` keeps its dev secrets, PGlite and Temporal files) except the CI test report. Every test that
 * starts the service gives it temp folders (test/support/service.ts `dataEnv`); one that forgets writes
 * .data/dev-secrets.json or .data/pglite, and the run fails here, naming the files.
 */

const dataDir = join(repoRoot, '.data');
/** What a test run may write: the JSON report of vitest.config.ts (in CI). */
const allowed = new Set(['test-report.json']);

/** path → mtime of every file under .data/ (none when the folder does not exist). */
export function snapshot(dir = dataDir): Map<string, number> {
  const files = new Map<string, number>();
  const walk = (at: string) => {
    let entries: string[];
    try {
      entries = readdirSync(at);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(at, name);
      try {
        const stat = statSync(path);
        if (stat.isDirectory()) walk(path);
        else files.set(relative(dir, path), stat.mtimeMs);
      } catch {
        // Gone while we looked.
      }
    }
  };
  walk(dir);
  return files;
}

/** Files new or changed since `before`, the allowed ones left out. */
export function writtenSince(before: Map<string, number>, dir = dataDir): string[] {
  return [...snapshot(dir)]
    .filter(([path, mtime]) => before.get(path) !== mtime && !allowed.has(path))
    .map(([path]) => path)
    .sort();
}

let before: Map<string, number> | undefined;

export function setup(): void {
  before = snapshot();
}

export function teardown(): void {
  if (!before) return;
  const written = writtenSince(before);
  if (written.length > 0) {
    // vitest only logs an error thrown in a global teardown; the exit code is what CI sees.
    process.exitCode = 1;
    throw new Error(
      `the test run wrote to the checkout's .data/: ${written.join(', ')}. ` +
        'Give the service temp folders (test/support/service.ts dataEnv) and delete these files.',
    );
  }
}
