import { describe, expect, it } from 'vitest';
import { renderContent } from '../../src/content/render.js';
import { deletePost } from '../../src/posts/service.js';
import { linkedPostId } from '../../src/sequences/link-paths.js';
import { addLinkTitles, backlinksOf, linkedPostIds, recordPostLinks } from '../../src/sequences/links.js';
import { postPageSlots } from '../../src/sequences/slots.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

const SITE = 'https://lyceum.example';
const ID = 'AbCdEfGhIjKlMnOpQ';
const SEQ = 'QpOnMlKjIhGfEdCbA';

describe('recognising links to posts', () => {
  it('accepts our post paths, relative or on the configured origin, and nothing else', () => {
    expect(linkedPostId(`/posts/${ID}`, SITE)).toBe(ID);
    expect(linkedPostId(`/posts/${ID}/a-slug#comment-x`, SITE)).toBe(ID);
    expect(linkedPostId(`/posts/${ID}?sort=new`)).toBe(ID);
    expect(linkedPostId(`/s/${SEQ}/p/${ID}`)).toBe(ID);
    expect(linkedPostId(`${SITE}/posts/${ID}/slug`, SITE)).toBe(ID);
    expect(linkedPostId(`${SITE}/posts/${ID}/slug`)).toBeUndefined();
    expect(linkedPostId(`https://elsewhere.example/posts/${ID}/slug`, SITE)).toBeUndefined();
    expect(linkedPostId(`//elsewhere.example/posts/${ID}`, SITE)).toBeUndefined();
    expect(linkedPostId('/posts/new', SITE)).toBeUndefined();
    expect(linkedPostId(`/posts/${ID}extra`, SITE)).toBeUndefined();
    expect(linkedPostId(`/users/${ID}`, SITE)).toBeUndefined();
    expect(linkedPostId('mailto:someone@example.org', SITE)).toBeUndefined();
  });

  it('reads hrefs from rendered Markdown and adds titles without changing anything else', () => {
    const { html } = renderContent(
      [
        `See [the proof](/posts/${ID}/proof "Mine") and [again](${SITE}/s/${SEQ}/p/${ID}) with $\\alpha^2$,`,
        `[away](https://elsewhere.example/posts/${ID}) and a footnote.[^1]`,
        '',
        '[^1]: A note & more.',
      ].join('\n'),
    );
    expect(linkedPostIds(html, SITE)).toEqual([ID]);
    expect(linkedPostIds('<p>No links here</p>', SITE)).toEqual([]);
    const titled = addLinkTitles(html, new Map([[ID, 'A "quoted" <title>']]), SITE);
    expect(titled).toContain(`href="/posts/${ID}/proof" title="Mine"`);
    expect(titled).toContain(`title="A &quot;quoted&quot; &lt;title&gt;">again</a>`);
    expect(titled).not.toContain('elsewhere.example/posts/AbCdEfGhIjKlMnOpQ" title');
    // Apart from the added attribute, the stored HTML (math included) is byte for byte the same.
    expect(titled.replace(` title="A &quot;quoted&quot; &lt;title&gt;"`, '')).toBe(html);
  });
});

describe('recording links and backlinks', () => {
  it('records links from posts and comments, titles them, and lists them as "Referenced by" on the target', async () => {
    const target = await makePost(db, { title: 'The target' });
    const citing = await makePost(db, { title: 'A citing post' });
    const html = renderContent(`Read [this](/posts/${target.id}/slug) and [self](/posts/${citing.id}).`).html;
    const stored = await db.transaction((tx) => recordPostLinks(tx, { kind: 'post', id: citing.id }, html, SITE));
    expect(stored).toContain(`href="/posts/${target.id}/slug" title="The target"`);
    expect(stored).not.toContain(`href="/posts/${citing.id}" title`);

    const onPost = await makePost(db, { title: 'Discussion host' });
    const comment = await makeComment(db, { postId: onPost.id, markdown: 'x' });
    await recordPostLinks(
      db,
      { kind: 'comment', id: comment.id },
      `<p><a href="${SITE}/posts/${target.id}">t</a></p>`,
      SITE,
    );

    const links = await backlinksOf(db, target.id);
    expect(links.map((l) => [l.kind, l.postTitle, l.commentId])).toEqual([
      ['comment', 'Discussion host', comment.id],
      ['post', 'A citing post', null],
    ]);
    expect(await backlinksOf(db, citing.id)).toEqual([]);

    const slots = await postPageSlots(db, target.id);
    const footer = String(slots.afterBody);
    expect(footer).toContain('Referenced by');
    expect(footer).toContain(`href="/posts/${onPost.id}/${onPost.slug}/comment/${comment.id}"`);
    expect(footer).toContain(`href="/posts/${citing.id}/${citing.slug}">A citing post</a>`);
  });

  it('replaces what a source linked to when it is saved again, and hides links from drafts and deleted sources', async () => {
    const author = await makeUser(db);
    const first = await makePost(db, { title: 'First target' });
    const second = await makePost(db, { title: 'Second target' });
    const source = await makePost(db, { authorId: author.id, title: 'Source' });
    await recordPostLinks(db, { kind: 'post', id: source.id }, `<a href="/posts/${first.id}">1</a>`);
    await recordPostLinks(db, { kind: 'post', id: source.id }, `<a href="/posts/${second.id}">2</a>`);
    expect(await backlinksOf(db, first.id)).toEqual([]);
    expect((await backlinksOf(db, second.id)).map((l) => l.postTitle)).toEqual(['Source']);

    const draft = await makePost(db, { authorId: author.id, title: 'Draft source', publish: false });
    await recordPostLinks(db, { kind: 'post', id: draft.id }, `<a href="/posts/${second.id}">2</a>`);
    expect((await backlinksOf(db, second.id)).map((l) => l.postTitle)).toEqual(['Source']);

    await deletePost(db, actorOf(author.id), source.id);
    expect(await backlinksOf(db, second.id)).toEqual([]);
  });

  it('records a link to a draft without revealing its title, and ignores comments linking to their own post', async () => {
    const author = await makeUser(db);
    const draft = await makePost(db, { authorId: author.id, title: 'Secret draft title', publish: false });
    const citing = await makePost(db);
    const stored = await recordPostLinks(db, { kind: 'post', id: citing.id }, `<a href="/posts/${draft.id}">d</a>`);
    expect(stored).not.toContain('Secret draft title');
    expect(await db.query('SELECT 1 FROM post_links WHERE target_post_id = $1', [draft.id])).toHaveLength(1);

    const host = await makePost(db);
    const comment = await makeComment(db, { postId: host.id });
    await recordPostLinks(db, { kind: 'comment', id: comment.id }, `<a href="/posts/${host.id}">here</a>`);
    expect(await backlinksOf(db, host.id)).toEqual([]);
  });
});

describe('the preview endpoint', () => {
  it('returns title, author, excerpt and address of a published post, and 404 JSON otherwise', async () => {
    const author = await makeUser(db);
    const post = await makePost(db, { authorId: author.id, title: 'Previewed', markdown: 'Excerpt with $x$ here.' });
    const response = await new TestClient(app).get(`/api/posts/${post.id}/preview`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await response.json()).toEqual({
      id: post.id,
      title: 'Previewed',
      excerpt: 'Excerpt with $x$ here.',
      excerptHtml: expect.stringMatching(/^Excerpt with <math[^>]*>.*<\/math> here\.$/),
      author: author.username,
      readingMinutes: 1,
      url: `/posts/${post.id}/previewed`,
    });
    const draft = await makePost(db, { authorId: author.id, publish: false });
    for (const id of [draft.id, 'ZZZZZZZZZZZZZZZZZ', 'garbage']) {
      const missing = await new TestClient(app).get(`/api/posts/${id}/preview`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: string }).error).toBe('There is no published post with that id.');
    }
  });
});
