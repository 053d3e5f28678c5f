import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';

/*
 * GET /v1/whoami — the caller's key id and scope. The smallest route, and the pattern the others follow:
 * a createRoute with zod schemas (they become /openapi.json), a handler that returns typed JSON, errors
 * thrown as problems.
 */

export const principalSchema = z
  .object({
    id: z.string().openapi({ example: 'zorg-bv' }),
    aanbieders: z.array(z.string()).openapi({ example: ['12345678'] }),
    gemeenten: z.array(z.string()).openapi({ example: ['1916'] }),
  })
  .openapi('Principal');

const whoami = createRoute({
  operationId: 'whoami',
  method: 'get',
  path: '/',
  tags: ['auth'],
  summary: 'The calling key and the codes it may act for',
  security: bearerSecurity,
  responses: {
    200: jsonContent(principalSchema, 'key id and scope'),
    ...errorResponses(401, 429),
  },
});

export function whoamiRoutes() {
  return createRouter().openapi(whoami, (c) => c.json(c.get('principal'), 200));
}
