import { describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

// Caching on: the header's count comes with the session, and pages are kept per reader.
const { db, app } = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });

describe('the header’s unread count with caching on', () => {
  it('follows a new notification on the reader’s cached pages, and marking read, without a query per page', async () => {
    const alice = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(alice.username, alice.password);
    const post = await makePost(db, { authorId: alice.id, title: 'Cached and counted' });
    const before = await (await client.get('/')).text();
    expect(before).toContain('>Notifications<');
    expect(before).not.toContain('unread)');
    // Cached for her now; a comment on her post changes her row (users.unread_notification_count): user:<id>.
    await client.get('/');
    await makeComment(db, { postId: post.id });
    await eventually(async () => (await (await client.get('/')).text()).includes('(1 unread)'));
    await client.post('/notifications/read-all', {});
    expect(await (await client.get('/')).text()).not.toContain('unread)');
  });
});
