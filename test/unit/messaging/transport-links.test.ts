import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { relatieOf } from '../../../activities/delivery';
import { retourLinks } from '../../../activities/messaging/outbox';
import { loadConfig } from '../../../app/config';

describe('retourLinks: how a retour points at its heen message on the transport', () => {
  it("joins the heen's conversation and answers its traceerId", () => {
    const traceerId = randomUUID();
    const conversatieId = randomUUID();
    expect(retourLinks({ traceerId, conversatieId })).toEqual({ conversatieId, alsAntwoordOp: traceerId });
  });

  it("uses the heen's traceerId as conversation when the transport gave none (CC05)", () => {
    const traceerId = randomUUID();
    expect(retourLinks({ traceerId, conversatieId: null })).toEqual({
      conversatieId: traceerId,
      alsAntwoordOp: traceerId,
    });
  });

  it('links nothing the transport cannot carry: no traceerId (API), a file name, a uuid that is not v4', () => {
    expect(retourLinks({ traceerId: null, conversatieId: null })).toEqual({});
    expect(retourLinks({ traceerId: 'WMO301_a.xml#0123456789abcdef', conversatieId: null })).toEqual({});
    expect(retourLinks({ traceerId: '01a21408-95da-7df9-ab3a-5df5c1c4c7a0', conversatieId: null })).toEqual(
      {},
    );
  });

  it('keeps a v4 traceerId but not a conversatieId that is not v4', () => {
    const traceerId = randomUUID();
    expect(retourLinks({ traceerId, conversatieId: 'not-a-uuid' }).conversatieId).toBe(traceerId);
  });
});

describe('relatieOf', () => {
  it('tells a gemeente (CBS, 4 digits) from an aanbieder (AGB, 8 digits)', () => {
    expect(relatieOf('0384')).toEqual({ rol: 'gemeente', code: '0384' });
    expect(relatieOf('42420001')).toEqual({ rol: 'aanbieder', code: '42420001' });
  });
});

describe('transport configuration in app/config.ts', () => {
  it('defaults to the embedded simulator, polling every 5 s, issuing to the sample aanbieder', () => {
    const config = loadConfig({});
    expect(config.TRANSPORT).toBe('simulator');
    expect(config.MESSAGE_POLL_INTERVAL_MS).toBe(5000);
    expect(config.SIMULATOR_AANBIEDER).toBe('42420001');
  });

  it('names the variable and the rule it broke', () => {
    expect(() => loadConfig({ TRANSPORT: 'ftp' })).toThrow(/TRANSPORT:/);
    expect(() => loadConfig({ SIMULATOR_AANBIEDER: '123' })).toThrow(
      /SIMULATOR_AANBIEDER: AGB code is 8 digits/,
    );
    expect(() => loadConfig({ VECOZO_URL: 'http://vecozo.example' })).toThrow(
      /VECOZO_URL: must be an https URL/,
    );
    expect(() => loadConfig({ MESSAGE_POLL_INTERVAL_MS: '10' })).toThrow(/MESSAGE_POLL_INTERVAL_MS:/);
  });
});
