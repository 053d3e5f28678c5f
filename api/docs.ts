import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { escalationPayloadSchema } from '../activities/escalation-payload';
import { problem } from './problem';
import { registerBearerScheme } from './router';

/*
 * The API describes itself: OpenAPI 3.1 generated from the routes' zod schemas at GET /openapi.json,
 * and a Swagger UI page at GET /docs that reads it. Both public: they describe shapes, carry no data.
 * Call after every router is mounted — the document is built from the root registry per request.
 *
 * Swagger UI's files are served from the installed swagger-ui-dist package, never from a CDN: the page
 * must work on a machine without internet, and loading it must not tell a third party who reads our docs.
 */

/** The document's root fields; scripts/openapi.ts writes the same document to a file for linting. */
export function openApiConfig(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'iwmo-flow API',
      version,
      description:
        'The iWmo 3.2 message lifecycle as durable workflows. Every /v1 route needs `Authorization: Bearer <api key>`; ' +
        'a key acts only for its own AGB codes and gemeentecodes. Errors are application/problem+json.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative: the document is served by the API it describes, wherever that is deployed.
    servers: [{ url: '/', description: 'this service (PUBLIC_API_URL)' }],
  };
}

export function mountDocs(app: OpenAPIHono<Env>, version: string): void {
  registerBearerScheme(app);
  registerEscalationWebhook(app);
  app.doc31('/openapi.json', openApiConfig(version));
  app.get('/docs', (c) => c.html(docsPage));
  app.get('/docs/assets/init.js', (c) =>
    c.body(initScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = swaggerAssets[file];
    if (!type) throw problem(404, `no docs asset ${file.slice(0, 60)}`);
    const body = await readFile(join(swaggerUiDir(), file));
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}

/** The swagger-ui-dist files the page uses, with their content types; nothing else is served. */
const swaggerAssets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

let resolvedDir: string | undefined;
/** Where swagger-ui-dist is installed (node_modules), resolved once as Node resolves it. */
function swaggerUiDir(): string {
  resolvedDir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return resolvedDir;
}

// Same-origin files only; the start-up script is a file too, so a strict CSP can forbid inline scripts.
const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>iwmo-flow API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const initScript = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });
`;

/** What an escalation receiver gets (OpenAPI 3.1 `webhooks`); docs/api.md shows how to verify it. */
function registerEscalationWebhook(app: OpenAPIHono<Env>): void {
  app.openAPIRegistry.registerWebhook({
    operationId: 'receiveEscalation',
    method: 'post',
    path: 'escalation',
    summary: 'A deadline passed unmet (Standard Webhooks: verify webhook-signature before trusting it)',
    // Not a bearer key: the receiver checks the signature headers below.
    security: [],
    request: {
      headers: z.object({
        'webhook-id': z.uuid().openapi({ description: 'escalation id; the same on every retry' }),
        'webhook-timestamp': z.string().openapi({ description: 'Unix seconds of this attempt' }),
        'webhook-signature': z
          .string()
          .openapi({ description: 'v1,base64(HMAC-SHA256(secret, id.timestamp.body))' }),
      }),
      body: { content: { 'application/json': { schema: escalationPayloadSchema } } },
    },
    responses: {
      200: { description: 'any 2xx: received (a repeat webhook-id should be ignored)' },
      400: { description: 'any 4xx other than 408 and 429: refused, not retried' },
      500: { description: '5xx, 408, 429 or no answer: retried with backoff' },
    },
  });
}
