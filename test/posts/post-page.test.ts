import { describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

describe('frontpage', () => {
  it('lists published posts newest first with author, date and comment count, and hides drafts', async () => {
    const author = await makeUser(db, { username: 'front_author' });
    const older = await makePost(db, {
      authorId: author.id,
      title: 'Older results',
      at: new Date(Date.now() - 3 * 86_400_000),
    });
    const newer = await makePost(db, {
      authorId: author.id,
      title: 'Newer results',
      at: new Date(Date.now() - 3_600_000),
    });
    await makePost(db, { authorId: author.id, title: 'Secret draft', publish: false });
    await makeComment(db, { postId: older.id });
    await makeComment(db, { postId: older.id });

    const html = await (await new TestClient(app).get('/?view=recent')).text();
    expect(html.indexOf('Newer results')).toBeGreaterThan(-1);
    expect(html.indexOf('Newer results')).toBeLessThan(html.indexOf('Older results'));
    expect(html).not.toContain('Secret draft');
    expect(html).toContain(`href="/posts/${newer.id}/newer-results"`);
    expect(html).toContain('front_author');
    expect(html).toMatch(/3 days ago/);
    expect(html).toContain('2 comments');
  });
});

describe('post page', () => {
  it('shows the title, author, body with KaTeX math and the sanitized HTML', async () => {
    const post = await makePost(db, {
      title: 'On convex bounds',
      markdown: 'We show $\\sum_i x_i \\le 1$ holds.\n\n<script>alert(1)</script>',
    });
    const response = await new TestClient(app).get(`/posts/${post.id}/on-convex-bounds`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<h1 id="post-title">On convex bounds</h1>');
    expect(html).toContain('class="katex"');
    expect(html).toContain('<annotation encoding="application/x-tex">\\sum_i x_i \\le 1</annotation>');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain(`<link rel="canonical" href="http://localhost/posts/${post.id}/on-convex-bounds"/>`);
  });

  it('redirects a wrong or missing slug to the canonical address', async () => {
    const post = await makePost(db, { title: 'Canonical Title' });
    const client = new TestClient(app);
    for (const path of [`/posts/${post.id}/old-title`, `/posts/${post.id}`]) {
      const response = await client.get(path);
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe(`/posts/${post.id}/canonical-title`);
    }
  });

  it('nests replies inside the element of the comment they answer', async () => {
    const post = await makePost(db, { title: 'Threaded' });
    const top = await makeComment(db, { postId: post.id, markdown: 'Top level' });
    const reply = await makeComment(db, { postId: post.id, parentId: top.id, markdown: 'A reply' });
    const deeper = await makeComment(db, { postId: post.id, parentId: reply.id, markdown: 'A reply to the reply' });
    const html = await (await new TestClient(app).get(`/posts/${post.id}/threaded`)).text();
    const topStart = html.indexOf(`id="comment-${top.id}"`);
    const replyStart = html.indexOf(`id="comment-${reply.id}"`);
    const deeperStart = html.indexOf(`id="comment-${deeper.id}"`);
    expect(topStart).toBeGreaterThan(-1);
    expect(replyStart).toBeGreaterThan(topStart);
    expect(deeperStart).toBeGreaterThan(replyStart);
    // Each article closes after the articles of its replies: three nested closings in a row.
    const tail = html.slice(deeperStart);
    expect(tail).toMatch(
      /A reply to the reply[\s\S]*?<\/article><\/div><\/details><\/article><\/div><\/details><\/article>/,
    );
    expect(html).toContain('3 comments');
  });

  it('shows a draft only to its author, and a deleted post to nobody', async () => {
    const author = await makeUser(db);
    const draft = await makePost(db, { authorId: author.id, title: 'Work in progress', publish: false });
    expect((await new TestClient(app).get(`/posts/${draft.id}/work-in-progress`)).status).toBe(404);
    const client = new TestClient(app);
    await client.logIn(author.username, author.password);
    expect((await client.get(`/posts/${draft.id}/work-in-progress`)).status).toBe(200);

    const gone = await makePost(db, { title: 'Gone' });
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [gone.id]);
    expect((await client.get(`/posts/${gone.id}/gone`)).status).toBe(404);
  });
});
