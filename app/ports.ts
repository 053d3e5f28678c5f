import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/*
 * Ports the service binds, checked before anything starts so a second instance (or any other program on
 * the port) stops start-up at once with one line that names the port and the variable that moves it.
 */

export interface PortSpec {
  host: string;
  port: number;
  /** The environment variable that changes this port, named in the error. */
  variable: string;
  /** What would listen there, for the error. */
  what: string;
}

export class PortInUseError extends Error {
  constructor(spec: PortSpec) {
    super(
      `port ${spec.port} on ${spec.host} (${spec.what}) is already in use: ` +
        `stop the program holding it or set ${spec.variable} to a free port`,
    );
    this.name = 'PortInUseError';
  }
}

/** Binds and releases the port; throws PortInUseError when another socket holds it. */
export async function assertPortFree(spec: PortSpec): Promise<void> {
  const probe = createServer();
  await listen(probe, spec);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * Listens on host:port, resolving only once the socket is bound. EADDRINUSE becomes PortInUseError,
 * so a port taken between the start-up check and the listen still gives the one clear line.
 */
export function listen(server: Pick<Server, 'once' | 'off' | 'listen'>, spec: PortSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(spec) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(spec.port, spec.host);
  });
}

/**
 * Whether process `pid` holds the listening TCP socket on `port` (Linux: /proc/net/tcp{,6} gives the
 * socket's inode, /proc/<pid>/fd links name the inodes a process holds). `undefined` where /proc cannot
 * tell (another OS, or no permission), so callers fall back to weaker evidence.
 */
export function holdsListeningPort(pid: number, port: number): boolean | undefined {
  const inodes = listeningInodes(port);
  if (inodes === undefined) return undefined;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return true;
    } catch {
      // The fd closed while we looked: not the listener.
    }
  }
  return false;
}

const LISTEN = '0A';

function listeningInodes(port: number): Set<string> | undefined {
  const inodes = new Set<string>();
  let readAny = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== LISTEN) continue;
      const localPort = Number.parseInt(cols[1]?.split(':')[1] ?? '', 16);
      if (localPort === port && cols[9]) inodes.add(cols[9]);
    }
  }
  return readAny ? inodes : undefined;
}
