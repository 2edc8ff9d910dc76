import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings, SETTINGS, saveSetting } from '../../src/settings/settings.js';
import { makeTestApp, TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makePost, makeUser } from '../helpers/factories.js';

const test = useTestApp();
const { db, app } = test;

async function as(role: 'admin' | 'moderator' | 'member') {
  const user = await makeUser(db, { role, karma: 100 });
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { user, client };
}

const VALID = {
  name: 'Agora',
  description: 'Where decision theorists argue.',
  reviewNewMembers: 'on',
  'tiers.0.belowKarma': '-5',
  'tiers.0.postsPerWeek': '1',
  'tiers.0.commentsPerDay': '2',
  'tiers.1.belowKarma': '10',
  'tiers.1.postsPerWeek': '3',
  'tiers.1.commentsPerDay': '5',
  newMemberLinks: '2',
};

async function logCount(): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM moderation_log WHERE target_type = 'site'`,
  );
  return row!.n;
}

describe('/admin/settings', () => {
  afterAll(async () => {
    // Other files share nothing, but leave this one's database as the tests found it.
    await saveSetting(db, 'site', { ...SETTINGS.site.default });
  });

  it('is for admins only: logged out, members and moderators get 403, also when posting a crafted form', async () => {
    expect((await new TestClient(app).get('/admin/settings')).status).toBe(403);
    for (const role of ['member', 'moderator'] as const) {
      const { client } = await as(role);
      expect((await client.get('/admin/settings')).status).toBe(403);
      const crafted = await client.post('/admin/settings', VALID);
      expect(crafted.status).toBe(403);
    }
    expect((await readSettings(db)).site.name).toBe('Lyceum');
    expect(await logCount()).toBe(0);
  });

  it('shows the stored settings to an admin, with the default tiers and a header link', async () => {
    // Test databases start with no tiers (helpers/db.ts openWriteGates): store the defaults.
    await saveSetting(db, 'rateLimits', {
      ...SETTINGS.rateLimits.default,
      tiers: [...SETTINGS.rateLimits.default.tiers],
    });
    const { client } = await as('admin');
    const page = await (await client.get('/admin/settings')).text();
    expect(page).toContain('<a href="/admin/settings">Site settings</a>');
    expect(page).toContain('value="Lyceum"');
    expect(page).toMatch(/name="tiers\.0\.belowKarma"[^>]*value="-2"/);
    expect(page).toMatch(/name="tiers\.1\.commentsPerDay"[^>]*value="3"/);
    const member = await as('member');
    expect(await (await member.client.get('/')).text()).not.toContain('/admin/settings');
  });

  it('refuses wrong input with 422, a message per field and everything typed shown again; nothing saved', async () => {
    const { client } = await as('admin');
    const response = await client.post('/admin/settings', {
      ...VALID,
      name: '   ',
      description: 'd'.repeat(301),
      'tiers.0.belowKarma': 'five',
      'tiers.1.belowKarma': '10',
      'tiers.1.postsPerWeek': '',
      'tiers.2.belowKarma': '10',
      'tiers.2.postsPerWeek': '1',
      'tiers.2.commentsPerDay': '99999999',
      newMemberLinks: '-1',
    });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('Please correct the marked fields; nothing was saved.');
    expect(page).toContain('Give the site a name.');
    expect(page).toContain('The description must be at most 300 characters.');
    expect(page).toContain('The karma bound must be a whole number.');
    expect(page).toContain('Posts per week is missing.');
    expect(page).toContain('Row 2 has the same bound.');
    expect(page).toContain('Comments per day must be at most 100,000.');
    expect(page).toContain('Links per text must be at least 0.');
    expect(page).toMatch(/name="tiers\.0\.belowKarma"[^>]*value="five"/);
    expect(page).toContain('d'.repeat(301));
    expect((await readSettings(db)).site.name).toBe('Lyceum');
    expect(await logCount()).toBe(0);
  });

  it('saves, logs the change (target "site"), and the site shows its new name without a query per page', async () => {
    const { user, client } = await as('admin');
    await makePost(db, { title: 'Feeds carry the name' });
    // Review starts off in test databases: turning it on is a change too.
    const saved = await client.post('/admin/settings', VALID);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/admin/settings?saved=1');
    const stored = await readSettings(db);
    expect(stored.site).toEqual({ name: 'Agora', description: 'Where decision theorists argue.' });
    expect(stored.review).toEqual({ newMembers: true });
    expect(stored.rateLimits).toEqual({
      tiers: [
        { belowKarma: -5, postsPerWeek: 1, commentsPerDay: 2 },
        { belowKarma: 10, postsPerWeek: 3, commentsPerDay: 5 },
      ],
      newMemberLinks: 2,
    });
    const [entry] = await db.query<{ moderatorId: string; action: string; targetLabel: string; reason: string }>(
      `SELECT moderator_id AS "moderatorId", action, target_label AS "targetLabel", reason FROM moderation_log
        WHERE target_type = 'site'`,
    );
    expect(entry).toEqual({
      moderatorId: user.id,
      action: 'change-site-settings',
      targetLabel: 'Agora',
      reason: 'Changed: the site’s name or description, review of new members, rate limits.',
    });

    const front = await (await new TestClient(app).get('/')).text();
    expect(front).toContain('<title>Agora</title>');
    expect(front).toContain('<a class="site-name" href="/">Agora</a>');
    expect(front).toContain('<meta name="description" content="Where decision theorists argue."/>');
    expect(front).toContain('<meta property="og:site_name" content="Agora"/>');
    expect(front).toContain('<link rel="alternate" type="application/rss+xml" title="Agora" href="/feed.xml"/>');
    const tags = await (await new TestClient(app).get('/tags')).text();
    expect(tags).toContain('<title>Tags · Agora</title>');
    const feed = await (await new TestClient(app).get('/feed.xml')).text();
    expect(feed).toContain('<title>Agora</title>');

    // Pages read the settings from the process: none of them asks site_settings.
    const asked: string[] = [];
    const query = db.query.bind(db);
    const counting = {
      ...db,
      query: (sql: string, params?: unknown[]) => {
        asked.push(sql);
        return query(sql, params);
      },
    };
    const { app: counted } = await makeTestApp(counting as typeof db);
    asked.length = 0; // the one read when the app is made
    const reader = new TestClient(counted);
    for (const path of ['/', '/tags', '/feed.xml']) expect((await reader.get(path)).status).toBe(200);
    expect(asked.some((sql) => sql.includes('site_settings'))).toBe(false);

    // Saving the same values again changes nothing and logs nothing.
    expect((await client.post('/admin/settings', VALID)).status).toBe(303);
    expect(await logCount()).toBe(1);
    await saveSetting(db, 'review', { newMembers: false });
  });

  it('a test without a change feed reloads after storing settings directly', async () => {
    await saveSetting(db, 'site', { name: 'Stoa', description: '' });
    await test.settings.reload();
    const front = await (await new TestClient(app).get('/')).text();
    expect(front).toContain('<title>Stoa</title>');
    expect(front).not.toContain('<meta name="description"');
  });
});

describe('the site name with caching on, in two instances', () => {
  const a = useTestApp({ PAGE_CACHE_TTL_MS: '600000' });
  let b: Awaited<ReturnType<typeof makeTestApp>>;
  beforeAll(async () => {
    b = await makeTestApp(a.db, { PAGE_CACHE_TTL_MS: '600000' });
  });
  afterAll(async () => {
    await b?.caching?.stop();
  });

  async function cachedPage(target: typeof a.app, path: string): Promise<string> {
    const client = new TestClient(target);
    let body = '';
    await eventually(async () => {
      const response = await client.get(path);
      body = await response.text();
      return response.headers.get('x-cache') === 'hit';
    });
    return body;
  }

  it('drops cached pages and feeds in every instance when an admin renames the site', async () => {
    await makePost(a.db, { title: 'Cached under the old name' });
    for (const target of [a.app, b.app]) {
      expect(await cachedPage(target, '/')).toContain('<title>Lyceum</title>');
      expect(await cachedPage(target, '/feed.xml')).toContain('<title>Lyceum</title>');
    }
    const admin = await makeUser(a.db, { role: 'admin' });
    const client = new TestClient(a.app);
    await client.logIn(admin.username, admin.password);
    const form = { ...VALID, name: 'Lykeion', reviewNewMembers: '' };
    expect((await client.post('/admin/settings', form)).status).toBe(303);
    for (const target of [a.app, b.app]) {
      await eventually(async () =>
        (await (await new TestClient(target).get('/')).text()).includes('<title>Lykeion</title>'),
      );
      await eventually(async () =>
        (await (await new TestClient(target).get('/feed.xml')).text()).includes('<title>Lykeion</title>'),
      );
      // And what is cached now is the new name.
      expect(await cachedPage(target, '/')).toContain('<title>Lykeion</title>');
    }
  });
});
