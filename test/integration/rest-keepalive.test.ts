import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTestPki, readPair } from '../../simulator/certs';
import { TransportRetryableError } from '../../transport/errors';
import { createRestTransport, type RestTransport, vecozoEndpoints } from '../../transport/rest/client';

/*
 * The REST transport's keep-alive connections against a real HTTPS server that drops connections left
 * idle longer than `serverIdleMs`, the way a server or load balancer without a Keep-Alive hint does. The
 * moment it matters is a request sent on such a connection just as the server drops it: here the server
 * drops a stale connection when the next request arrives on it, which is what the client then sees (a
 * reset / "socket hang up" on a reused socket). The client must not reuse a connection idle past its own
 * (shorter) idle timeout, and must retry once when a reused connection is reset anyway.
 */

const serverIdleMs = 500;
const aanbieder = '42420001';

let dir: string;
let server: Server;
let base: string;
let tls: { cert: string; key: string; ca: string };
const stats = { connections: 0, requests: 0, dropped: 0 };
/** Every request on a connection is dropped (a server that resets everything). */
let dropAll = false;
const lastUse = new WeakMap<Socket, number>();
const transports: RestTransport[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwmo-keepalive-'));
  const pki = await generateTestPki({ dir, clients: [aanbieder] });
  const ca = await readFile(pki.caCert, 'utf8');
  const pair = pki.clients[aanbieder];
  if (!pair) throw new Error('no client certificate');
  tls = { ...(await readPair(pair)), ca };
  // keepAliveTimeout 0: Node's own idle close (and its Keep-Alive hint) off; the rule below replaces it.
  server = createServer({ ...(await readPair(pki.server)), ca, keepAliveTimeout: 0 }, (req, res) => {
    stats.requests++;
    const socket = req.socket;
    const last = lastUse.get(socket);
    if (dropAll || (last !== undefined && Date.now() - last > serverIdleMs)) {
      stats.dropped++;
      socket.destroy();
      return;
    }
    res.on('finish', () => lastUse.set(socket, Date.now()));
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  server.on('secureConnection', () => stats.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  base = `https://127.0.0.1:${address.port}`;
});

afterEach(() => {
  for (const t of transports.splice(0)) t.close();
  Object.assign(stats, { connections: 0, requests: 0, dropped: 0 });
  dropAll = false;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

function transport(idleSocketMs?: number): RestTransport {
  const t = createRestTransport({
    endpoints: vecozoEndpoints(base),
    tls,
    timeoutMs: 5_000,
    ...(idleSocketMs === undefined ? {} : { idleSocketMs }),
  });
  transports.push(t);
  return t;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('REST transport keep-alive', () => {
  it('reuses a connection within its idle timeout', async () => {
    const t = transport(2_000);
    await t.fetch(1);
    await t.fetch(1);
    expect(stats).toEqual({ connections: 1, requests: 2, dropped: 0 });
  });

  it('closes a connection idle past its own idle timeout, below the server’s: nothing is reset', async () => {
    const t = transport(serverIdleMs / 2);
    await t.fetch(1);
    await pause(serverIdleMs + 300);
    expect(await t.fetch(1)).toEqual([]);
    expect(stats).toEqual({ connections: 2, requests: 2, dropped: 0 });
  });

  it('has a default idle timeout below the common 5 s of servers', async () => {
    const { defaultIdleSocketMs } = await import('../../transport/rest/client');
    expect(defaultIdleSocketMs).toBeLessThan(5_000);
  });

  it('retries once on a fresh connection when a reused one is reset', async () => {
    // The client's idle timeout is longer than the server's: the stale connection is picked.
    const t = transport(10_000);
    await t.fetch(1);
    await pause(serverIdleMs + 300);
    expect(await t.fetch(1)).toEqual([]);
    expect(stats).toEqual({ connections: 2, requests: 3, dropped: 1 });
  });

  it('does not retry a reset on a fresh connection: the error names the request', async () => {
    dropAll = true;
    const t = transport();
    const failure = await t.fetch(1).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportRetryableError);
    expect((failure as Error).message).toMatch(
      /^GET \/berichten\/rest-pull\/v1\/berichten: (ECONNRESET|socket hang up)$/,
    );
    expect(stats.requests).toBe(1);
  });
});
