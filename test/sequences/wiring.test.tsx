import { describe, expect, it } from 'vitest';
import { loadDemoContent } from '../../src/demo/seed.js';
import { loadAssets } from '../../src/web/assets.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { openTestDatabase } from '../helpers/db.js';
import { makePost, makeUser } from '../helpers/factories.js';
import { loggedIn, makeSequence } from './helpers.js';

// The sequence feature as the rest of the site shows it: links recorded when posts and comments are saved, the
// post page, frontpage, profile, demo content and client script.

const { db, app } = useTestApp();

function idFrom(location: string | null) {
  return location!.split('/')[2]!;
}

describe('sequences across the site', () => {
  it('records links when posts and comments are saved: titles for readers without JavaScript, backlinks on the target', async () => {
    const { client, user } = await loggedIn(app, db);
    const target = await makePost(db, { title: 'The linked post' });
    const created = await client.post('/posts/new', {
      title: 'A citing post',
      body: `See [it](/posts/${target.id}/x) and [again](http://localhost/posts/${target.id}).`,
      intent: 'publish',
    });
    const citingId = idFrom(created.headers.get('location'));
    const [row] = await db.query<{ body_html: string }>('SELECT body_html FROM posts WHERE id = $1', [citingId]);
    expect(row!.body_html.match(/title="The linked post"/g)).toHaveLength(2);

    const host = await makePost(db, { authorId: user.id, title: 'Host post' });
    await client.post(`/posts/${host.id}/comments`, {
      body: `Compare [this](/posts/${target.id}).`,
      intent: 'submit',
    });
    let page = await (await new TestClient(app).get(`/posts/${target.id}/the-linked-post`)).text();
    expect(page).toContain('Referenced by');
    expect(page).toContain('A citing post');
    expect(page).toContain('’s comment</a> on');

    // Saving the post again without the link takes it off the target.
    await client.post(`/posts/${citingId}/edit`, { title: 'A citing post', body: 'No links now.', intent: 'save' });
    page = await (await new TestClient(app).get(`/posts/${target.id}/the-linked-post`)).text();
    expect(page).not.toContain('A citing post');
  });

  it('shows a post’s sequences on its own page, the frontpage’s tags and "Continue reading", and the profile tab', async () => {
    const author = await makeUser(db);
    const { id, postIds } = await makeSequence(db, author.id, { '': ['Opening', 'Closing'] }, 'Wired series');
    const own = await (await new TestClient(app).get(`/posts/${postIds.Opening}/opening`)).text();
    expect(own).toContain(`Part of the <a href="/s/${id}/p/${postIds.Opening}">Wired series</a> sequence`);

    expect(await (await new TestClient(app).get('/?view=recent')).text()).toContain(
      `in <a href="/s/${id}">Wired series</a>`,
    );
    const { client } = await loggedIn(app, db);
    await client.get(`/s/${id}/p/${postIds.Opening}`);
    const front = await (await client.get('/')).text();
    expect(front).toContain('Continue reading');
    expect(front).toContain(`href="/s/${id}/p/${postIds.Closing}">Closing</a>`);

    const profile = await (await new TestClient(app).get(`/users/${author.username}?tab=sequences`)).text();
    expect(profile).toContain('Wired series');
    expect(await (await new TestClient(app).get('/sequences')).text()).toContain('Wired series');
  });

  it('loads the demo sequence with the demo content, and bundles the client enhancements', async () => {
    const fresh = await openTestDatabase();
    try {
      await loadDemoContent(fresh);
      const [sequence] = await fresh.query<{ title: string; post_count: number }>(
        'SELECT title, post_count FROM sequences',
      );
      expect(sequence).toEqual({ title: 'Scoring the Future', post_count: 3 });
    } finally {
      await fresh.close();
    }
    const assets = await loadAssets();
    const script = new TextDecoder().decode(assets.get(assets.urls.js.slice('/static/'.length))!.body);
    expect(script).toContain('post-preview-card');
    expect(script).toContain('data-sequence-contents');
  });
});
