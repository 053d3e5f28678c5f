import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../app/temporal-binaries';
import { createDatabase, type DatabaseHandle } from '../../db';
import { createTestDatabase } from '../support/database';

const expectedTables = [
  'assignments',
  'claim_batch_answers',
  'claim_batch_lines',
  'claim_batch_stash',
  'claim_batches',
  'claim_periods',
  'escalation_deliveries',
  'escalations',
  'inbox_messages',
  'message_events',
  'outbox_messages',
  'payments',
  'request_documents',
  'requests',
  'settlement_lines',
  'settlements',
];

async function publicTables(handle: DatabaseHandle): Promise<string[]> {
  const rows = await handle.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  // postgres.js returns the rows array itself; PGlite wraps them in { rows }.
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: { table_name: string }[] }).rows;
  return list.map((r) => r.table_name);
}

/** The Identificatie sequence of the outbox (TR056) exists and counts. */
async function sequenceValues(handle: DatabaseHandle): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < 2; i++) {
    const rows = await handle.db.execute<{ n: string }>(sql`select nextval('outbox_identificatie_seq') as n`);
    const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: { n: string }[] }).rows;
    values.push(Number(list[0]?.n));
  }
  return values;
}

describe('migrations', () => {
  it('apply to an empty PostgreSQL database, and a second run is a no-op', async () => {
    const testDb = await createTestDatabase();
    try {
      expect(await publicTables(testDb.handle)).toEqual([]);
      await testDb.handle.migrate();
      await testDb.handle.migrate();
      expect(await publicTables(testDb.handle)).toEqual(expectedTables);
      expect(await sequenceValues(testDb.handle)).toEqual([1, 2]);
    } finally {
      await testDb.drop();
    }
  });

  it('run once when two processes start at once on a fresh database (advisory lock)', async () => {
    const testDb = await createTestDatabase();
    // Two handles = two connection pools, as a worker and an API process each have their own.
    const others = [0, 1, 2].map(() => createDatabase({ url: testDb.url }));
    try {
      const results = await Promise.allSettled([testDb.handle, ...others].map((h) => h.migrate()));
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      expect(await publicTables(testDb.handle)).toEqual(expectedTables);
      const applied = await testDb.handle.db.execute<{ n: string }>(
        sql`select count(*) as n from drizzle.__drizzle_migrations`,
      );
      const files = readdirSync(join(repoRoot, 'db', 'migrations')).filter((f) => f.endsWith('.sql'));
      expect(Number((applied as unknown as { n: string }[])[0]?.n)).toBe(files.length);
    } finally {
      await Promise.all(others.map((h) => h.close()));
      await testDb.drop();
    }
  });

  it('apply to an embedded PGlite database', async () => {
    const handle = createDatabase({ inMemory: true });
    try {
      await handle.migrate();
      await handle.migrate();
      expect(await publicTables(handle)).toEqual(expectedTables);
      expect(await sequenceValues(handle)).toEqual([1, 2]);
    } finally {
      await handle.close();
    }
  });
});
