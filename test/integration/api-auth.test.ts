import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPlatform, from, json, problemOf, utrecht } from '../support/api-platform';

/*
 * The API platform on real parts (Temporal dev server, PostgreSQL): authentication, problem+json
 * errors, HTTP hygiene, and event bodies held to what PostgreSQL and XML can carry.
 */

const platform = apiPlatform();
const { api, withBodyRoutes } = platform;

describe('authentication', () => {
  it('answers 401 with a Bearer challenge, telling a missing key from an unknown one', async () => {
    const { app } = api();
    const none = await app.request('/v1/whoami');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="iwmo-flow"');
    expect(await problemOf(none)).toMatchObject({ status: 401, title: 'Unauthorized' });
    const wrong = await app.request('/v1/whoami', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="iwmo-flow", error="invalid_token"');
    expect(await problemOf(wrong)).toMatchObject({ detail: 'unknown API key' });
    const ok = await app.request('/v1/whoami', { headers: utrecht.auth });
    expect(await ok.json()).toEqual({ id: 'gemeente-1916', aanbieders: [], gemeenten: ['1916'] });
  });

  it('reads the scheme case-insensitively (RFC 9110): bearer and BEARER are Bearer', async () => {
    const { app } = api();
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await app.request('/v1/whoami', {
        headers: { authorization: `${scheme} ${utrecht.token}` },
      });
      expect(res.status, scheme).toBe(200);
    }
    const basic = await app.request('/v1/whoami', { headers: { authorization: `Basic ${utrecht.token}` } });
    expect(basic.status).toBe(401);
  });

  it('refuses a client with 429 + Retry-After after 10 unknown keys in a minute, valid key or not', async () => {
    const { app } = api();
    const guess = (ip: string) =>
      app.request('/v1/whoami', { headers: { authorization: `Bearer guess-${randomUUID()}` } }, from(ip));
    for (let i = 0; i < 10; i++) expect((await guess('203.0.113.7')).status).toBe(401);
    const blocked = await guess('203.0.113.7');
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(6); // one attempt back every 6 s (10 per minute)
    expect(await problemOf(blocked)).toMatchObject({ type: 'urn:iwmo-flow:problem:rate-limited' });
    // Blocked before the key is looked at: the right key from that address waits too.
    expect((await app.request('/v1/whoami', { headers: utrecht.auth }, from('203.0.113.7'))).status).toBe(
      429,
    );
    // Another client is not affected; a missing key is not counted as a guess.
    expect((await app.request('/v1/whoami', { headers: utrecht.auth }, from('198.51.100.2'))).status).toBe(
      200,
    );
    for (let i = 0; i < 12; i++)
      expect((await app.request('/v1/whoami', {}, from('198.51.100.3'))).status).toBe(401);
  });
});

describe('HTTP hygiene', () => {
  it('answers 405 with Allow for a known path and the wrong method', async () => {
    const { app } = api();
    const post = await app.request('/v1/whoami', { method: 'POST', headers: utrecht.auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await problemOf(post)).toMatchObject({ status: 405 });
    const health = await app.request('/health', { method: 'DELETE' });
    expect(health.status).toBe(405);
    expect((await app.request('/nope', { method: 'DELETE' })).status).toBe(404);
  });

  it('checks the content type (415) before the body, and validates it (422) naming field and rule', async () => {
    const { app } = withBodyRoutes();
    const good = { eventId: 'e-1', begindatum: '2026-02-01' };
    expect((await app.request('/v1/test/events', json(good))).status).toBe(202);
    const text = await app.request('/v1/test/events', json(good, { 'content-type': 'text/plain' }));
    expect(text.status).toBe(415);
    expect((await problemOf(text)).detail).toBe('Content-Type must be application/json, got text/plain');
    const untyped = await app.request('/v1/test/events', {
      method: 'POST',
      headers: utrecht.auth,
      body: JSON.stringify(good),
    });
    expect(untyped.status).toBe(415);
    const xmlAsJson = await app.request('/v1/test/messages', json(good));
    expect(xmlAsJson.status).toBe(415);

    const bad = await app.request('/v1/test/events', json({ eventId: '', begindatum: '1 februari' }));
    expect(bad.status).toBe(422);
    const body = await problemOf(bad);
    expect(body).toMatchObject({ type: 'urn:iwmo-flow:problem:validation', status: 422 });
    expect(body.findings).toEqual([
      { rule: 'too_small', path: 'body.eventId', message: expect.any(String) },
      { rule: 'invalid_format', path: 'body.begindatum', message: expect.any(String) },
    ]);
    expect(body.detail).toMatch(/^body\.eventId: /);
    const malformed = await app.request('/v1/test/events', { ...json(good), body: '{"eventId":' });
    expect(malformed.status).toBe(400);
    expect(await problemOf(malformed)).toMatchObject({ status: 400 });
  });

  it('cuts a body off at the route limit (413): by Content-Length up front, or counted while streaming', async () => {
    const { app } = withBodyRoutes();
    // 70 KB of JSON, streamed without a Content-Length: the 64 KB limit stops it mid-stream.
    const big = JSON.stringify({ eventId: 'x'.repeat(70 * 1024), begindatum: '2026-02-01' });
    const chunks = [big.slice(0, 40_000), big.slice(40_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const streamed = await app.request('/v1/test/events', {
      ...json(null),
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await problemOf(streamed)).detail).toBe(
      "request body is larger than this route's limit of 64 KB",
    );
    expect(chunks.length).toBe(0);

    // A message route allows 25 MB: a declared 26 MB is refused before a byte is read.
    const declared = await app.request('/v1/test/messages', {
      method: 'POST',
      headers: {
        ...utrecht.auth,
        'content-type': 'application/xml',
        'content-length': String(26 * 1024 * 1024),
      },
      body: '<x/>',
    });
    expect(declared.status).toBe(413);
    const small = await app.request('/v1/test/messages', {
      method: 'POST',
      headers: { ...utrecht.auth, 'content-type': 'text/xml; charset=utf-8' },
      body: `<x>${'a'.repeat(100 * 1024)}</x>`,
    });
    expect(small.status).toBe(202); // 100 KB: too much for JSON routes, fine for messages
  });

  it('gives every response a request id and logs one line per request without body, query values or errors', async () => {
    const { app, lines } = withBodyRoutes();
    const secretish = { eventId: 'e-2', begindatum: '2026-02-01', bsn: '999999990', naam: 'Jansen' };
    const res = await app.request('/v1/test/events?gemeente=1916&note=Jansen', json(secretish));
    expect(res.status).toBe(202);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await app.request('/health', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc-123');
    const boom = await app.request('/v1/test/boom', { headers: utrecht.auth });
    expect(boom.status).toBe(500);
    const boomBody = await problemOf(boom);
    expect(boomBody.detail).toBe(
      `internal error; quote request id ${boom.headers.get('x-request-id')} when reporting it`,
    );
    await app.request('/v1/0123456789/whatever', { headers: utrecht.auth });

    const access = lines.filter((l) => / \d+ms req=/.test(l));
    expect(access).toHaveLength(4);
    expect(access[0]).toBe(
      `[api] POST /v1/test/events?gemeente=&note= 202 ${access[0]?.match(/ (\d+)ms/)?.[1]}ms req=${id} key=gemeente-1916`,
    );
    expect(access[1]).toMatch(/^\[api\] GET \/health 200 \d+ms req=trace-abc-123 key=-$/);
    expect(access[2]).toMatch(/^\[api\] GET \/v1\/test\/boom 500 \d+ms req=\S+ key=gemeente-1916$/);
    expect(access[3]).toMatch(/^\[api\] GET \(no route\) 404 \d+ms req=\S+ key=gemeente-1916$/);
    const all = lines.join('\n');
    for (const leak of ['999999990', 'Jansen', '0123456789', '2026-02-01']) expect(all).not.toContain(leak);
    expect(lines).toContain(`[api] unhandled Error req=${boom.headers.get('x-request-id')}`);
  });

  it('renders a thrown problem with its rule', async () => {
    const { app } = withBodyRoutes();
    const res = await app.request('/v1/test/conflict', { headers: utrecht.auth });
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'start before the toewijzing',
      rule: 'TR326',
    });
  });
});

describe('event bodies: text PostgreSQL and XML can carry, strict all the way down (issue 13)', () => {
  // No workflow wmo:1916:1 exists: a body that passed validation would be answered 404, not 422.
  const post = (segment: string, body: unknown) =>
    api().app.request(`/v1/assignments/1916/1/${segment}`, json(body));

  async function refused(segment: string, body: unknown, field: string) {
    const res = await post(segment, body);
    expect(res.status, `${segment} ${field}`).toBe(422);
    const problem = (await problemOf(res)) as { findings: { path: string; message: string }[] };
    expect(problem.findings.map((f) => f.path)).toContain(field);
    expect(JSON.stringify(problem)).not.toContain('\\u0000');
  }

  it('refuses NUL, other C0 controls, lone surrogates and overlong text in every string field', async () => {
    for (const bad of ['x\u0000y', 'x\u0007y', 'x\uD800y', 'x\uDC00', 'x'.repeat(101)]) {
      await refused('start', { eventId: bad, begindatum: '2026-11-02' }, 'body.eventId');
      await refused(
        'stop',
        { eventId: bad, einddatum: '2026-11-20', redenBeeindiging: '19' },
        'body.eventId',
      );
      await refused(
        'corrections',
        { eventId: bad, target: 'start', statusAanlevering: '3', begindatum: '2026-11-02' },
        'body.eventId',
      );
    }
    const correction = { eventId: 'c-1', target: 'stop', statusAanlevering: '3', begindatum: '2026-11-02' };
    await refused(
      'corrections',
      { ...correction, replacement: { redenBeeindiging: '1\u00009' } },
      'body.replacement.redenBeeindiging',
    );
    // Tab, LF, CR and a surrogate pair are text: the request passes validation (404: no such workflow).
    expect((await post('start', { eventId: 'a\tb\n\r😀', begindatum: '2026-11-02' })).status).toBe(404);
  });

  it('refuses unknown fields in nested objects like outer ones', async () => {
    await refused(
      'corrections',
      {
        eventId: 'c-2',
        target: 'start',
        statusAanlevering: '3',
        begindatum: '2026-11-02',
        replacement: { begindatum: '2026-11-03', begindatumm: '2026-11-04' },
      },
      'body.replacement',
    );
    await refused('start', { eventId: 's-1', begindatum: '2026-11-02', extra: 1 }, 'body');
  });
});
