import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { matchedRoutes } from 'hono/route';
import { problem, reasonPhrase, renderProblem } from './problem';

/*
 * HTTP hygiene a provider-facing API needs, as middleware every route can reuse:
 *  - a body limit per route, counted while the body streams in (a lying client is cut off at the limit);
 *  - the content type checked before anything reads the body (415);
 *  - 405 with Allow for a known path and the wrong method;
 *  - one access log line per request: method, path, status, duration, request id, key id — never a
 *    body, a query value, a BSN or a name.
 * Routes with a body use `jsonBody()` or `xmlBody()` (both: content type + limit) as route middleware.
 */

/** Small JSON requests (lifecycle events, filters); generous for what they carry. */
export const jsonLimitBytes = 64 * 1024;
/** iWmo messages: a large 323 declaratie runs to tens of MB; VECOZO's own limit is 25 MB. */
export const messageLimitBytes = 25 * 1024 * 1024;

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

function mediaType(c: Context): string | undefined {
  return c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** 415 unless a request that carries a body says it is one of `types`. */
export function requireContentType(...types: string[]): MiddlewareHandler {
  return async (c, next) => {
    if (bodyMethods.has(c.req.method)) {
      const type = mediaType(c);
      if (!type || !types.includes(type)) {
        throw problem(415, `Content-Type must be ${types.join(' or ')}, got ${type ?? 'none'}`, {
          headers: { 'accept-post': types.join(', ') },
        });
      }
    }
    await next();
  };
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;
}

/** 413 once the body passes `maxBytes` — by Content-Length up front, else counted as it streams. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw problem(413, `request body is larger than this route's limit of ${sizeText(maxBytes)}`);
    },
  });
}

function bundle(check: MiddlewareHandler, limit: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => check(c, () => limit(c, next).then(() => undefined));
}

/** Route middleware for a JSON body: application/json, at most `maxBytes` (default 64 KB). */
export function jsonBody(maxBytes = jsonLimitBytes): MiddlewareHandler {
  return bundle(requireContentType('application/json'), limitBody(maxBytes));
}

/** Route middleware for an iWmo XML message: application/xml or text/xml, at most 25 MB. */
export function xmlBody(maxBytes = messageLimitBytes): MiddlewareHandler {
  return bundle(requireContentType('application/xml', 'text/xml'), limitBody(maxBytes));
}

/** 405 + Allow (as a problem) when the path is known but the method is not. Register on the root app. */
export function methodGuard(app: Parameters<typeof methodNotAllowed>[0]['app']): MiddlewareHandler {
  return methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) =>
      renderProblem(
        c,
        {
          type: 'about:blank',
          title: reasonPhrase(405),
          status: 405,
          detail: `${c.req.method} is not allowed here; allowed: ${methods.join(', ')}`,
        },
        { allow: methods.join(', ') },
      ),
  });
}

/** The peer address of the connection (Node server); 'unknown' when there is none (app.request in tests). */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The path as logged: the real path when a route handled it (or 405: the path exists), else a
 * placeholder — an unknown path is whatever a client typed and could hold anything. Query values are
 * dropped; only parameter names that look like names stay.
 */
function loggedPath(c: Context): string {
  const routed = matchedRoutes(c).some((r) => r.method !== 'ALL') || c.res.status === 405;
  const path = routed ? c.req.path.slice(0, 200) : '(no route)';
  const names = [...new Set(new URL(c.req.url).searchParams.keys())]
    .slice(0, 20)
    .map((n) => (/^[A-Za-z][\w-]{0,39}$/.test(n) ? n : '?'));
  return names.length ? `${path}?${names.map((n) => `${n}=`).join('&')}` : path;
}

/** A line for text logs; the same facts as fields for JSON logs (app/log.ts). */
export type AccessLog = (line: string, fields?: Record<string, unknown>) => void;

/** One line per request, written when the response is ready. Register first on the root app. */
export function accessLog(log: AccessLog): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round(performance.now() - started);
      const key = (c.get('principal' as never) as { id: string } | undefined)?.id ?? '-';
      const id = (c.get('requestId' as never) as string | undefined) ?? '-';
      const path = loggedPath(c);
      log(`[api] ${c.req.method} ${path} ${c.res.status} ${ms}ms req=${id} key=${key}`, {
        requestId: id,
        method: c.req.method,
        path,
        status: c.res.status,
        ms,
        keyId: key,
      });
    }
  };
}
