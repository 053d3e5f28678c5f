import type { Payload, PayloadCodec } from '@temporalio/common';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { PayloadDecryptionError } from '../security/payload-codec';
import type { ApiKeyConfig } from './api-keys';
import { type AuthEnv, requireApiKey } from './auth';
import { clientIp } from './hygiene';
import { FailureLimiter } from './rate-limit';

/*
 * Temporal's remote codec protocol, so an operator's Temporal UI or CLI can show decrypted payloads:
 * POST …/decode and …/encode take and return `{payloads: [{metadata: {k: base64}, data: base64}]}`
 * (Payloads as proto3 JSON). Decoding reads every client's data, so a bearer key is not enough: its id
 * must also be listed in CODEC_KEY_IDS. Browsers call this cross-origin from the UI, hence CORS for the
 * UI's origins; the preflight is answered before authentication because browsers send it without one.
 *
 * The embedded dev server's UI cannot send an API key (it has no login), so in embedded mode only
 * (`trustLocalUi`) a request without Authorization is let through when BOTH its Origin is exactly one of
 * the UI's origins AND it comes from a loopback address: the browser of the person at this machine, who
 * can read the dev keyring in .data/ anyway. Anything else still needs an operator key (docs/security.md).
 */

export interface CodecEndpointDeps {
  payloadCodec: PayloadCodec;
  /** Ids of the API keys allowed to use the endpoint (operators). */
  allowedKeyIds: string[];
  /** Browser origins of the Temporal UI. */
  uiOrigins: string[];
  /** Embedded mode: the local UI (Origin in uiOrigins, peer on loopback) may decode without a key. */
  trustLocalUi?: boolean;
}

/** 127.0.0.0/8, ::1, and IPv4 loopback as an IPv6-mapped address. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Temporal refuses payloads above 2 MB by default; a request carries one event's payloads. */
const maxBodyBytes = 8 * 1024 * 1024;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadsBody = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).optional(),
      data: base64.optional(),
    }),
  ),
});
type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

function fromJson(p: JsonPayload): Payload {
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  );
  return { metadata, data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')) };
}

function toJson(p: Payload): JsonPayload {
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}

async function readPayloads(req: Request): Promise<Payload[]> {
  if (!/^application\/json\b/i.test(req.headers.get('content-type') ?? '')) {
    throw new HTTPException(415, { message: 'send Content-Type: application/json' });
  }
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new HTTPException(400, { message: 'body is not valid JSON' });
  }
  const parsed = payloadsBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HTTPException(400, { message: `body.${issue?.path.join('.')}: ${issue?.message}` });
  }
  return parsed.data.payloads.map(fromJson);
}

/** The embedded UI's request: no Authorization, Origin exactly a UI origin, peer on loopback. */
function fromLocalUi(c: Context, deps: CodecEndpointDeps): boolean {
  if (!deps.trustLocalUi || c.req.header('authorization') !== undefined) return false;
  const origin = c.req.header('origin');
  return origin !== undefined && deps.uiOrigins.includes(origin) && isLoopback(clientIp(c));
}

/** An operator key (requireApiKey + CODEC_KEY_IDS), or the local UI in embedded mode. */
function codecAccess(apiKeys: ApiKeyConfig[], deps: CodecEndpointDeps, limiter: FailureLimiter) {
  const withKey = requireApiKey(apiKeys, limiter);
  const operators = operatorsOnly(deps.allowedKeyIds);
  return createMiddleware<AuthEnv>(async (c, next) => {
    if (fromLocalUi(c, deps)) {
      await next();
      return;
    }
    await withKey(c, async () => void (await operators(c, next)));
  });
}

function operatorsOnly(allowedKeyIds: string[]) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const { id } = c.get('principal');
    if (!allowedKeyIds.includes(id)) {
      throw new HTTPException(403, {
        message: `API key "${id}" may not use the codec endpoint (CODEC_KEY_IDS)`,
      });
    }
    await next();
  });
}

/** Mounted at /codec. Without `deps` (no codec configured) every request gets a 404 saying so. */
export function codecRoutes(
  apiKeys: ApiKeyConfig[],
  deps: CodecEndpointDeps | undefined,
  limiter: FailureLimiter = new FailureLimiter(),
) {
  const app = new Hono<AuthEnv>();
  if (!deps) {
    return app.all('*', () => {
      throw new HTTPException(404, { message: 'codec endpoint not configured' });
    });
  }
  const run = (direction: 'encode' | 'decode') => async (req: Request) => {
    const payloads = await readPayloads(req);
    try {
      const out = await deps.payloadCodec[direction](payloads);
      return { payloads: out.map(toJson) };
    } catch (err) {
      if (err instanceof PayloadDecryptionError) throw new HTTPException(422, { message: err.message });
      throw err;
    }
  };
  return app
    .use(
      cors({
        origin: deps.uiOrigins,
        allowMethods: ['POST', 'OPTIONS'],
        allowHeaders: ['authorization', 'content-type', 'x-namespace'],
        // The UI's "include cross-origin credentials" setting needs this; auth stays the bearer key.
        credentials: true,
        maxAge: 600,
      }),
    )
    .use(bodyLimit({ maxSize: maxBodyBytes, onError: () => tooLarge() }))
    .use(codecAccess(apiKeys, deps, limiter))
    .post('/decode', async (c) => c.json(await run('decode')(c.req.raw)))
    .post('/encode', async (c) => c.json(await run('encode')(c.req.raw)));
}

function tooLarge(): never {
  throw new HTTPException(413, { message: `body exceeds ${maxBodyBytes} bytes` });
}
