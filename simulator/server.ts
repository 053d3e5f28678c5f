import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { addDays, amsterdamDateOf } from '../calendar';
import { makeIdentificatie } from '../iwmo';
import { placeholderBerichtstroom } from '../transport/berichtstroom';
import { createSimulatorApp } from './app';
import { amsterdamTime, createGemeente } from './gemeente';
import type { Misbehaviour, Scenario } from './scenario';
import { fileState, memoryState } from './state';
import { MailboxStore, type NewMessage } from './store';
import { build301, syntheticClients } from './synthetic';

/*
 * startSimulator: the HTTPS server with mutual TLS (requestCert + rejectUnauthorized against the test
 * CA), the mailboxes, the gemeente that answers, and the 301s of the scenario. In-process (tests) or
 * from simulator/main.ts. The mailboxes live in memory: stopping the simulator forgets them. With a
 * `stateDir` the numbering (Identificaties, clients, toewijzingen) and which scenarios were issued survive
 * a restart (simulator/state.ts): a restart issues nothing again and never reuses an Identificatie.
 */

export interface SimulatorOptions {
  /** PEM contents: the server certificate and key, and the CA client certificates must chain to. */
  tls: { cert: string; key: string; ca: string };
  scenario: Scenario;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  now?: () => Date;
  log?: (line: string) => void;
  /** Folder for the state kept across restarts (SIMULATOR_DIR); unset = in memory, like the mailboxes. */
  stateDir?: string;
}

export interface Simulator {
  /** https://host:port — the root for vecozoEndpoints(). */
  url: string;
  port: number;
  store: MailboxStore;
  /** Live misbehaviour settings; change fields to change behaviour (as PUT /admin/misbehaviour does). */
  misbehaviour: Misbehaviour;
  /** Issues `count` (default: the scenario's number of) 301s now; returns their traceerIds. */
  issue(count?: number): string[];
  /** The gemeente downloads what it held (misbehaviour holdDownloads) now; returns their traceerIds. */
  download(): string[];
  /** Answers scheduled but not yet delivered. */
  readonly pendingAnswers: number;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { scenario } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const store = new MailboxStore(now);
  const state = options.stateDir ? fileState(options.stateDir) : memoryState();
  const misbehaviour: Misbehaviour = { ...scenario.misbehaviour };

  /** A message for the aanbieder, delivered once, or twice when the scenario says so. */
  function deliver(message: NewMessage): void {
    const mode = misbehaviour.duplicateDelivery;
    store.add({ ...message, ignoreConfirms: mode === 'same-traceer' ? 1 : 0 });
    if (mode === 'new-traceer') store.add({ ...message, traceerId: randomUUID() });
  }

  const gemeente = createGemeente({
    store,
    scenario: () => scenario,
    misbehaviour,
    now,
    log,
    deliver,
    next: (nr) => state.next(nr),
  });

  /** Each 301 a new client, toewijzing and Identificatie, numbered on from every earlier one (also before a restart). */
  function issue(count = scenario.toewijzingen.clients): string[] {
    const t = scenario.toewijzingen;
    const first = state.taken('301');
    const clients = syntheticClients(first + count, t.seed).slice(first);
    const dagtekening = amsterdamDateOf(now());
    const tijd = amsterdamTime.format(now());
    const ingangsdatum = addDays(dagtekening, t.startInDays);
    const einddatum = addDays(ingangsdatum, t.durationDays - 1);
    const ids: string[] = [];
    for (const client of clients) {
      const number = state.next('301');
      const index = number - 1;
      const xml = build301({
        gemeente: scenario.gemeente,
        aanbieder: scenario.aanbieder,
        identificatie: makeIdentificatie('301', number),
        dagtekening,
        tijd,
        client,
        toewijzingNummer: t.firstNummer + index,
        ingangsdatum,
        einddatum,
        toewijzing: t,
      });
      const traceerId = randomUUID();
      deliver({
        traceerId,
        conversatieId: traceerId,
        afzender: { rol: 'gemeente', code: scenario.gemeente },
        geadresseerde: { rol: 'aanbieder', code: scenario.aanbieder },
        berichtstroom: placeholderBerichtstroom('WMO301'),
        payload: Buffer.from(xml, 'utf8'),
        mailbox: scenario.aanbieder,
        status: 'WordtAangeboden',
      });
      ids.push(traceerId);
    }
    log(`issued ${ids.length} WMO301 to ${scenario.aanbieder}`);
    return ids;
  }

  const app = createSimulatorApp({
    store,
    scenario: () => scenario,
    misbehaviour,
    simulated: new Set([scenario.gemeente]),
    receive: gemeente.receive,
    issue,
    download: gemeente.downloadHeld,
    log,
  });

  const server = serve({
    fetch: app.fetch,
    hostname: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    createServer,
    serverOptions: { ...options.tls, requestCert: true, rejectUnauthorized: true },
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  // Once per data folder: a restart issuing the scenario again would send its 301s as new versions.
  const issuedKey = `${scenario.name}:${scenario.gemeente}:${scenario.aanbieder}`;
  if (scenario.toewijzingen.issueOnStart && scenario.toewijzingen.clients > 0) {
    if (state.issued(issuedKey)) log(`scenario '${scenario.name}' was issued before in ${options.stateDir}`);
    else {
      issue();
      state.markIssued(issuedKey);
    }
  }

  return {
    url: `https://${host}:${port}`,
    port,
    store,
    misbehaviour,
    issue,
    download: gemeente.downloadHeld,
    get pendingAnswers() {
      return gemeente.pending;
    },
    async close() {
      gemeente.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
