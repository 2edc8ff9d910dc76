import { describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makePost, makeUser } from '../helpers/factories.js';

// A feed shows nothing of the reader's, so one cached copy answers every reader, logged in or not
// (cacheAs forEveryone, cache/answer.ts); a page showing the reader stays theirs.
describe('a feed in the page cache', () => {
  const { db, app } = useTestApp({ PAGE_CACHE_TTL_MS: '600000', LIST_REFRESH_MS: '100' });

  const loggedIn = async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, user.password);
    return { user, client };
  };

  it('is one copy for logged-in and logged-out readers, dropped for all of them when what it shows changes', async () => {
    const author = await makeUser(db);
    await makePost(db, { authorId: author.id, title: 'First in the feed' });
    const [one, two] = [await loggedIn(), await loggedIn()];
    const anonymous = new TestClient(app);
    // A browser's first visit gets its CSRF cookie, which an answer from a cache cannot set.
    await anonymous.get('/');
    for (const path of ['/feed.xml', `/users/${author.username}/feed.atom`]) {
      const body = await (await one.client.get(path)).text();
      expect(body).toContain('First in the feed');
      // The first answers may read around the caches (a reader who just logged in wrote a session).
      await eventually(async () => (await two.client.get(path)).headers.get('x-cache') === 'hit');
      const byTheOther = await two.client.get(path);
      expect(byTheOther.headers.get('x-cache')).toBe('hit');
      expect(await byTheOther.text()).toBe(body);
      const loggedOut = await anonymous.get(path);
      expect(loggedOut.headers.get('x-cache')).toBe('hit');
      expect(await loggedOut.text()).toBe(body);
    }
    await makePost(db, { authorId: author.id, title: 'Second in the feed' });
    await eventually(async () => (await (await one.client.get('/feed.xml')).text()).includes('Second in the feed'));
    expect(await (await two.client.get('/feed.xml')).text()).toContain('Second in the feed');
    expect(await (await anonymous.get('/feed.xml')).text()).toContain('Second in the feed');
  });

  it('leaves pages that show the reader to that reader', async () => {
    const anonymous = new TestClient(app);
    await eventually(async () => (await anonymous.get('/')).headers.get('x-cache') === 'hit');
    const { user, client } = await loggedIn();
    for (let i = 0; i < 3; i++) {
      const page = await (await client.get('/')).text();
      expect(page).toContain(`/users/${user.username}`);
    }
    expect(await (await anonymous.get('/')).text()).not.toContain(`/users/${user.username}`);
  });
});
