import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escalationLinks, loadConfig } from '../../../app/config';

/** Start-up refuses API keys and webhook endpoints that could not work, naming the entry and the rule. */

const hash = (c: string) => c.repeat(64);
const apiKeys = (keys: object[]) => ({ API_KEYS: JSON.stringify(keys) });
const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('API_KEYS', () => {
  it('refuses a key without any scope, naming it', () => {
    expect(() => loadConfig(apiKeys([{ id: 'lonely', tokenSha256: hash('a') }]))).toThrow(
      /API_KEYS\.0: key 'lonely' has no scope: give it at least one aanbieder or gemeente/,
    );
  });

  it('refuses two keys with one token hash, and one id used twice', () => {
    const a = { id: 'first', tokenSha256: hash('b'), gemeenten: ['1916'] };
    expect(() => loadConfig(apiKeys([a, { ...a, id: 'second' }]))).toThrow(
      /API_KEYS\.1\.tokenSha256: key 'second' has the same token hash as key 'first'/,
    );
    expect(() => loadConfig(apiKeys([a, { ...a, tokenSha256: hash('c') }]))).toThrow(
      /API_KEYS\.1\.id: key id 'first' is used twice/,
    );
  });

  it('accepts distinct, scoped keys', () => {
    const keys = [
      { id: 'g', tokenSha256: hash('d'), gemeenten: ['1916'] },
      { id: 'a', tokenSha256: hash('e'), aanbieders: ['12345678'] },
    ];
    expect(loadConfig(apiKeys(keys)).API_KEYS.map((k) => k.id)).toEqual(['g', 'a']);
  });
});

describe('ESCALATION_WEBHOOKS', () => {
  const hooks = (list: object[]) => ({ ESCALATION_WEBHOOKS: JSON.stringify(list) });
  const good = { party: 'gemeente', code: '1916', url: 'https://hooks.example.nl/wmo', secret };

  it('parses endpoints and defaults to none', () => {
    expect(loadConfig({}).ESCALATION_WEBHOOKS).toEqual([]);
    expect(loadConfig(hooks([good])).ESCALATION_WEBHOOKS).toEqual([good]);
  });

  it('names the field and rule of a bad endpoint, never the secret', () => {
    const attempt = (entry: object) => () => loadConfig(hooks([{ ...good, ...entry }]));
    expect(attempt({ code: '12345678' })).toThrow(
      /ESCALATION_WEBHOOKS\.0\.code: CBS gemeentecode is 4 digits/,
    );
    expect(attempt({ party: 'aanbieder' })).toThrow(/ESCALATION_WEBHOOKS\.0\.code: AGB code is 8 digits/);
    expect(attempt({ url: 'ftp://x.nl/' })).toThrow(/ESCALATION_WEBHOOKS\.0\.url: must be an http\(s\) URL/);
    expect(attempt({ secret: 'hunter2' })).toThrow(/ESCALATION_WEBHOOKS\.0\.secret: must be whsec_/);
    const short = `whsec_${randomBytes(8).toString('base64')}`;
    expect(attempt({ secret: short })).toThrow(/secret: must hold at least 24 random bytes/);
    try {
      attempt({ secret: short })();
    } catch (err) {
      expect(String(err)).not.toContain(short.slice(6));
    }
    expect(() => loadConfig(hooks([good, good]))).toThrow(
      /ESCALATION_WEBHOOKS\.1: gemeente 1916 has two endpoints/,
    );
  });
});

describe('escalation links', () => {
  it('default to the embedded set-up and drop trailing slashes', () => {
    expect(escalationLinks(loadConfig({}))).toEqual({
      apiUrl: 'http://127.0.0.1:3000',
      temporalUiUrl: 'http://127.0.0.1:8233',
      namespace: 'default',
    });
    const set = loadConfig({
      PUBLIC_API_URL: 'https://iwmo.example.nl/',
      TEMPORAL_UI_URL: 'https://temporal.example.nl',
      TEMPORAL_NAMESPACE: 'wmo',
    });
    expect(escalationLinks(set)).toEqual({
      apiUrl: 'https://iwmo.example.nl',
      temporalUiUrl: 'https://temporal.example.nl',
      namespace: 'wmo',
    });
  });
});
