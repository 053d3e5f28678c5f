import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEscalationActivities } from '../../activities/escalation';
import { deadlineRoutes } from '../../api/deadlines';
import { createRouter } from '../../api/router';
import { repoRoot } from '../../app/temporal-binaries';
import { loadProfiles } from '../../config/profiles';
import type { EscalationInput } from '../../contract/assignment';
import { assignments } from '../../db';
import { apiPlatform, idle, problemOf, utrecht, zorg } from '../support/api-platform';

/*
 * The API platform on real parts (Temporal dev server, PostgreSQL): tenant scoping of
 * /v1/escalations, and /v1/deadlines counted in working days of each assignment’s profile.
 */

const platform = apiPlatform();
const { api } = platform;

describe('GET /v1/escalations', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const { escalate } = createEscalationActivities({
      db: platform.testDb.handle.db,
      webhooks: [],
      links: { apiUrl: 'http://api', temporalUiUrl: 'http://ui', namespace: 'default' },
    });
    const base: Omit<EscalationInput, 'idempotencyKey' | 'workflowId' | 'toewijzingNummer'> = {
      gemeente: '1916',
      aanbieder: '12345678',
      action: 'verstuur-305',
      rule: 'OP271',
      owner: 'aanbieder',
      dueDate: '2026-03-06',
      lateWorkingDays: 1,
      recipients: ['gemeente', 'aanbieder'],
    };
    for (const nummer of [1, 2, 3]) {
      const r = await escalate({
        ...base,
        idempotencyKey: `u${nummer}`,
        workflowId: `wmo:1916:${nummer}`,
        toewijzingNummer: nummer,
      });
      ids[`utrecht${nummer}`] = r.escalationId;
    }
    const other = await escalate({
      ...base,
      idempotencyKey: 'z1',
      workflowId: 'wmo:0363:9',
      gemeente: '0363',
      aanbieder: '87654321',
      toewijzingNummer: 9,
    });
    ids.zorg = other.escalationId;
  });

  async function list(auth: Record<string, string>, query = '') {
    const { app } = api();
    const res = await app.request(`/v1/escalations${query}`, { headers: auth });
    return {
      res,
      body: (await res.json()) as { items: { id: string; gemeente: string }[]; nextCursor: string | null },
    };
  }

  it("lists only the caller's escalations; a key with none gets an empty list", async () => {
    const mine = await list(utrecht.auth);
    expect(mine.res.status).toBe(200);
    expect(mine.body.items.map((i) => i.id)).toEqual([ids.utrecht3, ids.utrecht2, ids.utrecht1]);
    expect(mine.body.nextCursor).toBeNull();
    const theirs = await list(zorg.auth);
    expect(theirs.body.items.map((i) => i.id)).toEqual([ids.zorg]);
    expect((await list(idle.auth)).body).toEqual({ items: [], nextCursor: null });
    // Filtering for another tenant's gemeente yields nothing — not a 403 that would confirm it exists.
    const peek = await list(utrecht.auth, '?gemeente=0363');
    expect(peek.res.status).toBe(200);
    expect(peek.body.items).toEqual([]);
  });

  it('shows one escalation with its deliveries to its tenant, and 404 to any other', async () => {
    const { app } = api();
    const own = await app.request(`/v1/escalations/${ids.zorg}`, { headers: zorg.auth });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({
      id: ids.zorg,
      workflowId: 'wmo:0363:9',
      status: 'no-endpoint',
      lateWorkingDays: 1,
      deliveries: [
        { party: 'aanbieder', code: '87654321', status: 'no-endpoint', attempts: 0 },
        { party: 'gemeente', code: '0363', status: 'no-endpoint', attempts: 0 },
      ],
    });
    const foreign = await app.request(`/v1/escalations/${ids.zorg}`, { headers: utrecht.auth });
    expect(foreign.status).toBe(404);
    const missing = await app.request(`/v1/escalations/${randomUUID()}`, { headers: utrecht.auth });
    expect(missing.status).toBe(404);
    // The other tenant's 404 is the same answer as for an id that does not exist.
    expect(await foreign.json()).toEqual(await missing.json());
  });

  it('pages with a cursor, filters by status, and names the rule a bad query breaks', async () => {
    const first = await list(utrecht.auth, '?limit=2');
    expect(first.body.items.map((i) => i.id)).toEqual([ids.utrecht3, ids.utrecht2]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(utrecht.auth, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ id: ids.utrecht1 }], nextCursor: null });
    expect((await list(utrecht.auth, '?status=delivered')).body.items).toEqual([]);
    expect((await list(utrecht.auth, '?status=no-endpoint')).body.items).toHaveLength(3);

    const { app } = api();
    const tooMany = await app.request('/v1/escalations?limit=1000', { headers: utrecht.auth });
    expect(tooMany.status).toBe(422);
    expect((await problemOf(tooMany)).findings).toEqual([
      { rule: 'too_big', path: 'query.limit', message: expect.any(String) },
    ]);
    const badCursor = await app.request('/v1/escalations?cursor=bm9wZQ', { headers: utrecht.auth });
    expect((await problemOf(badCursor)).findings).toEqual([
      { rule: 'custom', path: 'query.cursor', message: 'must be a nextCursor from an earlier page' },
    ]);
    const badId = await app.request('/v1/escalations/not-a-uuid', { headers: utrecht.auth });
    expect(badId.status).toBe(422);
    expect((await problemOf(badId)).detail).toMatch(/^path\.id: /);
  });
});

describe('GET /v1/deadlines: lateness in working days of the assignment’s profile (issue 13)', () => {
  it('counts late and left in working days, with the profile’s own closing days', async () => {
    // A copy of config/ in which gemeente 1916's profile closes on Tuesday 2026-12-01.
    const dir = mkdtempSync(join(tmpdir(), 'iwmo-profiles-'));
    try {
      cpSync(join(repoRoot, 'config'), dir, { recursive: true });
      const file = join(dir, 'profiles', 'leidschendam-voorburg-2019.json');
      const profile = JSON.parse(readFileSync(file, 'utf8'));
      profile.workingDays.extraClosingDays = ['2026-12-01'];
      writeFileSync(file, JSON.stringify(profile));
      const deadlines = [
        {
          id: 'verstuur-305#1',
          action: 'verstuur-305',
          owner: 'aanbieder',
          rule: 'OP271',
          due: '2026-11-27',
          escalated: true,
        },
        {
          id: 'verstuur-307#1',
          action: 'verstuur-307',
          owner: 'aanbieder',
          rule: 'OP272',
          due: '2026-12-08',
          escalated: false,
        },
        {
          id: 'verstuur-306#1',
          action: 'verstuur-306',
          owner: 'gemeente',
          rule: 'OP273',
          due: '2026-12-03',
          escalated: false,
        },
      ];
      const row = (gemeente: string, nummer: number, profileId: string) => ({
        workflowId: `wmo:${gemeente}:${nummer}`,
        gemeente,
        toewijzingNummer: nummer,
        aanbieder: '55550001',
        clientRef: 'c-test',
        ingangsdatum: '2026-11-01',
        profile: profileId,
        status: 'toegewezen',
        openDeadlines: deadlines,
      });
      await platform.testDb.handle.db
        .insert(assignments)
        .values([row('0384', 7001, 'iwmo-3.2'), row('1916', 7002, 'leidschendam-voorburg-2019')]);
      const app = createRouter();
      app.use(async (c, next) => {
        c.set('principal', { id: 'deadline-test', aanbieders: ['55550001'], gemeenten: [] });
        await next();
      });
      // Thursday 2026-12-03: 11-27 was a Friday, 12-08 is a Tuesday.
      app.route(
        '/v1/deadlines',
        deadlineRoutes({
          database: platform.testDb.handle,
          profiles: loadProfiles(dir),
          today: () => '2026-12-03',
        }),
      );
      const res = await app.request('/v1/deadlines');
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: Record<string, unknown>[] };
      const pick = (i: Record<string, unknown>) => [
        i.gemeente,
        i.due,
        i.overdue,
        i.lateWorkingDays,
        i.workingDaysLeft,
      ];
      expect(items.map(pick).sort()).toEqual(
        [
          // iwmo-3.2: Mon 30, Tue 1, Wed 2, Thu 3 late; Fri 4, Mon 7, Tue 8 left; the last day itself is on time.
          ['0384', '2026-11-27', true, 4, 0],
          ['0384', '2026-12-03', false, 0, 0],
          ['0384', '2026-12-08', false, 0, 3],
          // Its own profile: Tuesday 12-01 is closed, so one working day less late.
          ['1916', '2026-11-27', true, 3, 0],
          ['1916', '2026-12-03', false, 0, 0],
          ['1916', '2026-12-08', false, 0, 3],
        ].sort(),
      );
      expect(items.find((i) => i.gemeente === '1916')?.profile).toBe('leidschendam-voorburg-2019');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
