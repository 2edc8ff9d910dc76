import { describe, expect, it } from 'vitest';
import { addComment } from '../../src/comments/service.js';
import { banCommenter } from '../../src/moderation/authors.js';
import { useTestApp } from '../helpers/app.js';
import { makePost, makeUser } from '../helpers/factories.js';
import { clientAs } from './helpers.js';

const { db, app } = useTestApp();

describe('moderation guidelines', () => {
  it('are written in the editor, rendered on save, and shown above the comment box', async () => {
    const { client } = await clientAs(app, db, 'member');
    const created = await client.post('/posts/new', {
      title: 'With guidelines',
      body: 'The body.',
      guidelines: 'Be **kind**; no $x^2$ jokes. <script>alert(1)</script>',
      intent: 'publish',
    });
    expect(created.status).toBe(303);
    const path = created.headers.get('location')!;
    const html = await (await app.request(path)).text();
    expect(html).toContain('Moderation guidelines');
    expect(html).toContain('<strong>kind</strong>');
    expect(html).toContain('katex');
    expect(html).not.toContain('<script>alert(1)');
    const postId = path.split('/')[2]!;
    const box = html.indexOf('class="login-to-comment"');
    expect(box).toBeGreaterThan(0);
    expect(html.indexOf('Moderation guidelines')).toBeLessThan(box);
    const edit = await (await client.get(`/posts/${postId}/edit`)).text();
    expect(edit).toContain('Be **kind**');
    // Saving without the field leaves them; an oversized one is refused with the text kept.
    const long = 'g'.repeat(5001);
    const refused = await client.post(`/posts/${postId}/edit`, {
      title: 'With guidelines',
      body: 'The body.',
      guidelines: long,
      intent: 'save',
    });
    expect(refused.status).toBe(422);
    const page = await refused.text();
    expect(page).toContain('Moderation guidelines must be at most 5,000 characters.');
    expect(page).toContain(long);
    const cleared = await client.post(`/posts/${postId}/edit`, {
      title: 'With guidelines',
      body: 'The body.',
      guidelines: '',
      intent: 'save',
    });
    expect(cleared.status).toBe(303);
    expect(await (await app.request(path)).text()).not.toContain('Moderation guidelines');
  });
});

describe('banned commenters', () => {
  it('are managed by the author and refused on their posts with a clear message', async () => {
    const { client: author, user } = await clientAs(app, db, 'member');
    const pest = await makeUser(db);
    const post = await makePost(db, { authorId: user.id });
    expect((await author.get('/settings/commenter-bans')).status).toBe(200);
    expect((await author.post('/settings/commenter-bans', { username: pest.username })).status).toBe(303);
    expect(await (await author.get('/settings/commenter-bans')).text()).toContain(pest.username);
    await expect(addComment(db, { postId: post.id, authorId: pest.id, markdown: 'Hi' })).rejects.toThrow(
      'banned you from commenting',
    );
    // Others may still comment, and the pest may comment on other authors' posts.
    await addComment(db, { postId: post.id, authorId: (await makeUser(db)).id, markdown: 'Fine' });
    await addComment(db, { postId: (await makePost(db)).id, authorId: pest.id, markdown: 'Elsewhere' });
    expect((await author.post(`/settings/commenter-bans/${pest.id}/delete`, {})).status).toBe(303);
    await addComment(db, { postId: post.id, authorId: pest.id, markdown: 'Back again' });
  });

  it('refuses an unknown user, oneself, a duplicate, a malformed name and a logged-out caller', async () => {
    const { client, user } = await clientAs(app, db, 'member');
    const other = await makeUser(db);
    await banCommenter(db, user.id, other.username);
    const cases: [string, string][] = [
      ['no_such_person', 'There is no user named no_such_person.'],
      [user.username, 'You cannot ban yourself.'],
      [other.username, 'already banned'],
      ['<b>bad</b>', 'give the name of an existing user'],
    ];
    for (const [username, message] of cases) {
      const response = await client.post('/settings/commenter-bans', { username });
      expect(response.status, username).toBe(422);
      const text = await response.text();
      expect(text).toContain(message);
    }
    expect((await client.post('/settings/commenter-bans/nonexistentuser01/delete', {})).status).toBe(404);
    const anonymous = await app.request('/settings/commenter-bans');
    expect(anonymous.status).toBe(302);
  });
});
