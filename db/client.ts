import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockPgliteDir } from './pglite-lock';
import * as schema from './schema';

export type Schema = typeof schema;
/** Both drivers share drizzle's Postgres dialect: queries are written once against this type. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Applies the checked-in SQL migrations (idempotent). */
  migrate(): Promise<void>;
  /** Cheap liveness probe for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseConfig = { url: string } | { pgliteDir: string } | { inMemory: true };

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The one place a connection is made: postgres.js for a URL, embedded PGlite otherwise. */
export function createDatabase(config: DatabaseConfig): DatabaseHandle {
  return 'url' in config ? connectPostgres(config.url) : openPglite(config);
}

function connectPostgres(url: string): DatabaseHandle {
  // onnotice: silence "relation already exists, skipping" notices of idempotent migrations.
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    migrate: () =>
      underMigrationLock(client, () => migratePostgres(drizzlePostgres(client), { migrationsFolder })),
    ping: async () => void (await db.execute(sql`select 1`)),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * Any constant both sides agree on: the key of the session-level advisory lock migrations run under.
 * (The ASCII of "iwmo" — picked so it does not collide with a lock another tool takes by chance.)
 */
export const migrationLockKey = 0x69776d6f;

/**
 * Runs `work` holding a PostgreSQL advisory lock, so two processes starting at once (a worker and an API
 * instance, two replicas) migrate one after the other: the second waits, then finds nothing left to do.
 * drizzle's migrator alone would let both read "nothing applied" and run the same CREATE TABLE twice.
 * The lock lives on one reserved connection; the migration itself runs on the pool beside it.
 */
async function underMigrationLock<T>(client: postgres.Sql, work: () => Promise<T>): Promise<T> {
  const session = await client.reserve();
  try {
    await session`select pg_advisory_lock(${migrationLockKey})`;
    try {
      return await work();
    } finally {
      await session`select pg_advisory_unlock(${migrationLockKey})`;
    }
  } finally {
    session.release();
  }
}

function openPglite(config: { pgliteDir: string } | { inMemory: true }): DatabaseHandle {
  let release = () => {};
  if ('pgliteDir' in config) {
    mkdirSync(config.pgliteDir, { recursive: true });
    // Before PGlite touches the folder: a second process is refused here, not after it wrote.
    release = lockPgliteDir(config.pgliteDir);
  }
  const client = 'pgliteDir' in config ? new PGlite(config.pgliteDir) : new PGlite();
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    ping: async () => void (await db.execute(sql`select 1`)),
    close: async () => {
      try {
        if (!client.closed) await client.close();
      } finally {
        release();
      }
    },
  };
}
