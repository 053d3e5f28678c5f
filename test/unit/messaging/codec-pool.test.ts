import { afterAll, describe, expect, it } from 'vitest';
import { inlineCodec } from '../../../activities/messaging/codec';
import { createCodecPool } from '../../../activities/messaging/codec-pool';
import { sampleXml, wmo301 } from '../../support/messages';

/*
 * The worker-thread pool answers exactly what the same code answers in this thread: the pool only
 * moves the work, it never changes a result.
 */

const pool = createCodecPool({ size: 2 });
afterAll(() => pool.close());

const today = '2026-11-20';
const meta = { identificatie: '302-0000001', dagtekening: today };

describe('codec pool', () => {
  it('inspects like the inline codec: a valid 301, a 323 and a malformed message', async () => {
    for (const xml of [sampleXml('301'), sampleXml('323'), '<Bericht>']) {
      expect(await pool.inspect(xml, today)).toEqual(await inlineCodec.inspect(xml, today));
    }
  });

  it('builds retours and starts like the inline codec', async () => {
    const start = {
      type: 'WMO305',
      toewijzingMessageId: 'x',
      toewijzingNummer: 101,
      begindatum: '2023-02-01',
      statusAanlevering: '1',
    } as const;
    expect(await pool.retour(sampleXml('301'), [], meta)).toEqual(
      await inlineCodec.retour(sampleXml('301'), [], meta),
    );
    expect(await pool.startStop(sampleXml('301'), start, meta)).toEqual(
      await inlineCodec.startStop(sampleXml('301'), start, meta),
    );
  });

  it('warm() starts every thread before the first message, and the threads then answer', async () => {
    const fresh = createCodecPool({ size: 3 });
    try {
      expect(fresh.threads()).toBe(0);
      await fresh.warm();
      expect(fresh.threads()).toBe(3);
      expect(fresh.pending()).toBe(0);
      expect(await fresh.inspect(sampleXml('301'), today)).toEqual(
        await inlineCodec.inspect(sampleXml('301'), today),
      );
      expect(fresh.threads()).toBe(3);
    } finally {
      await fresh.close();
    }
    await expect(fresh.warm()).rejects.toThrow(/closed/);
  });

  it('queues more operations than workers and answers each its own', async () => {
    const xmls = [1, 2, 3, 4, 5, 6].map((n) => wmo301(`POOL-${n}`, [n]));
    const results = await Promise.all(xmls.map((xml) => pool.inspect(xml, today)));
    expect(results.map((r) => (r.ok ? r.header.identificatie : r.kind))).toEqual(
      xmls.map((_, i) => `POOL-${i + 1}`),
    );
    expect(pool.pending()).toBe(0);
  });

  it('refuses work once closed, and fails what was still waiting', async () => {
    const own = createCodecPool({ size: 1 });
    const running = own.inspect(sampleXml('323'), today);
    const waiting = own.inspect(sampleXml('301'), today);
    const settled = Promise.allSettled([running, waiting]);
    await own.close();
    const reasons = (await settled).map((s) => (s.status === 'rejected' ? String(s.reason) : s.status));
    expect(reasons).toEqual(['Error: codec pool is closed', 'Error: codec pool is closed']);
    await expect(own.inspect(sampleXml('301'), today)).rejects.toThrow('codec pool is closed');
  });
});
