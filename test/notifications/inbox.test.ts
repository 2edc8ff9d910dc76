import { describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser, type TestUser } from '../helpers/factories.js';
import { unreadCount } from './helpers.js';

const { db, app } = useTestApp();

async function loggedIn(user?: TestUser) {
  const who = user ?? (await makeUser(db));
  const client = new TestClient(app);
  await client.logIn(who.username, who.password);
  return { user: who, client };
}

const ids = (page: string) => [...page.matchAll(/action="\/notifications\/([A-Za-z0-9]+)\/read"/g)].map((m) => m[1]);

describe('the inbox', () => {
  it('lists notifications newest first, grouped per post, each linking to its comment, unread marked', async () => {
    const { user: alice, client } = await loggedIn();
    const first = await makePost(db, { authorId: alice.id, title: 'First post' });
    const second = await makePost(db, { authorId: alice.id, title: 'Second post' });
    const a = await makeComment(db, { postId: first.id, markdown: 'Comment one', at: new Date(Date.now() - 3000) });
    await makeComment(db, { postId: first.id, markdown: 'Comment two', at: new Date(Date.now() - 2000) });
    await makeComment(db, { postId: second.id, markdown: 'Comment three', at: new Date(Date.now() - 1000) });
    await makeComment(db, { postId: first.id, markdown: 'Comment four' });

    const page = await (await client.get('/notifications')).text();
    expect(page).toContain('3 new comments on');
    expect(page).toContain('1 new comment on');
    // Grouped: the first post's group (its newest is the newest of all) comes first, holding its three.
    expect(page.indexOf('First post')).toBeLessThan(page.indexOf('Second post'));
    expect(page.indexOf('Comment four')).toBeLessThan(page.indexOf('Comment two'));
    expect(page.indexOf('Comment one')).toBeLessThan(page.indexOf('Comment three'));
    expect(page).toContain(`/comment/${a.id}#comment-${a.id}`);
    expect(page.match(/class="notification unread"/g)).toHaveLength(4);
    // The header's count comes with the session.
    expect(page).toContain('(4 unread)');
  });

  it('shows a comment’s formulas typeset in its excerpt, not as TeX', async () => {
    const { user: alice, client } = await loggedIn();
    const post = await makePost(db, { authorId: alice.id, title: 'Formulas' });
    await makeComment(db, { postId: post.id, markdown: 'The bound is $\\sigma^2 \\le 1$ here.' });
    const page = await (await client.get('/notifications')).text();
    const excerpt = page.slice(
      page.indexOf('notification-excerpt'),
      page.indexOf('</blockquote>', page.indexOf('notification-excerpt')),
    );
    expect(excerpt).toContain('<math');
    expect(excerpt).not.toContain('$');
  });

  it('marks one read, then all read, and the header count follows', async () => {
    const { user: alice, client } = await loggedIn();
    const post = await makePost(db, { authorId: alice.id });
    await makeComment(db, { postId: post.id });
    await makeComment(db, { postId: post.id });
    const page = await (await client.get('/notifications')).text();
    const [one] = ids(page);
    const marked = await client.post(`/notifications/${one}/read`, {});
    expect(marked.status).toBe(303);
    expect(await unreadCount(db, alice.id)).toBe(1);
    const after = await (await client.get('/notifications')).text();
    expect(after).toContain('(1 unread)');
    expect(after).toContain('1 new comment on');
    expect((await client.post('/notifications/read-all', {})).status).toBe(303);
    expect(await unreadCount(db, alice.id)).toBe(0);
    const read = await (await client.get('/notifications')).text();
    expect(read).not.toContain('unread)');
    expect(read).toContain('2 comments on');
  });

  it('keeps listing a notification whose comment was deleted, without its text or link, so the count agrees', async () => {
    const { user: alice, client } = await loggedIn();
    const post = await makePost(db, { authorId: alice.id, title: 'Post with a regretted comment' });
    const regretted = await makeComment(db, { postId: post.id, markdown: 'Words taken back' });
    await db.query(`UPDATE comments SET deleted = true, body_markdown = '', excerpt = '' WHERE id = $1`, [
      regretted.id,
    ]);
    const page = await (await client.get('/notifications')).text();
    expect(page).toContain('commented on your post (no longer shown)');
    expect(page).not.toContain(`/comment/${regretted.id}`);
    expect(page).toContain('(1 unread)');
    expect(ids(page)).toHaveLength(1);
  });

  it('refuses to mark another member’s notification read: 404, nothing changed', async () => {
    const alice = await makeUser(db);
    const post = await makePost(db, { authorId: alice.id });
    await makeComment(db, { postId: post.id });
    const [row] = await db.query<{ id: string }>('SELECT id FROM notifications WHERE user_id = $1', [alice.id]);
    const { client: mallory } = await loggedIn();
    const refused = await mallory.post(`/notifications/${row!.id}/read`, {});
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain('no such notification of yours');
    expect(await unreadCount(db, alice.id)).toBe(1);
    expect((await mallory.post('/notifications/not-an-id!/read', {})).status).toBe(404);
  });

  it('pages with a keyset cursor: every notification once, newest first', async () => {
    const { user: alice, client } = await loggedIn();
    const post = await makePost(db, { authorId: alice.id, title: 'Busy post' });
    const start = Date.now() - 100_000;
    for (let i = 0; i < 53; i++) {
      await makeComment(db, { postId: post.id, markdown: `Number ${i} here`, at: new Date(start + i * 1000) });
    }
    const first = await (await client.get('/notifications')).text();
    const next = /href="(\/notifications\?after=[^"]+)"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await (await client.get(next!.replaceAll('&amp;', '&'))).text();
    const seen = [...ids(first), ...ids(second)];
    expect(seen).toHaveLength(53);
    expect(new Set(seen).size).toBe(53);
    expect(first).toContain('Number 52 here');
    expect(second).toContain('Number 0 here');
    expect(second).not.toContain('Older notifications');
    expect((await client.get('/notifications?after=broken')).status).toBe(422);
  });

  it('sends a logged-out reader to log in', async () => {
    const response = await new TestClient(app).get('/notifications');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('/login?next=%2Fnotifications');
  });
});

describe('subscriptions', () => {
  it('subscribes to a post through its page and comes back; new comments then reach the subscriber', async () => {
    const { user, client } = await loggedIn();
    const post = await makePost(db, { title: 'Worth watching' });
    const page = await (await client.get(`/subscriptions/post/${post.id}?next=/somewhere`)).text();
    expect(page).toContain('You are not subscribed');
    const sent = await client.post(`/subscriptions/post/${post.id}`, { subscribe: '1', next: '/somewhere' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/somewhere');
    await makeComment(db, { postId: post.id });
    expect(await unreadCount(db, user.id)).toBe(1);
    expect(await (await client.get(`/subscriptions/post/${post.id}`)).text()).toContain('You are subscribed');
    // Away from the site: back to the post instead.
    const away = await client.post(`/subscriptions/post/${post.id}`, { subscribe: '0', next: 'https://evil.example/' });
    expect(away.headers.get('location')).toBe('/');
    await makeComment(db, { postId: post.id });
    expect(await unreadCount(db, user.id)).toBe(1);
  });

  it('lets an author unsubscribe from their own post (subscribed by default)', async () => {
    const { user, client } = await loggedIn();
    const post = await makePost(db, { authorId: user.id });
    expect(await (await client.get(`/subscriptions/post/${post.id}`)).text()).toContain('You are subscribed');
    await client.post(`/subscriptions/post/${post.id}`, { subscribe: '0' });
    await makeComment(db, { postId: post.id });
    expect(await unreadCount(db, user.id)).toBe(0);
  });

  it('follows a member by username and hears of their next post', async () => {
    const { user, client } = await loggedIn();
    const writer = await makeUser(db);
    expect((await client.post(`/subscriptions/user/${writer.username}`, { subscribe: '1' })).status).toBe(303);
    await makePost(db, { authorId: writer.id });
    expect(await unreadCount(db, user.id)).toBe(1);
    const self = await client.post(`/subscriptions/user/${user.username}`, { subscribe: '1' });
    expect(self.status).toBe(422);
    expect(await self.text()).toContain('You cannot follow yourself');
  });

  it('refuses what does not exist or may not be seen: 404 with a message, nothing stored', async () => {
    const { user, client } = await loggedIn();
    const draft = await makePost(db, { publish: false });
    const removed = await makeComment(db);
    await db.query('UPDATE comments SET deleted = true WHERE id = $1', [removed.id]);
    const cases = [
      [`/subscriptions/post/${draft.id}`, 'not published'],
      ['/subscriptions/post/AAAAAAAAAAAAAAAAA', 'not published'],
      [`/subscriptions/comment/${removed.id}`, 'has been deleted'],
      ['/subscriptions/user/nobody_at_all_here', 'no member'],
      ['/subscriptions/sequence/AAAAAAAAAAAAAAAAA', 'no sequence'],
      ['/subscriptions/tag/AAAAAAAAAAAAAAAAA', 'no tag'],
      ['/subscriptions/planet/AAAAAAAAAAAAAAAAA', 'nothing of that kind'],
    ] as const;
    for (const [path, message] of cases) {
      const response = await client.post(path, { subscribe: '1' });
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toContain(message);
    }
    const rows = await db.query('SELECT 1 FROM notification_subscriptions WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(0);
  });

  it('refuses a malformed form with a message naming the field', async () => {
    const { client } = await loggedIn();
    const post = await makePost(db);
    const response = await client.post(`/subscriptions/post/${post.id}`, { subscribe: 'yes' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('subscribe must be 1');
  });
});

describe('mentions in previews', () => {
  it('links a mention of a member who exists in the live preview, as saving will', async () => {
    const { client } = await loggedIn();
    const named = await makeUser(db);
    await client.get('/posts/new');
    const response = await client.request('/api/preview', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': client.cookies.get('lyceum_csrf')!,
        origin: 'http://localhost',
      },
      body: JSON.stringify({ markdown: `Hello @${named.username} and @nobody_here_at_all.` }),
    });
    const { html } = (await response.json()) as { html: string };
    expect(html).toContain(`<a href="/users/${named.username}" class="mention">@${named.username}</a>`);
    expect(html).toContain('@nobody_here_at_all.');
  });
});

describe('notification settings', () => {
  it('shows the defaults, saves a choice per kind and follows it', async () => {
    const { user, client } = await loggedIn();
    const form = await (await client.get('/settings/notifications')).text();
    expect(form).toMatch(/<option value="email" selected="">Email at once<\/option>/);
    const choices = {
      reply: 'off',
      mention: 'digest',
      post_comment: 'site',
      thread_comment: 'site',
      followed_post: 'email',
      subscribed_post: 'site',
      moderation: 'email',
    };
    const saved = await client.post('/settings/notifications', choices);
    expect(saved.status).toBe(303);
    const rows = await db.query<{ kind: string; delivery: string }>(
      'SELECT kind, delivery FROM notification_settings WHERE user_id = $1 ORDER BY kind',
      [user.id],
    );
    expect(rows).toEqual([
      { kind: 'followed_post', delivery: 'email' },
      { kind: 'mention', delivery: 'digest' },
      { kind: 'reply', delivery: 'off' },
    ]);
    const top = await makeComment(db, { authorId: user.id });
    await makeComment(db, { postId: top.postId, parentId: top.id });
    expect(await unreadCount(db, user.id)).toBe(0);
  });

  it('shows email stopped from an email’s link as “on the site”, and choosing email again undoes it', async () => {
    const { user, client } = await loggedIn();
    await db.query(`INSERT INTO mail_unsubscribes (user_id, topic) VALUES ($1, 'reply')`, [user.id]);
    const form = await (await client.get('/settings/notifications')).text();
    const reply = form.slice(form.indexOf('name="reply"'), form.indexOf('</select>', form.indexOf('name="reply"')));
    expect(reply).toMatch(/<option value="site" selected="">/);
    const choices = {
      reply: 'email',
      mention: 'email',
      post_comment: 'site',
      thread_comment: 'site',
      followed_post: 'site',
      subscribed_post: 'site',
      moderation: 'email',
    };
    expect((await client.post('/settings/notifications', choices)).status).toBe(303);
    expect(await db.query('SELECT 1 FROM mail_unsubscribes WHERE user_id = $1', [user.id])).toHaveLength(0);
  });

  it('refuses an unknown delivery, naming the field, and keeps what was stored', async () => {
    const { user, client } = await loggedIn();
    const response = await client.post('/settings/notifications', { reply: 'carrier-pigeon' });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).toContain('reply: Choose one of');
    expect(await db.query('SELECT 1 FROM notification_settings WHERE user_id = $1', [user.id])).toHaveLength(0);
  });
});
