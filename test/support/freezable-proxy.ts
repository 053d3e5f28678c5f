import { connect, createServer, type Server, type Socket } from 'node:net';

/*
 * A loopback TCP proxy that can freeze: while frozen it accepts and keeps every connection but passes no
 * byte either way, the way a hung server or a black-holed network looks to a client. Thawing delivers
 * what was held back, in order, so the protocols on top (gRPC, PostgreSQL) carry on unharmed.
 */

export interface FreezableProxy {
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(target: { host: string; port: number }): Promise<FreezableProxy> {
  let frozen = false;
  const flushes = new Set<() => void>();
  const sockets = new Set<Socket>();

  const relay = (from: Socket, to: Socket) => {
    const held: Buffer[] = [];
    from.on('data', (chunk: Buffer) => {
      if (frozen || held.length > 0) held.push(chunk);
      else to.write(chunk);
    });
    const flush = () => {
      for (let chunk = held.shift(); chunk; chunk = held.shift()) to.write(chunk);
    };
    flushes.add(flush);
    from.on('close', () => {
      flushes.delete(flush);
      to.destroy();
    });
    from.on('error', () => to.destroy());
  };

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const flush of flushes) flush();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
