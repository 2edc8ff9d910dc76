import { describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

describe('profiles', () => {
  it('show display name, bio, karma and join date, with posts and comments (with their post titles) in tabs', async () => {
    const user = await makeUser(db, { username: 'profiled' });
    await db.query(
      `UPDATE users SET display_name = 'Pro Filed', karma = 42, bio_html = '<p>I study <em>things</em>.</p>' WHERE id = $1`,
      [user.id],
    );
    const post = await makePost(db, { authorId: user.id, title: 'My only post' });
    const other = await makePost(db, { title: 'Someone else wrote this' });
    await makeComment(db, { postId: other.id, authorId: user.id, markdown: 'My remark on it' });
    const client = new TestClient(app);
    const html = await (await client.get('/users/profiled')).text();
    expect(html).toContain('<h1>Pro Filed</h1>');
    expect(html).toContain('42 karma');
    expect(html).toContain('<em>things</em>');
    expect(html).toMatch(/joined <time/);
    expect(html).toContain(`href="/posts/${post.id}/my-only-post"`);
    const comments = await (await client.get('/users/profiled?tab=comments')).text();
    expect(comments).toContain('Someone else wrote this');
    expect(comments).toContain('My remark on it');
    expect((await client.get('/users/PROFILED')).status).toBe(301);
  });

  it('pages posts with a cursor, and refuses bad cursors and unknown users', async () => {
    const user = await makeUser(db);
    for (let i = 0; i < 25; i++)
      await makePost(db, { authorId: user.id, title: `Entry ${i}`, at: new Date(Date.now() - i * 3_600_000) });
    const client = new TestClient(app);
    const first = await (await client.get(`/users/${user.username}`)).text();
    const next = first.match(/href="([^"]+)" data-load-more="profile"/)![1]!.replace(/&amp;/g, '&');
    const second = await (await client.get(next)).text();
    const titles = (html: string) => [...html.matchAll(/>Entry (\d+)</g)].map((m) => Number(m[1]));
    expect([...titles(first), ...titles(second)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
    expect((await client.get(`/users/${user.username}?after=nonsense`)).status).toBe(422);
    const other = await makeUser(db);
    expect((await client.get(`/users/${other.username}?${next.split('?')[1]}`)).status).toBe(422);
    expect((await client.get('/users/nobody_by_this_name')).status).toBe(404);
    expect((await client.get(`/users/${user.username}?tab=secrets`)).status).toBe(422);
  });

  it('lets users edit their display name and bio, with messages for bad input and no editing of others', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, user.password);
    const saved = await client.post(`/users/${user.username}/edit`, { displayName: 'New Name', bio: 'I like $\\pi$.' });
    expect(saved.status).toBe(303);
    const html = await (await client.get(`/users/${user.username}`)).text();
    expect(html).toContain('<h1>New Name</h1>');
    expect(html).toContain('class="katex"');

    const bad = await client.post(`/users/${user.username}/edit`, { displayName: '', bio: 'kept bio' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Enter a display name.');
    expect(badHtml).toContain('kept bio');
    const long = await client.post(`/users/${user.username}/edit`, { displayName: 'x', bio: 'b'.repeat(10_001) });
    expect(await long.text()).toContain('Bio must be at most 10,000 characters.');

    const other = await makeUser(db);
    expect((await client.post(`/users/${other.username}/edit`, { displayName: 'Hacked', bio: '' })).status).toBe(403);
    expect((await client.get(`/users/${other.username}/edit`)).status).toBe(403);
    const [row] = await db.query<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [other.id]);
    expect(row!.display_name).toBe(other.username);
  });
});
