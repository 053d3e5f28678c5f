import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../../api/codec';
import { loadConfig, uiOrigins } from '../../../app/config';
import { devServerArgs } from '../../../app/dev-server';

/*
 * Issue 13: the embedded UI decodes through /codec on whatever port it runs. Its allowed origin follows
 * TEMPORAL_UI_PORT (before, it was 8233 whatever the port, and the browser's preflight failed), the dev
 * server is told where /codec is, and only loopback peers count as the local browser.
 */

describe('the UI origins /codec allows', () => {
  it('follow TEMPORAL_UI_PORT when TEMPORAL_UI_ORIGIN is unset', () => {
    expect(uiOrigins(loadConfig({ TEMPORAL_UI_PORT: '18233' }))).toEqual([
      'http://localhost:18233',
      'http://127.0.0.1:18233',
    ]);
    expect(uiOrigins(loadConfig({}))).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
  });

  it('are TEMPORAL_UI_ORIGIN when it is set', () => {
    const config = loadConfig({ TEMPORAL_UI_ORIGIN: 'https://ui.example.nl', TEMPORAL_UI_PORT: '18233' });
    expect(uiOrigins(config)).toEqual(['https://ui.example.nl']);
  });
});

describe('the dev server command line', () => {
  const base = { port: 7233, uiPort: 8233, namespace: 'default', sqlitePragmas: [] };
  it('points the UI at the codec endpoint when one is given', () => {
    const args = devServerArgs({ ...base, uiCodecEndpoint: 'http://127.0.0.1:3000/codec' }).join(' ');
    expect(args).toContain('--ui-codec-endpoint http://127.0.0.1:3000/codec');
    expect(devServerArgs(base)).not.toContain('--ui-codec-endpoint');
  });
});

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('%s is loopback', (address) => {
    expect(isLoopback(address)).toBe(true);
  });
  it.each(['192.0.2.2', '::ffff:192.0.2.2', 'fd00::2', '0.0.0.0', 'unknown', '127.0.0.1.evil', ''])(
    '%s is not',
    (address) => {
      expect(isLoopback(address)).toBe(false);
    },
  );
});
