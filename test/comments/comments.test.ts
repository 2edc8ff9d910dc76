import { describe, expect, it } from 'vitest';
import { visitLog } from '../../src/posts/visits.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser, type TestUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

async function loggedIn(user?: TestUser) {
  const who = user ?? (await makeUser(db));
  const client = new TestClient(app);
  await client.logIn(who.username, who.password);
  return { client, user: who };
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

/** Ids of comments in the order their elements appear in the page. */
function orderIn(html: string, ids: string[]) {
  return [...ids].sort((a, b) => html.indexOf(`id="comment-${a}"`) - html.indexOf(`id="comment-${b}"`));
}

async function commentCount(postId: string) {
  const [row] = await db.query<{ comment_count: number }>('SELECT comment_count FROM posts WHERE id = $1', [postId]);
  return row!.comment_count;
}

describe('reading a discussion', () => {
  it('orders top-level comments by each sort: top, new, old and magic', async () => {
    const post = await makePost(db, { title: 'Sorting', at: hoursAgo(100) });
    const oldBest = await makeComment(db, { postId: post.id, at: hoursAgo(90), markdown: 'old and well liked' });
    const middling = await makeComment(db, { postId: post.id, at: hoursAgo(50), markdown: 'middling' });
    const fresh = await makeComment(db, { postId: post.id, at: hoursAgo(1), markdown: 'fresh' });
    await db.query('UPDATE comments SET base_score = $2 WHERE id = $1', [oldBest.id, 30]);
    await db.query('UPDATE comments SET base_score = $2 WHERE id = $1', [middling.id, 10]);
    await db.query('UPDATE comments SET base_score = $2 WHERE id = $1', [fresh.id, 5]);
    const ids = [oldBest.id, middling.id, fresh.id];
    const client = new TestClient(app);
    const page = async (sort: string) => (await client.get(`/posts/${post.id}/sorting?sort=${sort}`)).text();
    expect(orderIn(await page('top'), ids)).toEqual([oldBest.id, middling.id, fresh.id]);
    expect(orderIn(await page('new'), ids)).toEqual([fresh.id, middling.id, oldBest.id]);
    expect(orderIn(await page('old'), ids)).toEqual([oldBest.id, middling.id, fresh.id]);
    // Magic: 5/(1+2)^1.15 ≈ 1.41 beats 30/(90+2)^1.15 ≈ 0.16 and 10/(50+2)^1.15 ≈ 0.11.
    expect(orderIn(await page('magic'), ids)).toEqual([fresh.id, oldBest.id, middling.id]);
  });

  it('orders replies within each parent too', async () => {
    const post = await makePost(db, { title: 'Nested sorting' });
    const root = await makeComment(db, { postId: post.id, at: hoursAgo(10) });
    const first = await makeComment(db, { postId: post.id, parentId: root.id, at: hoursAgo(9) });
    const second = await makeComment(db, { postId: post.id, parentId: root.id, at: hoursAgo(8) });
    const html = await (await new TestClient(app).get(`/posts/${post.id}/nested-sorting?sort=new`)).text();
    expect(orderIn(html, [root.id, first.id, second.id])).toEqual([root.id, second.id, first.id]);
  });

  it("remembers a logged-in reader's chosen sort", async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { title: 'Remember me' });
    const a = await makeComment(db, { postId: post.id, at: hoursAgo(5) });
    const b = await makeComment(db, { postId: post.id, at: hoursAgo(1) });
    await client.get(`/posts/${post.id}/remember-me?sort=new`);
    const [row] = await db.query<{ comment_sort: string }>('SELECT comment_sort FROM users WHERE id = $1', [user.id]);
    expect(row!.comment_sort).toBe('new');
    const html = await (await client.get(`/posts/${post.id}/remember-me`)).text();
    expect(orderIn(html, [a.id, b.id])).toEqual([b.id, a.id]);
    expect(html).toMatch(/<a href="\?sort=new#comments" aria-current="true">New<\/a>/);
    // The page says the order is the reader's own default, and leads back to the site's.
    expect(html).toContain('Sorted by New — your default.');
    const back = await (await client.get(`/posts/${post.id}/remember-me?sort=top`)).text();
    expect(back).not.toContain('your default');
    expect(await (await client.get(`/posts/${post.id}/remember-me`)).text()).not.toContain('your default');
    // A reader who is not logged in chooses for one page only: nothing to say.
    const anonymous = await (await new TestClient(app).get(`/posts/${post.id}/remember-me?sort=old`)).text();
    expect(anonymous).toMatch(/aria-current="true">Old<\/a>/);
    expect(anonymous).not.toContain('your default');
  });

  it('shows author, time with absolute time on hover, score and links: reply, permalink, parent', async () => {
    const { client } = await loggedIn();
    const author = await makeUser(db, { username: 'commenter_x' });
    const post = await makePost(db, { title: 'Links' });
    const parent = await makeComment(db, { postId: post.id });
    const reply = await makeComment(db, { postId: post.id, parentId: parent.id, authorId: author.id });
    const html = await (await client.get(`/posts/${post.id}/links`)).text();
    const start = html.indexOf(`id="comment-${reply.id}"`);
    const fragment = html.slice(start, html.indexOf('</article>', start));
    expect(fragment).toContain('commenter_x');
    expect(fragment).toMatch(/<time datetime="[^"]+" title="[^"]+ UTC">just now<\/time>/);
    expect(fragment).toContain('class="vote-score"');
    expect(fragment).toContain(
      `href="/posts/${post.id}/links/comment/${reply.id}/reply" data-reply="${reply.id}">Reply</a>`,
    );
    expect(fragment).toContain(`href="/posts/${post.id}/links/comment/${reply.id}">Permalink</a>`);
    expect(fragment).toContain(`href="/posts/${post.id}/links#comment-${parent.id}">Parent</a>`);
  });

  it('stops indenting past depth 8 and says whom deeper replies answer', async () => {
    const post = await makePost(db, { title: 'Deep' });
    let parentId: string | null = null;
    const ids: string[] = [];
    for (let depth = 0; depth < 11; depth++) {
      const comment = await makeComment(db, { postId: post.id, parentId });
      ids.push(comment.id);
      parentId = comment.id;
    }
    const html = await (await new TestClient(app).get(`/posts/${post.id}/deep`)).text();
    expect(html).toMatch(new RegExp(`class="comment comment-flat" id="comment-${ids[9]}"`));
    expect(html).not.toMatch(new RegExp(`class="comment comment-flat" id="comment-${ids[7]}"`));
    const tenth = html.slice(html.indexOf(`id="comment-${ids[9]}"`));
    expect(tenth.slice(0, 600)).toContain('↪ replying to');
  });

  it('lets a thread be collapsed without JavaScript, saying how many replies it hides', async () => {
    const post = await makePost(db, { title: 'Collapse' });
    const root = await makeComment(db, { postId: post.id });
    const reply = await makeComment(db, { postId: post.id, parentId: root.id });
    await makeComment(db, { postId: post.id, parentId: reply.id });
    const html = await (await new TestClient(app).get(`/posts/${post.id}/collapse`)).text();
    const start = html.indexOf(`id="comment-${root.id}"`);
    expect(html.slice(start, start + 800)).toMatch(
      /<\/header><details open=""><summary class="thread-toggle">[\s\S]*\[\+2 replies hidden\]/,
    );
  });

  it('gives a permalink the chain of parents and the whole subtree, but not sibling threads', async () => {
    const post = await makePost(db, { title: 'Permalinks' });
    const root = await makeComment(db, { postId: post.id, markdown: 'The root claim' });
    const target = await makeComment(db, { postId: post.id, parentId: root.id, markdown: 'The target reply' });
    const below = await makeComment(db, { postId: post.id, parentId: target.id, markdown: 'Below the target' });
    await makeComment(db, { postId: post.id, parentId: root.id, markdown: 'A sibling thread' });
    const client = new TestClient(app);
    const response = await client.get(`/posts/${post.id}/permalinks/comment/${target.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('The root claim');
    expect(html).toContain('The target reply');
    expect(html).toContain(`id="comment-${below.id}"`);
    expect(html).not.toContain('A sibling thread');
    expect(html.indexOf('The root claim')).toBeLessThan(html.indexOf('The target reply'));
    expect((await client.get(`/posts/${post.id}/old-slug/comment/${target.id}`)).status).toBe(301);
    expect((await client.get(`/posts/${post.id}/permalinks/comment/nonsense`)).status).toBe(404);
    expect((await client.get(`/posts/${post.id}/permalinks/comment/${'A'.repeat(17)}`)).status).toBe(404);
  });
});

describe('writing comments', () => {
  it('posts a comment and a reply without JavaScript, returning to the new comment', async () => {
    const { client } = await loggedIn();
    const post = await makePost(db, { title: 'Reply flow' });
    const first = await client.post(`/posts/${post.id}/comments`, { body: 'First with $x^2$', intent: 'submit' });
    expect(first.status).toBe(303);
    const firstId = first.headers.get('location')!.split('#comment-')[1]!;
    const replyPage = await client.get(`/posts/${post.id}/reply-flow/comment/${firstId}/reply`);
    expect(await replyPage.text()).toContain('First with');
    const reply = await client.post(`/posts/${post.id}/comments`, {
      body: 'A reply',
      parentId: firstId,
      intent: 'submit',
    });
    expect(reply.status).toBe(303);
    const html = await (await client.get(`/posts/${post.id}/reply-flow`)).text();
    expect(html).toContain('class="katex"');
    expect(html.indexOf('A reply')).toBeGreaterThan(html.indexOf(`id="comment-${firstId}"`));
    expect(await commentCount(post.id)).toBe(2);
  });

  it('answers a script with the rendered comment as JSON', async () => {
    const { client } = await loggedIn();
    const post = await makePost(db, { title: 'Json flow' });
    await client.get('/');
    const response = await client.request(`/posts/${post.id}/comments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-csrf-token': client.cookies.get('lyceum_csrf')!,
        origin: 'http://localhost',
      },
      body: new URLSearchParams({ body: 'Inline *reply*', intent: 'submit' }).toString(),
    });
    expect(response.status).toBe(201);
    const json = (await response.json()) as { id: string; html: string };
    expect(json.html).toContain(`id="comment-${json.id}"`);
    expect(json.html).toContain('<em>reply</em>');
  });

  it('previews a comment without saving it', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { title: 'Preview comment' });
    const response = await client.post(`/posts/${post.id}/comments`, {
      body: 'Is $\\pi$ rendered?',
      intent: 'preview',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('class="katex"');
    expect(await db.query('SELECT 1 FROM comments WHERE author_id = $1', [user.id])).toHaveLength(0);
  });

  it('refuses bad comments with a clear message and writes nothing', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { title: 'Bad input' });
    const other = await makePost(db, { title: 'Other post' });
    const foreign = await makeComment(db, { postId: other.id });

    const cases: [Record<string, string>, number, string][] = [
      [{ body: 'x', parentId: foreign.id }, 422, 'not part of this post'],
      [{ body: '   ' }, 422, 'Write a comment first.'],
      [{ body: 'y'.repeat(50_001) }, 422, 'at most 50,000 characters'],
      [{ body: 'x', parentId: 'not-an-id' }, 422, 'That is not a comment id.'],
    ];
    for (const [form, status, message] of cases) {
      const response = await client.post(`/posts/${post.id}/comments`, { ...form, intent: 'submit' });
      expect(response.status).toBe(status);
      expect(await response.text()).toContain(message);
    }
    expect((await client.post(`/posts/nonsense/comments`, { body: 'x' })).status).toBe(404);
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [other.id]);
    expect((await client.post(`/posts/${other.id}/comments`, { body: 'x' })).status).toBe(404);
    expect(await db.query('SELECT 1 FROM comments WHERE author_id = $1', [user.id])).toHaveLength(0);
    expect(await commentCount(post.id)).toBe(0);
    expect((await new TestClient(app).post(`/posts/${post.id}/comments`, { body: 'anon' })).status).toBe(403);
  });

  it('edits a comment, keeping its history and marking it edited', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { title: 'Edits' });
    const comment = await makeComment(db, { postId: post.id, authorId: user.id, markdown: 'Original words' });
    expect((await client.get(`/comments/${comment.id}/edit`)).status).toBe(200);
    const response = await client.post(`/comments/${comment.id}/edit`, { body: 'Corrected words', intent: 'submit' });
    expect(response.status).toBe(303);
    const html = await (await client.get(`/posts/${post.id}/edits`)).text();
    expect(html).toContain('Corrected words');
    expect(html).toContain('(edited)');
    const history = await db.query<{ body_markdown: string }>(
      'SELECT body_markdown FROM comment_revisions WHERE comment_id = $1',
      [comment.id],
    );
    expect(history).toEqual([{ body_markdown: 'Original words' }]);
  });

  it("refuses to edit, retract or delete someone else's comment", async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db, { markdown: 'Not yours' });
    expect((await client.post(`/comments/${comment.id}/edit`, { body: 'Mine now' })).status).toBe(403);
    expect((await client.post(`/comments/${comment.id}/retract`, { retracted: 'true' })).status).toBe(403);
    expect((await client.post(`/comments/${comment.id}/delete`, {})).status).toBe(403);
    const [row] = await db.query<{ body_markdown: string; retracted: boolean; deleted: boolean }>(
      'SELECT body_markdown, retracted, deleted FROM comments WHERE id = $1',
      [comment.id],
    );
    expect(row).toEqual({ body_markdown: 'Not yours', retracted: false, deleted: false });
    expect((await client.post(`/comments/garbage/edit`, { body: 'x' })).status).toBe(404);
  });

  it('retracts a comment (struck through, still readable) and un-retracts it', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { title: 'Retract' });
    const comment = await makeComment(db, { postId: post.id, authorId: user.id, markdown: 'I was wrong' });
    await client.post(`/comments/${comment.id}/retract`, { retracted: 'true' });
    let html = await (await client.get(`/posts/${post.id}/retract`)).text();
    expect(html).toMatch(new RegExp(`class="comment comment-retracted" id="comment-${comment.id}"`));
    expect(html).toContain('I was wrong');
    await client.post(`/comments/${comment.id}/retract`, { retracted: 'false' });
    html = await (await client.get(`/posts/${post.id}/retract`)).text();
    expect(html).not.toContain('comment-retracted');
    expect((await client.post(`/comments/${comment.id}/retract`, { retracted: 'maybe' })).status).toBe(422);
  });

  it('deletes: a comment with replies becomes [deleted] keeping them; one without disappears', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { title: 'Deleting' });
    const withReplies = await makeComment(db, { postId: post.id, authorId: user.id, markdown: 'Parent text' });
    const reply = await makeComment(db, { postId: post.id, parentId: withReplies.id, markdown: 'Surviving reply' });
    const lonely = await makeComment(db, { postId: post.id, authorId: user.id, markdown: 'Lonely text' });
    expect(await commentCount(post.id)).toBe(3);
    await client.post(`/comments/${withReplies.id}/delete`, {});
    await client.post(`/comments/${lonely.id}/delete`, {});
    const html = await (await client.get(`/posts/${post.id}/deleting`)).text();
    expect(html).not.toContain('Parent text');
    expect(html).not.toContain('Lonely text');
    expect(html).not.toContain(`id="comment-${lonely.id}"`);
    expect(html).toContain(`id="comment-${withReplies.id}"`);
    expect(html).toContain('[deleted]');
    expect(html).toContain('Surviving reply');
    expect(html.indexOf(`id="comment-${reply.id}"`)).toBeGreaterThan(html.indexOf(`id="comment-${withReplies.id}"`));
    expect(await commentCount(post.id)).toBe(1);
    // Replying to a deleted comment is refused.
    const refused = await client.post(`/posts/${post.id}/comments`, { body: 'late', parentId: withReplies.id });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('That comment was deleted.');
  });

  it('lets a moderator delete any comment', async () => {
    const moderator = await makeUser(db, { role: 'moderator' });
    const { client } = await loggedIn(moderator);
    const comment = await makeComment(db, { markdown: 'Off topic' });
    expect((await client.post(`/comments/${comment.id}/delete`, {})).status).toBe(303);
    const [row] = await db.query<{ deleted: boolean }>('SELECT deleted FROM comments WHERE id = $1', [comment.id]);
    expect(row!.deleted).toBe(true);
  });

  it('keeps the comment count and last activity exact under 50 concurrent comments', async () => {
    const post = await makePost(db, { title: 'Busy thread' });
    const users = await Promise.all(Array.from({ length: 10 }, () => makeUser(db)));
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        makeComment(db, { postId: post.id, authorId: users[i % 10]!.id, markdown: `Comment ${i}` }),
      ),
    );
    expect(await commentCount(post.id)).toBe(50);
    const [row] = await db.query<{ ok: boolean }>(
      `SELECT p.last_activity_at = (SELECT max(created_at) FROM comments WHERE post_id = p.id) AS ok FROM posts p WHERE id = $1`,
      [post.id],
    );
    expect(row!.ok).toBe(true);
  });
});

describe('new since last visit', () => {
  it("marks others' comments newer than the reader's last visit, with a count and a jump link, and counts them on the frontpage", async () => {
    const { client: reader, user: readerUser } = await loggedIn();
    const post = await makePost(db, { title: 'Watching', at: hoursAgo(5) });
    const seen = await makeComment(db, { postId: post.id, at: hoursAgo(4), markdown: 'Seen before' });
    await reader.get(`/posts/${post.id}/watching`);
    // Visits are written in batches (posts/visits.ts): write this one, then move it back in time.
    await visitLog(db).flush();
    await db.query('UPDATE post_visits SET last_visited_at = $2 WHERE post_id = $1', [post.id, hoursAgo(2)]);
    const fresh = await makeComment(db, { postId: post.id, at: hoursAgo(1), markdown: 'Fresh news' });
    await makeComment(db, { postId: post.id, authorId: readerUser.id, at: hoursAgo(1), markdown: 'My own' });

    const front = await (await reader.get('/')).text();
    expect(front).toContain('(1 new)');

    const html = await (await reader.get(`/posts/${post.id}/watching`)).text();
    expect(html).toContain(`<a href="#comment-${fresh.id}">1 new comment since your last visit</a>`);
    expect(html).toMatch(new RegExp(`class="comment comment-new" id="comment-${fresh.id}"`));
    expect(html).not.toMatch(new RegExp(`comment-new" id="comment-${seen.id}"`));

    // The visit is recorded: nothing is new on the next look.
    const again = await (await reader.get(`/posts/${post.id}/watching`)).text();
    expect(again).not.toContain('since your last visit');
    expect(await (await reader.get('/')).text()).not.toContain('(1 new)');
  });
});
