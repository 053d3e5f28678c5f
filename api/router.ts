import { type Hook, OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { AuthEnv } from './auth';
import { problemContentType, problemSchema, reasonPhrase, validationProblem } from './problem';

/*
 * The pieces every resource router uses, so routes look alike and land in /openapi.json:
 *
 *   const route = createRoute({ method: 'get', path: '/{id}', security: bearerSecurity,
 *     request: { params }, responses: { 200: jsonContent(schema, 'the thing'), ...errorResponses(401, 404, 422) } });
 *   export const thingRoutes = (deps) => createRouter().openapi(route, async (c) => c.json(…, 200));
 *
 * and in api/app.ts: `v1.route('/things', thingRoutes(deps))` — before v1 is mounted, because
 * zod-openapi copies a router's OpenAPI definitions at mount time.
 */

/** Schema failures throw a 422 problem naming field and rule; app.onError renders it. */
// biome-ignore lint/suspicious/noExplicitAny: a hook for every router, whatever its env and input.
export const validationHook: Hook<any, any, any, undefined> = (result) => {
  if (!result.success) throw validationProblem(result.target, result.error);
  return undefined;
};

/** A router for one resource under /v1: the caller is authenticated (principal set) by the mount. */
export function createRouter<E extends Env = AuthEnv>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}

/** Name of the security scheme registered in the OpenAPI document. */
export const bearerSchemeName = 'bearer';
/** `security` of every /v1 route. */
export const bearerSecurity = [{ [bearerSchemeName]: [] }];

/** Registers the bearer scheme on the root app's OpenAPI registry. */
export function registerBearerScheme(app: OpenAPIHono<Env>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', bearerSchemeName, {
    type: 'http',
    scheme: 'bearer',
    description:
      'API key from `npm run keys -- create`; scoped to AGB codes and CBS gemeentecodes (see docs/api.md).',
  });
}

/** `{ content: { 'application/json': { schema } }, description }` for a route's success response. */
export function jsonContent<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const errorDescriptions: Record<number, string> = {
  401: 'no or unknown API key (WWW-Authenticate: Bearer)',
  404: 'no such resource for this key (another tenant gets 404, never its data)',
  409: 'conflicts with the current state; the problem names the rule',
  413: 'body larger than the route allows',
  415: 'wrong Content-Type',
  422: 'request breaks its schema or a rule; the problem names field and rule',
  429: 'too many failed authentication attempts (Retry-After)',
};

/** Problem responses for a route's documented error statuses. */
export function errorResponses<const S extends number>(...statuses: S[]) {
  const entries = statuses.map((s) => [
    s,
    {
      description: errorDescriptions[s] ?? reasonPhrase(s),
      content: { [problemContentType]: { schema: problemSchema } },
    },
  ]);
  return Object.fromEntries(entries) as Record<
    S,
    { description: string; content: { [problemContentType]: { schema: typeof problemSchema } } }
  >;
}
