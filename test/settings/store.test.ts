import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type ChangeFeed, type ChangeSubscriber, startChangeFeed } from '../../src/db/changes.js';
import { SETTINGS, saveSetting } from '../../src/settings/settings.js';
import { openSiteSettings } from '../../src/settings/store.js';
import { useTestDatabase } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';

const { db } = useTestDatabase();

describe('the settings a process holds', () => {
  it('follow a change made elsewhere through the change feed (as main.ts listens even with caching off)', async () => {
    const feed = await startChangeFeed(db, pino({ level: 'silent' }));
    try {
      let changes = 0;
      const settings = await openSiteSettings(db, { feed, onChange: () => changes++ });
      expect(settings.current.site.name).toBe(SETTINGS.site.default.name);
      // As another process or `psql` would: a plain write, heard through site_settings' trigger.
      await saveSetting(db, 'site', { name: 'Heard elsewhere', description: '' });
      await eventually(async () => settings.current.site.name === 'Heard elsewhere');
      expect(changes).toBe(1);
      // An 'all' that changed no setting (it is also sent for a user's new name) does not empty the caches again.
      await saveSetting(db, 'site', { name: 'Heard elsewhere', description: '' });
      await feed.settle();
      await eventually(async () => changes === 1);
    } finally {
      await feed.stop();
    }
  });

  it('read again when a lost listener is back (changes may have been missed meanwhile)', async () => {
    const subscribers: ChangeSubscriber[] = [];
    const feed = { subscribe: (s: ChangeSubscriber) => subscribers.push(s) } as unknown as ChangeFeed;
    const settings = await openSiteSettings(db, { feed });
    await saveSetting(db, 'site', { name: 'Missed while away', description: '' });
    for (const s of subscribers) s.onReset(false);
    expect(settings.current.site.name).not.toBe('Missed while away');
    for (const s of subscribers) s.onReset(true);
    await eventually(async () => settings.current.site.name === 'Missed while away');
  });

  it('fall back to the defaults for a stored value of an older shape, and reload on demand', async () => {
    await db.query(`UPDATE site_settings SET value = '{"title": "old shape"}' WHERE key = 'site'`);
    const settings = await openSiteSettings(db);
    expect(settings.current.site).toEqual(SETTINGS.site.default);
    await saveSetting(db, 'site', { name: 'Reloaded', description: 'Now.' });
    await settings.reload();
    expect(settings.current.site).toEqual({ name: 'Reloaded', description: 'Now.' });
  });
});
