import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config';
import { ownsPoller, roleOf, roleProblems } from '../../../app/roles';

const shared = { DATABASE_URL: 'postgres://u:p@db:5432/iwmo', TEMPORAL_ADDRESS: 'temporal:7233' };

describe('roles', () => {
  it('npm start owns the poller by default; worker and api do not', () => {
    expect(ownsPoller(loadConfig({}), 'all')).toBe(true);
    expect(ownsPoller(loadConfig({}), 'worker')).toBe(false);
    expect(ownsPoller(loadConfig({ IWMO_ROLE_POLLER: 'true' }), 'worker')).toBe(true);
    expect(ownsPoller(loadConfig({ IWMO_ROLE_POLLER: 'false' }), 'all')).toBe(false);
  });

  it('worker and api need a shared database and Temporal, named by variable', () => {
    expect(roleProblems(loadConfig({}), 'all')).toEqual([]);
    expect(roleProblems(loadConfig({ TRANSPORT: 'none' }), 'api').join('\n')).toMatch(
      /^DATABASE_URL: required for the api role[\s\S]*\nTEMPORAL_ADDRESS: required for the api role/,
    );
    expect(roleProblems(loadConfig({ ...shared, IWMO_ROLE_POLLER: 'true' }), 'worker')).toEqual([]);
  });

  it('refuses the simulator in a worker that does not own the poller, and a poller in the api role', () => {
    expect(roleProblems(loadConfig({ ...shared }), 'worker')).toEqual([
      expect.stringMatching(/^TRANSPORT: simulator runs inside the process that owns the poller/),
    ]);
    expect(roleProblems(loadConfig({ ...shared, IWMO_ROLE_POLLER: 'true' }), 'api')).toEqual([
      expect.stringMatching(/^IWMO_ROLE_POLLER: the api role runs no worker/),
    ]);
  });

  it('knows its three roles and names them for an unknown one', () => {
    expect([roleOf(undefined), roleOf('worker'), roleOf('api')]).toEqual(['all', 'worker', 'api']);
    expect(() => roleOf('scheduler')).toThrow(/unknown role 'scheduler'.*all, worker, api/);
  });
});
