import { describe, expect, it } from 'vitest';
import { renderContent } from '../../src/content/render.js';
import { lastRevisedLabel } from '../../src/posts/views.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makePost, makeUser, type TestUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

async function loggedIn(user?: TestUser) {
  const who = user ?? (await makeUser(db));
  const client = new TestClient(app);
  await client.logIn(who.username, who.password);
  return { client, user: who };
}

async function postRow(id: string) {
  const [row] = await db.query<{
    title: string;
    body_markdown: string;
    status: string;
    slug: string;
    deleted_at: Date | null;
    published_at: Date | null;
  }>('SELECT title, body_markdown, status, slug, deleted_at, published_at FROM posts WHERE id = $1', [id]);
  return row;
}

function idFromLocation(location: string | null) {
  return location!.split('/')[2]!;
}

describe('writing a new post', () => {
  it('sends a logged-out writer to log in first', async () => {
    const response = await new TestClient(app).get('/posts/new');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?next=%2Fposts%2Fnew');
  });

  it('offers writing help under the editor whose examples render as it says', async () => {
    const { client } = await loggedIn();
    const html = await (await client.get('/posts/new')).text();
    const help = html.slice(html.indexOf('<details class="writing-help">'), html.indexOf('</details>'));
    expect(help).toContain('Writing help: math, footnotes, tables');
    const examples = [...help.matchAll(/<code>([^<]*)<\/code>/g)].map((m) =>
      m[1]!.replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>'),
    );
    expect(examples.some((e) => e.includes('$x^2$'))).toBe(true);
    expect(examples.some((e) => e.includes('[^1]: The source.'))).toBe(true);
    // The environment example, typed as shown (on its own line, no $$), is displayed math.
    const align = examples.find((e) => e.startsWith('\\begin{align}'))!.split(', also')[0]!;
    expect(renderContent(align).html).toContain('katex-display');
    const table = examples
      .find((e) => e.startsWith('| n |'))!
      .split('  then  ')
      .join('\n');
    expect(renderContent(table).html).toContain('<table>');
  });

  it('previews without saving, rendering math through the server pipeline', async () => {
    const { client, user } = await loggedIn();
    const response = await client.post('/posts/new', {
      title: 'Preview me',
      body: 'Energy $E = mc^2$.',
      intent: 'preview',
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('class="katex"');
    expect(html).toContain('value="Preview me"');
    expect(await db.query('SELECT 1 FROM posts WHERE author_id = $1', [user.id])).toHaveLength(0);
  });

  it('publishes: the post gets its date, its first revision and a place on the frontpage', async () => {
    const { client } = await loggedIn();
    const response = await client.post('/posts/new', {
      title: 'A Note on Priors',
      body: '## One\n\nText with $\\alpha$ and a footnote.[^a]\n\n[^a]: The note.',
      intent: 'publish',
    });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/posts\/[0-9A-Za-z]{17}\/a-note-on-priors$/);
    const id = idFromLocation(location);
    expect((await postRow(id))!.published_at).not.toBeNull();
    const page = await (await client.get(location)).text();
    expect(page).toContain('class="katex"');
    expect(page).toContain('The note.');
    expect(await db.query('SELECT number FROM post_revisions WHERE post_id = $1', [id])).toEqual([{ number: 1 }]);
    expect(await (await new TestClient(app).get('/')).text()).toContain('A Note on Priors');
  });

  it('saves a draft that only its author sees, listed on their profile', async () => {
    const { client, user } = await loggedIn();
    const response = await client.post('/posts/new', { title: 'Half-finished thoughts', body: '', intent: 'draft' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/\/edit\?saved=1$/);
    const id = idFromLocation(response.headers.get('location'));
    expect((await postRow(id))!.status).toBe('draft');
    expect(await (await client.get(`/users/${user.username}`)).text()).toContain('?tab=drafts');
    const drafts = await (await client.get(`/users/${user.username}?tab=drafts`)).text();
    expect(drafts).toContain('Half-finished thoughts');
    const stranger = new TestClient(app);
    expect(await (await stranger.get(`/users/${user.username}`)).text()).not.toContain('Half-finished thoughts');
    expect((await stranger.get(`/users/${user.username}?tab=drafts`)).status).toBe(404);
    expect(await (await stranger.get('/')).text()).not.toContain('Half-finished thoughts');
  });

  it('refuses an empty title, a title over 300 characters and a body over 200,000 characters, keeping the text', async () => {
    const { client, user } = await loggedIn();
    const empty = await client.post('/posts/new', { title: '  ', body: 'My precious paragraph.', intent: 'publish' });
    expect(empty.status).toBe(422);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('Give your post a title.');
    expect(emptyHtml).toContain('My precious paragraph.');

    const long = await client.post('/posts/new', { title: 'T'.repeat(301), body: 'Kept body', intent: 'draft' });
    expect(long.status).toBe(422);
    expect(await long.text()).toContain('Title must be at most 300 characters.');

    const huge = await client.post('/posts/new', { title: 'Huge', body: 'x'.repeat(200_001), intent: 'draft' });
    expect(huge.status).toBe(422);
    expect(await huge.text()).toContain('Body must be at most 200,000 characters.');

    const nothing = await client.post('/posts/new', { title: 'No body', body: '   ', intent: 'publish' });
    expect(nothing.status).toBe(422);
    expect(await nothing.text()).toContain('Write something before publishing.');
    expect(await db.query('SELECT 1 FROM posts WHERE author_id = $1', [user.id])).toHaveLength(0);
  });

  it('answers an unknown editor button with a message', async () => {
    const { client } = await loggedIn();
    const response = await client.post('/posts/new', { title: 'x', body: 'y', intent: 'explode' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Choose one of the editor buttons.');
  });
});

describe('editing', () => {
  it('revises a published post with a note: "Last revised", the history and a word diff', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, {
      authorId: user.id,
      title: 'Bounds on regret',
      markdown: 'The regret grows like square root of T.',
    });
    const response = await client.post(`/posts/${post.id}/edit`, {
      title: 'Tighter bounds on regret',
      body: 'The regret grows like log of T.',
      note: 'Fixed the rate',
      intent: 'save',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/posts/${post.id}/tighter-bounds-on-regret`);

    const page = await (await client.get(`/posts/${post.id}/tighter-bounds-on-regret`)).text();
    // Revised today: the day, not just the month ("Last revised 5 December 2026").
    const today = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(page).toContain(`Last revised ${today.format(new Date())}`);
    // Long ago: the month is enough.
    expect(lastRevisedLabel(new Date('2024-03-05T12:00:00Z'))).toBe('March 2024');
    expect(lastRevisedLabel(new Date('2026-12-01T12:00:00Z'), new Date('2026-12-06T00:00:00Z'))).toBe(
      '1 December 2026',
    );
    expect(page).toContain(`href="/posts/${post.id}/tighter-bounds-on-regret/history"`);

    // The old slug still leads to the post.
    const old = await client.get(`/posts/${post.id}/bounds-on-regret`);
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(`/posts/${post.id}/tighter-bounds-on-regret`);

    const history = await (await client.get(`/posts/${post.id}/tighter-bounds-on-regret/history`)).text();
    expect(history).toContain('Revision 2');
    expect(history).toContain('Fixed the rate');
    expect(history).toContain('Revision 1');

    const diff = await (await client.get(`/posts/${post.id}/tighter-bounds-on-regret/history/2`)).text();
    expect(diff).toContain('<del>square root</del>');
    expect(diff).toContain('<ins>log</ins>');
    expect(diff).toContain('<del>Bounds</del><ins>Tighter bounds</ins>');
    expect((await client.get(`/posts/${post.id}/tighter-bounds-on-regret/history/99`)).status).toBe(404);
    expect((await client.get(`/posts/${post.id}/tighter-bounds-on-regret/history/x'`)).status).toBe(404);
  });

  it('makes no revision when nothing changed', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { authorId: user.id, title: 'Stable', markdown: 'Same text.' });
    await client.post(`/posts/${post.id}/edit`, { title: 'Stable', body: 'Same text.', note: '', intent: 'save' });
    expect(await db.query('SELECT number FROM post_revisions WHERE post_id = $1', [post.id])).toHaveLength(1);
  });

  it("refuses to edit someone else's post, changing nothing", async () => {
    const { client } = await loggedIn();
    const post = await makePost(db, { title: 'Not yours', markdown: 'Original.' });
    const response = await client.post(`/posts/${post.id}/edit`, {
      title: 'Hijacked',
      body: 'Changed.',
      intent: 'save',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Only the author can edit this post.');
    expect((await postRow(post.id))!.title).toBe('Not yours');
    expect((await client.get(`/posts/${post.id}/edit`)).status).toBe(403);
  });

  it('refuses to edit a deleted post', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { authorId: user.id, title: 'Deleted soon' });
    const del = await client.post(`/posts/${post.id}/delete`, { confirm: 'yes' });
    expect(del.status).toBe(303);
    expect((await postRow(post.id))!.deleted_at).not.toBeNull();
    const response = await client.post(`/posts/${post.id}/edit`, { title: 'Back', body: 'x', intent: 'save' });
    expect(response.status).toBe(404);
    expect((await client.get(`/posts/${post.id}/deleted-soon`)).status).toBe(404);
  });

  it('asks for confirmation before deleting', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { authorId: user.id });
    const response = await client.post(`/posts/${post.id}/delete`, {});
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Nothing was deleted');
    expect((await postRow(post.id))!.deleted_at).toBeNull();
  });

  it("lets a moderator delete another author's post", async () => {
    const moderator = await makeUser(db, { role: 'moderator' });
    const { client } = await loggedIn(moderator);
    const post = await makePost(db, { title: 'Spam' });
    expect((await client.post(`/posts/${post.id}/delete`, { confirm: 'yes' })).status).toBe(303);
    expect((await postRow(post.id))!.deleted_at).not.toBeNull();
  });

  it('keeps the text and changes nothing when the CSRF token has expired', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { authorId: user.id, title: 'Guarded', markdown: 'Before.' });
    const response = await client.post(
      `/posts/${post.id}/edit`,
      { title: 'Guarded', body: 'A long careful paragraph I would hate to lose.\nSecond line.', intent: 'save' },
      { csrf: 'expired-token' },
    );
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('A long careful paragraph I would hate to lose.');
    expect(html).toContain(`action="/posts/${post.id}/edit"`);
    expect((await postRow(post.id))!.body_markdown).toBe('Before.');
  });

  it('unpublishes and republishes, keeping the original date', async () => {
    const { client, user } = await loggedIn();
    const at = new Date(Date.now() - 5 * 86_400_000);
    const post = await makePost(db, { authorId: user.id, title: 'Toggle', markdown: 'Body.', at });
    const asked = await client.post(`/posts/${post.id}/edit`, {
      title: 'Toggle',
      body: 'Body, edited.',
      note: 'Fixed a typo',
      intent: 'unpublish',
    });
    // First a confirmation, with everything typed kept; nothing has changed yet.
    expect(asked.status).toBe(200);
    const confirm = await asked.text();
    expect(confirm).toContain('Unpublish this post?');
    expect(confirm).toContain('value="Fixed a typo"');
    expect(confirm).toContain('Body, edited.');
    expect((await postRow(post.id))!.status).toBe('published');
    await client.post(`/posts/${post.id}/edit`, {
      title: 'Toggle',
      body: 'Body.',
      intent: 'unpublish',
      confirm: 'unpublish',
    });
    expect((await postRow(post.id))!.status).toBe('draft');
    expect((await new TestClient(app).get(`/posts/${post.id}/toggle`)).status).toBe(404);
    await client.post(`/posts/${post.id}/edit`, { title: 'Toggle', body: 'Body.', intent: 'publish' });
    const row = (await postRow(post.id))!;
    expect(row.status).toBe('published');
    expect(row.published_at!.getTime()).toBe(at.getTime());
  });

  it('keeps unsaved text across an expired session: log in again and get it back in the editor', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { authorId: user.id, title: 'Long essay', markdown: 'Old.' });
    await db.query('DELETE FROM sessions WHERE user_id = $1', [user.id]);

    const expired = await client.post(`/posts/${post.id}/edit`, {
      title: 'Long essay',
      body: 'Two hours of work.',
      intent: 'save',
    });
    expect(expired.status).toBe(401);
    const loginHtml = await expired.text();
    expect(loginHtml).toContain('Your session has ended');
    expect(loginHtml).toContain('name="carry:body" value="Two hours of work."');
    expect((await postRow(post.id))!.body_markdown).toBe('Old.');

    const resumed = await client.post('/login', {
      login: user.username,
      password: user.password,
      next: `/posts/${post.id}/edit`,
      'carry:title': 'Long essay',
      'carry:body': 'Two hours of work.',
    });
    expect(resumed.status).toBe(200);
    const resumeHtml = await resumed.text();
    expect(resumeHtml).toContain(`action="/posts/${post.id}/edit"`);
    expect(resumeHtml).toContain('name="intent" value="restore"');

    const editor = await client.post(`/posts/${post.id}/edit`, {
      title: 'Long essay',
      body: 'Two hours of work.',
      intent: 'restore',
    });
    expect(editor.status).toBe(200);
    const editorHtml = await editor.text();
    expect(editorHtml).toContain('Two hours of work.</textarea>');
    expect((await postRow(post.id))!.body_markdown).toBe('Old.');
  });
});

describe('the preview API', () => {
  /** The client script's preview request, as a logged-in writer on the editor page sends it. */
  const previewRequest = (client: TestClient, markdown: string) =>
    client.request('/api/preview', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': client.cookies.get('lyceum_csrf')!,
        origin: 'http://localhost',
      },
      body: JSON.stringify({ markdown }),
    });

  it('renders Markdown with math for a logged-in writer', async () => {
    const { client } = await loggedIn();
    await client.get('/posts/new');
    const response = await previewRequest(client, '$$\\int_0^1 x\\,dx$$\n\n<img src=x onerror=alert(1)>');
    expect(response.status).toBe(200);
    const { html } = (await response.json()) as { html: string };
    expect(html).toContain('katex-display');
    expect(html).not.toContain('onerror');
  });

  it('notes images without a description above the preview, and gives them an empty alt in the HTML', async () => {
    const { client } = await loggedIn();
    await client.get('/posts/new');
    const preview = async (markdown: string) =>
      ((await (await previewRequest(client, markdown)).json()) as { html: string }).html;
    const bare = await preview('![](https://example.org/a.png) and <img src="https://example.org/b.png">');
    expect(bare).toContain('2 images have no description for readers who cannot see it');
    expect(bare.match(/<img [^>]*alt=""/g)).toHaveLength(2);
    const described = await preview('![A chart of regret](https://example.org/a.png)');
    expect(described).not.toContain('no description');
    expect(described).toContain('alt="A chart of regret"');
    // Published text carries no such note.
    const post = await makePost(db, { markdown: '![](https://example.org/a.png)' });
    const page = await (await client.get(`/posts/${post.id}/${post.slug}`)).text();
    expect(page).not.toContain('no description');
    expect(page).toMatch(/<img [^>]*alt=""/);
  });

  it('refuses logged-out callers, missing tokens and oversized input with a message', async () => {
    const anonymous = new TestClient(app);
    await anonymous.get('/');
    const headers = {
      'content-type': 'application/json',
      'x-csrf-token': anonymous.cookies.get('lyceum_csrf')!,
      origin: 'http://localhost',
    };
    const out = await anonymous.request('/api/preview', { method: 'POST', headers, body: '{"markdown":"x"}' });
    expect(out.status).toBe(403);

    const { client } = await loggedIn();
    await client.get('/');
    const noToken = await client.request('/api/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"markdown":"x"}',
    });
    expect(noToken.status).toBe(403);
    const h = { ...headers, 'x-csrf-token': client.cookies.get('lyceum_csrf')! };
    const big = await client.request('/api/preview', {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ markdown: 'x'.repeat(200_001) }),
    });
    expect(big.status).toBe(422);
    expect(((await big.json()) as { fields: Record<string, string> }).fields.markdown).toContain('200,000');
    const bad = await client.request('/api/preview', { method: 'POST', headers: h, body: '{not json' });
    expect(bad.status).toBe(422);
  });
});
