import { writeFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { createApi } from '../api/app';
import { createDatabase } from '../db';

/*
 * Writes the API's OpenAPI document to a file (default openapi.json; `-` prints it) so CI can lint it:
 *
 *   npx tsx scripts/openapi.ts openapi.json && npx @redocly/cli lint --extends recommended openapi.json
 *
 * The document comes from the real app's routes (POST /v1/messages and the archive included). Nothing is
 * contacted: the Temporal client and the database connect lazily, and no request is ever handled.
 */

const target = process.argv[2] ?? 'openapi.json';
const database = createDatabase({ url: 'postgres://openapi-document.invalid/none' });
const app = createApi({
  temporal: new Client(),
  namespace: 'default',
  taskQueue: 'openapi-document',
  database,
  apiKeys: [],
  messages: {
    db: database.db,
    inbound: {
      receiveMessage: () => Promise.reject(new Error('scripts/openapi.ts handles no requests')),
    },
  },
  requests: {
    clientRef: () => {
      throw new Error('scripts/openapi.ts handles no requests');
    },
  },
  log: () => {},
});
const res = await app.request('/openapi.json');
if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
const text = `${JSON.stringify(await res.json(), null, 2)}\n`;
if (target === '-') process.stdout.write(text);
else writeFileSync(target, text);
await database.close();
