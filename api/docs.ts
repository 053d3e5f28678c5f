import { swaggerUI } from '@hono/swagger-ui';
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { escalationPayloadSchema } from '../activities/escalation-payload';
import { registerBearerScheme } from './router';

/*
 * The API describes itself: OpenAPI 3.1 generated from the routes' zod schemas at GET /openapi.json,
 * and a Swagger UI page at GET /docs that reads it. Both public: they describe shapes, carry no data.
 * Call after every router is mounted — the document is built from the root registry per request.
 */
export function mountDocs(app: OpenAPIHono<Env>, version: string): void {
  registerBearerScheme(app);
  registerEscalationWebhook(app);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'iwmo-flow API',
      version,
      description:
        'The iWmo 3.2 message lifecycle as durable workflows. Every /v1 route needs `Authorization: Bearer <api key>`; ' +
        'a key acts only for its own AGB codes and gemeentecodes. Errors are application/problem+json.',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'iwmo-flow API' }));
}

/** What an escalation receiver gets (OpenAPI 3.1 `webhooks`); docs/api.md shows how to verify it. */
function registerEscalationWebhook(app: OpenAPIHono<Env>): void {
  app.openAPIRegistry.registerWebhook({
    method: 'post',
    path: 'escalation',
    summary: 'A deadline passed unmet (Standard Webhooks: verify webhook-signature before trusting it)',
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
      500: { description: '5xx, 408, 429 or no answer: retried with backoff; other 4xx: given up' },
    },
  });
}
