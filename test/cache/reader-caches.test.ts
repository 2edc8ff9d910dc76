import { describe, expect, it } from 'vitest';
import { commentScoresTag } from '../../src/cache/caches.js';
import type { CommentScores } from '../../src/comments/queries.js';
import type { Role } from '../../src/policy/actor.js';
import { castVote } from '../../src/votes/service.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

// With caching on, logged-in pages are built from cached sessions, shared list fragments and per-reader parts.
// These tests check that a reader never sees the caches: every change shows, at once or within moments.
describe('caches behind logged-in pages', () => {
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });
  const { db } = test;

  async function loggedIn(options: { role?: Role } = {}) {
    const user = await makeUser(db, options);
    const client = new TestClient(test.app);
    await client.logIn(user.username, user.password);
    return { user, client };
  }

  const text = async (client: TestClient, path: string) => (await client.get(path)).text();

  it('reads a discussion once for its every order, takes a new comment in, and reads it again after an edit', async () => {
    const { client } = await loggedIn();
    const post = await makePost(db, { title: 'Ordered twice' });
    const path = `/posts/${post.id}/ordered-twice`;
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    for (const [i, word] of ['First', 'Second', 'Third'].entries()) {
      await makeComment(db, { postId: post.id, markdown: `${word} word.`, at: at(i) });
    }
    const discussions = test.caching!.caches.discussions;
    const order = (html: string) =>
      ['First', 'Second', 'Third', 'Fourth']
        .filter((w) => html.includes(`${w} word.`))
        .sort((a, b) => html.indexOf(`${a} word.`) - html.indexOf(`${b} word.`));
    await eventually(async () => order(await text(client, `${path}?sort=old`)).length === 3);
    const misses = discussions.misses;
    expect(order(await text(client, `${path}?sort=new`))).toEqual(['Third', 'Second', 'First']);
    expect(order(await text(client, `${path}?sort=old`))).toEqual(['First', 'Second', 'Third']);
    expect(order(await text(client, `${path}?sort=top`))).toHaveLength(3);
    expect(discussions.misses).toBe(misses);
    // A new comment is taken into the discussion kept (comment-added), not read again with every other.
    const fourth = await makeComment(db, { postId: post.id, markdown: 'Fourth word.', at: at(3) });
    await eventually(async () => order(await text(client, `${path}?sort=new`))[0] === 'Fourth');
    expect(order(await text(client, `${path}?sort=old`))).toEqual(['First', 'Second', 'Third', 'Fourth']);
    expect(discussions.misses).toBe(misses);
    // An edit: read again, once, for the next order asked for.
    await db.query(`UPDATE comments SET body_html = '<p>Fourth word. Edited.</p>', edited_at = now() WHERE id = $1`, [
      fourth.id,
    ]);
    await eventually(async () => (await text(client, `${path}?sort=new`)).includes('Fourth word. Edited.'));
    expect(order(await text(client, `${path}?sort=old`))).toEqual(['First', 'Second', 'Third', 'Fourth']);
    expect(discussions.misses).toBe(misses + 1);
  });

  it('keeps the scores a post page’s comments were read with, and shows later votes on them', async () => {
    const { client } = await loggedIn();
    const voter = await makeUser(db);
    const post = await makePost(db, { title: 'Scored once' });
    const path = `/posts/${post.id}/scored-once`;
    const comment = await makeComment(db, { postId: post.id, markdown: 'Worth a vote' });
    await castVote(db, { voterId: voter.id, targetType: 'comment', targetId: comment.id, axis: 'karma', kind: 'up' });
    const scoreOf = async () => {
      const [row] = await db.query<CommentScores>(
        `SELECT base_score AS "baseScore", agreement_score AS "agreementScore", vote_count AS "voteCount",
                agreement_vote_count AS "agreementVoteCount" FROM comments WHERE id = $1`,
        [comment.id],
      );
      return row!;
    };
    const fragments = test.caching!.caches.fragments;
    const read = await scoreOf();
    // The author's own vote and the voter's.
    expect(read.voteCount).toBe(2);
    await eventually(async () => {
      await client.get(path);
      const kept = fragments.peek(commentScoresTag(post.id)) as Map<string, CommentScores> | undefined;
      return kept?.get(comment.id)?.voteCount === read.voteCount;
    });
    const kept = fragments.peek(commentScoresTag(post.id)) as Map<string, CommentScores>;
    expect(kept.get(comment.id)).toEqual(read);
    // A vote after the page was read goes into what is kept, and the next view shows it.
    const other = await makeUser(db);
    await castVote(db, { voterId: other.id, targetType: 'comment', targetId: comment.id, axis: 'karma', kind: 'up' });
    const now = await scoreOf();
    expect(now.baseScore).toBeGreaterThan(read.baseScore);
    await eventually(async () => {
      const html = await text(client, path);
      const shown = html.slice(html.indexOf(`id="comment-${comment.id}"`));
      return /class="vote-score"[^>]*>(-?\d+)</.exec(shown)?.[1] === String(now.baseScore);
    });
    expect((fragments.peek(commentScoresTag(post.id)) as Map<string, CommentScores>).get(comment.id)).toEqual(now);
  });

  it('marks new comments on the frontpage and drops the mark as soon as the reader opens the post', async () => {
    const { client } = await loggedIn();
    const post = await makePost(db, { title: 'Watched closely' });
    const path = `/posts/${post.id}/watched-closely`;
    await client.get(path);
    await eventually(async () => (await text(client, '/?view=recent')).includes('Watched closely'));
    expect(test.caching!.caches.fragments.size).toBeGreaterThan(0);

    await makeComment(db, { postId: post.id, markdown: 'Fresh reply' });
    await eventually(async () => (await text(client, '/?view=recent')).includes('(1 new)'));
    // Another reader shares the list but not the mark.
    const other = await loggedIn();
    const theirs = await text(other.client, '/?view=recent');
    expect(theirs).toContain('Watched closely');
    expect(theirs).not.toContain('(1 new)');

    await client.get(path);
    expect(await text(client, '/?view=recent')).not.toContain('(1 new)');
  });

  it("keeps a reader's own copy of the frontpage, for them alone, until something on it changes", async () => {
    const { user, client } = await loggedIn();
    await eventually(async () => (await client.get('/')).headers.get('x-cache') === 'hit');
    const hit = await client.get('/');
    expect(hit.headers.get('cache-control')).toBe('private, no-cache');
    expect(await hit.text()).toContain(user.username);
    const etag = hit.headers.get('etag')!;
    expect((await client.get('/', { 'if-none-match': etag })).status).toBe(304);

    const other = await loggedIn();
    const theirs = await other.client.get('/');
    expect(theirs.headers.get('x-cache')).not.toBe('hit');
    expect(await theirs.text()).not.toContain(user.username);

    await makePost(db, { title: 'Just published' });
    await eventually(async () => (await text(client, '/?view=recent')).includes('Just published'));
    await eventually(async () => (await text(client, '/')).includes('Just published'));
  });

  it('ends a logged-out session at once, though sessions are kept in memory', async () => {
    const { user, client } = await loggedIn();
    expect(await text(client, '/')).toContain(user.username);
    expect(await text(client, '/')).toContain(user.username);
    const stolen = client.cookies.get('lyceum_session')!;
    expect((await client.post('/logout', {})).status).toBe(303);
    // Replayed with the same browser's CSRF cookie too, as a thief copying the whole cookie jar would.
    const replay = new TestClient(test.app);
    replay.cookies.set('lyceum_session', stolen);
    replay.cookies.set('lyceum_csrf', client.cookies.get('lyceum_csrf')!);
    expect(await text(replay, '/')).not.toContain(user.username);
  });

  it('follows a change of moderator rights made elsewhere, and enforces the new rights on writes', async () => {
    const { user, client } = await loggedIn({ role: 'moderator' });
    const post = await makePost(db, { title: 'Moderated' });
    const comment = await makeComment(db, { postId: post.id, markdown: 'Someone else wrote this' });
    const path = `/posts/${post.id}/moderated`;
    expect(await text(client, path)).toContain('Delete…');
    await db.query("UPDATE users SET role = 'member' WHERE id = $1", [user.id]);
    await eventually(async () => !(await text(client, path)).includes('Delete…'));
    const refused = await client.post(`/comments/${comment.id}/delete`, {});
    expect(refused.status).toBe(403);
  });

  it('remembers a chosen comment order on the very next page', async () => {
    const { client } = await loggedIn();
    const post = await makePost(db, { title: 'Sorted' });
    await makeComment(db, { postId: post.id });
    const path = `/posts/${post.id}/sorted`;
    expect(await text(client, path)).toContain('<a href="?sort=top#comments" aria-current="true">');
    await client.get(`${path}?sort=new`);
    expect(await text(client, path)).toContain('<a href="?sort=new#comments" aria-current="true">');
  });

  it('renders a comment tree once for every reader, each seeing their own votes and controls on it', async () => {
    const author = await loggedIn();
    const reader = await loggedIn();
    const post = await makePost(db, { title: 'Shared thread' });
    const comment = await makeComment(db, { postId: post.id, authorId: author.user.id, markdown: 'First words' });
    const path = `/posts/${post.id}/shared-thread`;
    const voted = await reader.client.post('/votes', {
      targetType: 'comment',
      targetId: comment.id,
      axis: 'agreement',
      kind: 'agree',
      shown: 'none',
      returnTo: path,
    });
    expect(voted.status).toBe(303);

    const asAuthor = await text(author.client, path);
    const asReader = await text(reader.client, path);
    expect(test.caching!.caches.commentTrees.size).toBeGreaterThan(0);
    expect(asAuthor).toContain(`/comments/${comment.id}/edit`);
    expect(asAuthor).toContain('You cannot vote on your own comment.');
    expect(asReader).not.toContain(`/comments/${comment.id}/edit`);
    expect(asReader).toMatch(/aria-label="Agree" aria-pressed="true"/);
    expect(asAuthor).not.toMatch(/aria-label="Agree" aria-pressed="true"/);
    for (const page of [asAuthor, asReader]) {
      expect(page).not.toContain('\0');
      expect(page).toContain(`value="${(page === asAuthor ? author : reader).client.cookies.get('lyceum_csrf')}"`);
    }

    await db.query(`UPDATE comments SET body_html = '<p>Second thoughts</p>' WHERE id = $1`, [comment.id]);
    await eventually(async () => (await text(reader.client, path)).includes('Second thoughts'));
  });

  it('has heard of every change committed before it settles, with no waiting after', async () => {
    const caches = test.caching!.caches;
    const post = await makePost(db, { title: 'Settled' });
    const reader = await loggedIn();
    await reader.client.get(`/posts/${post.id}/settled`);
    await caches.settle();
    expect(caches.commentTrees.get(`${post.id}:top:1`)).toBeDefined();
    await db.query(`UPDATE posts SET title = 'Settled again' WHERE id = $1`, [post.id]);
    await caches.settle();
    expect(caches.commentTrees.get(`${post.id}:top:1`)).toBeUndefined();
  });

  it("shows a writer's comment on the page they are sent back to", async () => {
    const { client } = await loggedIn();
    const post = await makePost(db, { title: 'Busy thread' });
    const path = `/posts/${post.id}/busy-thread`;
    for (let i = 1; i <= 5; i++) {
      await client.get(path);
      const posted = await client.post(`/posts/${post.id}/comments`, { body: `Reply number ${i}`, intent: 'submit' });
      expect(posted.status).toBe(303);
      expect(await text(client, posted.headers.get('location')!.replace(/#.*$/, ''))).toContain(`Reply number ${i}`);
    }
  });
});
