import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes reviewed SQL into db/migrations; the service applies it at start-up.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});
