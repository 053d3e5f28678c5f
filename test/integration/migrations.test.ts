import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../db';
import { createTestDatabase } from '../support/database';

const expectedTables = [
  'assignments',
  'escalation_deliveries',
  'escalations',
  'inbox_messages',
  'outbox_messages',
];

async function publicTables(handle: DatabaseHandle): Promise<string[]> {
  const rows = await handle.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  // postgres.js returns the rows array itself; PGlite wraps them in { rows }.
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: { table_name: string }[] }).rows;
  return list.map((r) => r.table_name);
}

describe('migrations', () => {
  it('apply to an empty PostgreSQL database, and a second run is a no-op', async () => {
    const testDb = await createTestDatabase();
    try {
      expect(await publicTables(testDb.handle)).toEqual([]);
      await testDb.handle.migrate();
      await testDb.handle.migrate();
      expect(await publicTables(testDb.handle)).toEqual(expectedTables);
    } finally {
      await testDb.drop();
    }
  });

  it('apply to an embedded PGlite database', async () => {
    const handle = createDatabase({ inMemory: true });
    try {
      await handle.migrate();
      await handle.migrate();
      expect(await publicTables(handle)).toEqual(expectedTables);
    } finally {
      await handle.close();
    }
  });
});
