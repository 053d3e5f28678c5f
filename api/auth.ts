import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ApiKeyConfig } from './api-keys';
import { clientIp } from './hygiene';
import { problem, problemTypes } from './problem';
import type { FailureLimiter } from './rate-limit';

/** The authenticated caller and the codes it may act for; every route scopes its data to these. */
export interface Principal {
  id: string;
  aanbieders: string[];
  gemeenten: string[];
}

export type AuthEnv = { Variables: { principal: Principal } };

/** RFC 6750 challenge; `error` tells a client whether it sent nothing or a key we do not know. */
export const authRealm = 'iwmo-flow';
function challenge(error?: 'invalid_token'): Record<string, string> {
  const params = error ? `, error="${error}"` : '';
  return { 'www-authenticate': `Bearer realm="${authRealm}"${params}` };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Bearer-token auth against hashed keys; compares in constant time so timing leaks nothing. A client
 * (IP) that sent too many unknown keys is refused with 429 before its token is looked at.
 */
export function requireApiKey(keys: ApiKeyConfig[], limiter: FailureLimiter) {
  const hashed = keys.map((k) => ({ key: k, digest: Buffer.from(k.tokenSha256, 'hex') }));
  return createMiddleware<AuthEnv>(async (c, next) => {
    const client = clientIp(c);
    const wait = limiter.retryAfterSeconds(client);
    if (wait > 0) {
      throw problem(429, `too many failed authentication attempts; retry after ${wait} s`, {
        type: problemTypes.rateLimited,
        headers: { 'retry-after': String(wait) },
      });
    }
    // The scheme is case-insensitive (RFC 9110 §11.1): 'bearer' and 'BEARER' are Bearer too.
    const match = /^bearer +(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      // Not counted: sending no key guesses nothing.
      throw problem(401, 'missing bearer token (Authorization: Bearer <api key>)', { headers: challenge() });
    }
    const digest = sha256(match[1]);
    const found = hashed.find((h) => timingSafeEqual(h.digest, digest));
    if (!found) {
      limiter.recordFailure(client);
      throw problem(401, 'unknown API key', { headers: challenge('invalid_token') });
    }
    const { id, aanbieders, gemeenten } = found.key;
    c.set('principal', { id, aanbieders, gemeenten });
    await next();
  });
}

/** True when the caller acts for this gemeente or this aanbieder (either side of an assignment). */
export function mayAccess(p: Principal, codes: { gemeente?: string; aanbieder?: string }): boolean {
  return (
    (codes.gemeente !== undefined && p.gemeenten.includes(codes.gemeente)) ||
    (codes.aanbieder !== undefined && p.aanbieders.includes(codes.aanbieder))
  );
}
