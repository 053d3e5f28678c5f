import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLog, maskBsns, sdkLogger } from '../../../app/log';

function captured() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => {
    text += String(d);
  });
  const lines = () =>
    text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

describe('app/log', () => {
  it('writes one JSON object per line with level, time, role and the fields given', () => {
    const out = captured();
    const log = createLog({ format: 'json', level: 'info', base: { role: 'api' }, destination: out.stream });
    log.info('message routed', { messageId: 'm-1', workflowId: 'wmo:0384:8101' });
    log.debug('not written at info');
    expect(out.lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        role: 'api',
        service: 'iwmo-flow',
        msg: 'message routed',
        messageId: 'm-1',
        workflowId: 'wmo:0384:8101',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });

  it('never writes a BSN or a name: censored fields, masked elfproef numbers in the text', () => {
    const out = captured();
    const log = createLog({ format: 'json', level: 'debug', destination: out.stream });
    sdkLogger(log).warn('toewijzing for 999900006 refused', { bsn: '999900006', client: { naam: 'Jansen' } });
    const [line] = out.lines();
    expect(JSON.stringify(line)).not.toMatch(/999900006|Jansen/);
    expect(line).toMatchObject({
      msg: 'toewijzing for [bsn] refused',
      bsn: '[redacted]',
      component: 'temporal',
    });
    // A nine-digit number that is no BSN (fails the elfproef) is left alone: an id stays readable.
    expect(maskBsns('identificatie 123456780')).toBe('identificatie 123456780');
  });
});
