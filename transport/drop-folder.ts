import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TransportRefusedError, TransportRequestError } from './errors';
import {
  type FetchedMessage,
  maxFetchLimit,
  type OutgoingTransportMessage,
  type SendReceipt,
  type Transport,
  type TransportStatus,
} from './types';

/*
 * The drop folder: for providers who move files by hand (or with their own tool). Under one root:
 *   outbox/     messages we send, one XML file each, `{type}_{traceerId}.xml`
 *   inbox/      messages for us; any `*.xml` file
 *   processed/  inbox files whose receipt is confirmed, as `{hash}_{name}`
 *   .tmp/       files being written; .sent/ a record of what we sent (one JSON per traceerId)
 * Every file appears by rename from .tmp/ on the same file system, so a reader never sees half a file.
 * People dropping files into inbox/ should do the same (copy as a dot-file, then rename); as a second
 * guard, files changed within `settleMs` are left for the next fetch.
 *
 * An inbox message's id is `{file name}#{first 16 hex of its SHA-256}`: a new file under a reused name is
 * a new message, and confirm moves only the file it fetched (a replaced file is left alone).
 */

export interface DropFolderConfig {
  root: string;
  /** Inbox files modified more recently than this are not offered yet; default 1000 ms. */
  settleMs?: number;
  /** Larger files are offered without payload (`unavailable: 'too-large'`); default 32 MiB. */
  maxPayloadBytes?: number;
  /** One fetch reads files until their sizes reach this (at least one); default 64 MiB. */
  maxBatchBytes?: number;
  /** Clock for the settle check; default Date.now. */
  now?: () => number;
}

interface SentRecord {
  traceerId: string;
  conversatieId: string;
  alsAntwoordOp?: string;
  fileName: string;
  sha256: string;
  sentAt: string;
}

const mib = 1024 * 1024;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const messageTypePattern = /^[A-Za-z0-9]{1,20}$/;
const idPattern = /^(.+)#([0-9a-f]{16})$/;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export function createDropFolderTransport(config: DropFolderConfig): Transport & {
  dirs: { outbox: string; inbox: string; processed: string };
} {
  const dirs = {
    outbox: join(config.root, 'outbox'),
    inbox: join(config.root, 'inbox'),
    processed: join(config.root, 'processed'),
    tmp: join(config.root, '.tmp'),
    sent: join(config.root, '.sent'),
  };
  const settleMs = config.settleMs ?? 1000;
  const maxPayloadBytes = config.maxPayloadBytes ?? 32 * mib;
  const maxBatchBytes = config.maxBatchBytes ?? 64 * mib;
  const now = config.now ?? Date.now;
  let ready: Promise<unknown> | undefined;
  const ensureDirs = () => {
    ready ??= Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
    return ready;
  };

  /** Write to .tmp/, flush, rename into place: the file appears whole or not at all. */
  async function writeAtomic(target: string, bytes: Uint8Array): Promise<void> {
    const tmp = join(dirs.tmp, `${randomUUID()}.part`);
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async function readSent(traceerId: string): Promise<SentRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(dirs.sent, `${traceerId}.json`), 'utf8')) as SentRecord;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async function exists(path: string) {
    try {
      return await stat(path);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  function parseId(id: string, op: 'confirm' | 'status') {
    const match = idPattern.exec(id);
    const name = match?.[1];
    if (!match || !name || basename(name) !== name || name.startsWith('.')) {
      throw new TransportRequestError('not a drop folder message id (file name#16 hex)', op);
    }
    return { name, hash: match[2] as string };
  }

  async function inboxCandidates() {
    const entries = await readdir(dirs.inbox, { withFileTypes: true });
    const files = [];
    for (const e of entries) {
      if (!e.isFile() || e.name.startsWith('.') || !e.name.toLowerCase().endsWith('.xml')) continue;
      const info = await exists(join(dirs.inbox, e.name));
      if (!info || now() - info.mtimeMs < settleMs) continue;
      files.push({ name: e.name, size: info.size, mtimeMs: info.mtimeMs });
    }
    // Oldest first, as VECOZO offers them; the name breaks ties so the order is stable.
    return files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  }

  async function load(file: { name: string; size: number; mtimeMs: number }): Promise<FetchedMessage> {
    const path = join(dirs.inbox, file.name);
    const base = { ontvangenOp: new Date(file.mtimeMs).toISOString(), size: file.size };
    if (file.size > maxPayloadBytes) {
      const traceerId = `${file.name}#${(await sha256OfFile(path)).slice(0, 16)}`;
      return { ...base, traceerId, payload: null, unavailable: 'too-large' };
    }
    const bytes = await readFile(path);
    const traceerId = `${file.name}#${sha256(bytes).slice(0, 16)}`;
    return { ...base, traceerId, size: bytes.byteLength, payload: new Uint8Array(bytes) };
  }

  return {
    name: 'drop-folder',
    dirs,

    async send(message: OutgoingTransportMessage): Promise<SendReceipt> {
      await ensureDirs();
      const traceerId = message.traceerId ?? randomUUID();
      if (!uuidPattern.test(traceerId)) throw new TransportRequestError('traceerId must be a uuid', 'send');
      if (!messageTypePattern.test(message.messageType)) {
        throw new TransportRequestError('messageType must be 1-20 letters and digits (WMO305)', 'send');
      }
      const bytes =
        typeof message.payload === 'string' ? new TextEncoder().encode(message.payload) : message.payload;
      const record: SentRecord = {
        traceerId,
        conversatieId: message.conversatieId ?? traceerId,
        ...(message.alsAntwoordOp ? { alsAntwoordOp: message.alsAntwoordOp } : {}),
        fileName: `${message.messageType}_${traceerId}.xml`,
        sha256: sha256(bytes),
        sentAt: new Date().toISOString(),
      };
      const earlier = await readSent(traceerId);
      if (earlier) {
        // A resend after a crash: the same bytes are already out; other bytes under this id are refused.
        if (earlier.sha256 !== record.sha256) {
          const melding = { code: 'BRS114', omschrijving: 'TraceerID is niet uniek' };
          throw new TransportRefusedError('traceerId was used for another message', 'send', undefined, [
            melding,
          ]);
        }
        const { conversatieId, alsAntwoordOp } = earlier;
        return { traceerId, conversatieId, ...(alsAntwoordOp ? { alsAntwoordOp } : {}) };
      }
      // The XML first, its record after: a crash in between leaves no record, so the resend writes the
      // XML again (at least once; the receiver dedupes on content) instead of trusting a record of a
      // file that was never written.
      await writeAtomic(join(dirs.outbox, record.fileName), bytes);
      await writeAtomic(join(dirs.sent, `${traceerId}.json`), Buffer.from(JSON.stringify(record)));
      const { conversatieId, alsAntwoordOp } = record;
      return { traceerId, conversatieId, ...(alsAntwoordOp ? { alsAntwoordOp } : {}) };
    },

    async fetch(limit = maxFetchLimit): Promise<FetchedMessage[]> {
      if (!Number.isInteger(limit) || limit < 1 || limit > maxFetchLimit) {
        throw new TransportRequestError(`limit must be a whole number 1..${maxFetchLimit}`, 'fetch');
      }
      await ensureDirs();
      const out: FetchedMessage[] = [];
      let total = 0;
      for (const file of (await inboxCandidates()).slice(0, limit)) {
        const counted = file.size > maxPayloadBytes ? 0 : file.size;
        if (out.length > 0 && total + counted > maxBatchBytes) break;
        try {
          out.push(await load(file));
        } catch (err) {
          if (isMissing(err)) continue; // taken away by hand since the listing
          throw err;
        }
        total += counted;
      }
      return out;
    },

    async confirm(id: string) {
      const { name, hash } = parseId(id, 'confirm');
      await ensureDirs();
      const path = join(dirs.inbox, name);
      if (!(await exists(path))) return 'unknown';
      if (!(await sha256OfFile(path)).startsWith(hash)) return 'unknown'; // replaced since it was fetched
      await rename(path, join(dirs.processed, `${hash}_${name}`));
      return 'confirmed';
    },

    async status(id: string): Promise<TransportStatus[]> {
      await ensureDirs();
      if (uuidPattern.test(id)) {
        const sent = await readSent(id);
        if (!sent) return [];
        const waiting = await exists(join(dirs.outbox, sent.fileName));
        const { traceerId, conversatieId, alsAntwoordOp } = sent;
        const ids = { traceerId, conversatieId, ...(alsAntwoordOp ? { alsAntwoordOp } : {}) };
        // Gone from outbox/ = taken by the other side; when, a folder does not tell.
        return waiting
          ? [{ ...ids, status: 'WordtAangeboden', changedAt: sent.sentAt, meldingen: [] }]
          : [{ ...ids, status: 'Bezorgd', meldingen: [] }];
      }
      const { name, hash } = parseId(id, 'status');
      const inInbox = await exists(join(dirs.inbox, name));
      if (inInbox && (await sha256OfFile(join(dirs.inbox, name))).startsWith(hash)) {
        return [
          { traceerId: id, status: 'WordtAangeboden', changedAt: inInbox.mtime.toISOString(), meldingen: [] },
        ];
      }
      // rename() sets ctime: the moment the receipt was confirmed.
      const done = await exists(join(dirs.processed, `${hash}_${name}`));
      return done
        ? [{ traceerId: id, status: 'Bezorgd', changedAt: done.ctime.toISOString(), meldingen: [] }]
        : [];
    },
  };
}

export type DropFolderTransport = ReturnType<typeof createDropFolderTransport>;
