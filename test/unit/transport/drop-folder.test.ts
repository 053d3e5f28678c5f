import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDropFolderTransport, type DropFolderTransport } from '../../../transport/drop-folder';
import { TransportRefusedError, TransportRequestError } from '../../../transport/errors';

let root: string;
let transport: DropFolderTransport;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'iwmo-drop-'));
  transport = createDropFolderTransport({ root, settleMs: 0 });
});
afterEach(() => rm(root, { recursive: true, force: true }));

const xml = (n: number) => `<?xml version="1.0" encoding="UTF-8"?>\n<Bericht n="${n}">ë</Bericht>\n`;
const outgoing = (payload: string, traceerId?: string) => ({
  payload,
  messageType: 'WMO305',
  afzender: { rol: 'aanbieder', code: '42420001' },
  geadresseerde: { rol: 'gemeente', code: '0384' },
  ...(traceerId ? { traceerId } : {}),
});

/** An inbox file with a given age, as someone moving files by hand would leave it. */
async function drop(name: string, content: string | Buffer, secondsAgo: number) {
  await mkdir(transport.dirs.inbox, { recursive: true });
  const path = join(transport.dirs.inbox, name);
  await writeFile(path, content);
  const t = new Date(Date.now() - secondsAgo * 1000);
  await utimes(path, t, t);
}

const text = (payload: Uint8Array | null) => (payload ? Buffer.from(payload).toString('utf8') : null);

describe('drop folder: send', () => {
  it('writes the XML whole into outbox/ under its type and traceerId, nothing left in .tmp/', async () => {
    const receipt = await transport.send(outgoing(xml(1)));
    expect(receipt.conversatieId).toBe(receipt.traceerId); // a heen message starts its conversation
    expect(await readdir(transport.dirs.outbox)).toEqual([`WMO305_${receipt.traceerId}.xml`]);
    expect(await readFile(join(transport.dirs.outbox, `WMO305_${receipt.traceerId}.xml`), 'utf8')).toBe(
      xml(1),
    );
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('carries conversatieId and alsAntwoordOp into its status', async () => {
    const conversatieId = randomUUID();
    const alsAntwoordOp = randomUUID();
    const receipt = await transport.send({ ...outgoing(xml(2)), conversatieId, alsAntwoordOp });
    expect(receipt).toMatchObject({ conversatieId, alsAntwoordOp });
    const [status] = await transport.status(receipt.traceerId);
    expect(status).toMatchObject({ traceerId: receipt.traceerId, conversatieId, alsAntwoordOp });
  });

  it('a resend with the same traceerId and bytes is the same message; other bytes are refused', async () => {
    const traceerId = randomUUID();
    const first = await transport.send(outgoing(xml(1), traceerId));
    expect(await transport.send(outgoing(xml(1), traceerId))).toEqual(first);
    expect(await readdir(transport.dirs.outbox)).toHaveLength(1);
    const refused = await transport.send(outgoing(xml(2), traceerId)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportRefusedError);
    expect((refused as TransportRefusedError).duplicateTraceerId).toBe(true);
  });

  it('a resend that finds no record (crash after the XML) writes the XML again, as one file', async () => {
    const traceerId = randomUUID();
    await transport.send(outgoing(xml(3), traceerId));
    await unlink(join(root, '.sent', `${traceerId}.json`)); // as if the process died right there
    await transport.send(outgoing(xml(3), traceerId));
    expect(await readdir(transport.dirs.outbox)).toEqual([`WMO305_${traceerId}.xml`]);
    expect(await transport.status(traceerId)).toMatchObject([{ status: 'WordtAangeboden' }]);
  });

  it('status: WordtAangeboden while in outbox/, Bezorgd once the other side took it, [] when unknown', async () => {
    const { traceerId } = await transport.send(outgoing(xml(1)));
    expect(await transport.status(traceerId)).toMatchObject([{ traceerId, status: 'WordtAangeboden' }]);
    await unlink(join(transport.dirs.outbox, `WMO305_${traceerId}.xml`));
    expect(await transport.status(traceerId)).toMatchObject([{ traceerId, status: 'Bezorgd' }]);
    expect(await transport.status(randomUUID())).toEqual([]);
  });

  it('refuses a traceerId that is not a uuid and a message type that is not a plain name', async () => {
    await expect(transport.send(outgoing(xml(1), '../../etc/passwd'))).rejects.toThrow(TransportRequestError);
    await expect(transport.send({ ...outgoing(xml(1)), messageType: '../x' })).rejects.toThrow(/messageType/);
  });
});

describe('drop folder: fetch and confirm', () => {
  it('offers *.xml inbox files oldest first, up to the limit, with their bytes', async () => {
    await drop('b.xml', xml(2), 20);
    await drop('a.xml', xml(1), 30);
    await drop('c.XML', xml(3), 10);
    await drop('.hidden.xml', xml(4), 40);
    await drop('notes.txt', 'not a message', 50);
    await mkdir(join(transport.dirs.inbox, 'folder.xml'));
    const all = await transport.fetch();
    expect(all.map((m) => m.traceerId.split('#')[0])).toEqual(['a.xml', 'b.xml', 'c.XML']);
    expect(all.map((m) => text(m.payload))).toEqual([xml(1), xml(2), xml(3)]);
    const hash = createHash('sha256').update(xml(1)).digest('hex').slice(0, 16);
    expect(all[0]).toMatchObject({ traceerId: `a.xml#${hash}`, size: Buffer.byteLength(xml(1)) });
    expect((await transport.fetch(2)).map((m) => m.traceerId.split('#')[0])).toEqual(['a.xml', 'b.xml']);
  });

  it('offers a file again until it is confirmed; confirm moves it to processed/', async () => {
    await drop('a.xml', xml(1), 30);
    const [first] = await transport.fetch();
    const [again] = await transport.fetch();
    expect(again?.traceerId).toBe(first?.traceerId);
    const id = first?.traceerId as string;
    expect(await transport.confirm(id)).toBe('confirmed');
    expect(await transport.fetch()).toEqual([]);
    expect(await readdir(transport.dirs.processed)).toEqual([`${id.split('#')[1]}_a.xml`]);
    expect(await transport.status(id)).toMatchObject([{ traceerId: id, status: 'Bezorgd' }]);
    expect(await transport.confirm(id)).toBe('unknown');
  });

  it('a file replaced under the same name is a new message; confirm leaves it alone', async () => {
    await drop('bericht.xml', xml(1), 30);
    const [old] = await transport.fetch();
    await drop('bericht.xml', xml(2), 20);
    expect(await transport.confirm(old?.traceerId as string)).toBe('unknown');
    const [replaced] = await transport.fetch();
    expect(replaced?.traceerId).not.toBe(old?.traceerId);
    expect(text(replaced?.payload ?? null)).toBe(xml(2));
  });

  it('leaves a file that is still being written (changed within settleMs) for later', async () => {
    const settled = createDropFolderTransport({ root, settleMs: 5_000 });
    await drop('fresh.xml', xml(1), 1);
    await drop('old.xml', xml(2), 10);
    expect((await settled.fetch()).map((m) => m.traceerId.split('#')[0])).toEqual(['old.xml']);
  });

  it('a file above the size limit is offered without payload, and can be confirmed', async () => {
    const small = createDropFolderTransport({ root, settleMs: 0, maxPayloadBytes: 100 });
    await drop('big.xml', Buffer.alloc(101, 'x'), 10);
    const [big] = await small.fetch();
    expect(big).toMatchObject({ payload: null, unavailable: 'too-large', size: 101 });
    expect(await small.confirm(big?.traceerId as string)).toBe('confirmed');
  });

  it('one fetch stops at the batch budget, but always takes one', async () => {
    const budget = createDropFolderTransport({ root, settleMs: 0, maxBatchBytes: 150 });
    await drop('1.xml', Buffer.alloc(200, 'a'), 30);
    await drop('2.xml', Buffer.alloc(100, 'b'), 20);
    expect((await budget.fetch()).map((m) => m.traceerId.split('#')[0])).toEqual(['1.xml']);
    await budget.confirm((await budget.fetch())[0]?.traceerId as string);
    await drop('3.xml', Buffer.alloc(40, 'c'), 10);
    expect((await budget.fetch()).map((m) => m.traceerId.split('#')[0])).toEqual(['2.xml', '3.xml']);
  });

  it('refuses ids that are not its own and limits outside 1..250', async () => {
    for (const id of ['a.xml', '../outbox/x.xml#0123456789abcdef', '.hidden#0123456789abcdef']) {
      await expect(transport.confirm(id)).rejects.toThrow(TransportRequestError);
    }
    await expect(transport.fetch(0)).rejects.toThrow(/limit must be a whole number 1\.\.250/);
    await expect(transport.fetch(251)).rejects.toThrow(TransportRequestError);
  });
});
