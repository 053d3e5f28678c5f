import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { ApiKeyConfig } from '../app/config';

/** The authenticated caller and the codes it may act for; every route scopes its data to these. */
export interface Principal {
  id: string;
  aanbieders: string[];
  gemeenten: string[];
}

export type AuthEnv = { Variables: { principal: Principal } };

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Bearer-token auth against hashed keys; compares in constant time so timing leaks nothing. */
export function requireApiKey(keys: ApiKeyConfig[]) {
  const hashed = keys.map((k) => ({ key: k, digest: Buffer.from(k.tokenSha256, 'hex') }));
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match?.[1]) {
      throw new HTTPException(401, { message: 'missing bearer token (Authorization: Bearer <api key>)' });
    }
    const digest = sha256(match[1]);
    const found = hashed.find((h) => timingSafeEqual(h.digest, digest));
    if (!found) throw new HTTPException(401, { message: 'unknown API key' });
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
