import { describe, expect, it } from 'vitest';
import { addComment } from '../../src/comments/service.js';
import { newId } from '../../src/db/ids.js';
import { Invalid, NotFound } from '../../src/errors.js';
import { useTestDatabase } from '../helpers/app.js';
import { refusal } from '../helpers/errors.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { countingRoundTrips } from '../helpers/round-trips.js';
import { userWithKarma } from '../votes/setup.js';

const { db } = useTestDatabase();

/** What a comment adds anywhere: rows by this author, and the post's count and last activity. */
async function footprint(authorId: string, postId: string) {
  const [row] = await db.query<{ comments: number; votes: number; links: number; count: number; activity: Date }>(
    `SELECT (SELECT count(*)::int FROM comments WHERE author_id = $1) AS comments,
            (SELECT count(*)::int FROM votes WHERE user_id = $1) AS votes,
            (SELECT count(*)::int FROM post_links l JOIN comments c ON c.id = l.source_id
              WHERE l.source_kind = 'comment' AND c.author_id = $1) AS links,
            p.comment_count AS count, p.last_activity_at AS activity
       FROM posts p WHERE p.id = $2`,
    [authorId, postId],
  );
  return row!;
}

describe('adding a comment', () => {
  it('writes in one statement, with the author’s vote and the post’s count and last activity', async () => {
    const author = await userWithKarma(db, 1_500); // normal vote power 2
    const post = await makePost(db, { at: new Date(Date.now() - 3_600_000) });
    const counted = countingRoundTrips(db);
    const at = new Date();
    const { id } = await addComment(counted.db, { postId: post.id, authorId: author.id, markdown: 'Plain *text*', at });
    // The comment and the notifications it causes in one statement, so the post's row is locked for one round trip.
    expect(counted.counts).toEqual({ queries: 1, transactions: 0 });
    const [row] = await db.query<{ html: string; score: number; votes: number; created: Date }>(
      `SELECT body_html AS html, base_score AS score, vote_count AS votes, created_at AS created
         FROM comments WHERE id = $1`,
      [id],
    );
    expect(row).toMatchObject({ score: 2, votes: 1, created: at });
    expect(row!.html).toContain('Plain <em>text</em>');
    expect(await footprint(author.id, post.id)).toMatchObject({
      comments: 1,
      votes: 1,
      links: 0,
      count: 1,
      activity: at,
    });
    const told = await db.query<{ kind: string }>(
      'SELECT kind FROM notifications WHERE comment_id = $1 AND user_id = $2',
      [id, post.authorId],
    );
    expect(told).toEqual([{ kind: 'post_comment' }]);
  });

  it('reads linked posts’ titles first, then records the links with the comment, titling published posts only', async () => {
    const author = await makeUser(db);
    const host = await makePost(db, { title: 'Host' });
    const target = await makePost(db, { title: 'Published target' });
    const draft = await makePost(db, { title: 'Secret draft', publish: false });
    const counted = countingRoundTrips(db);
    const { id } = await addComment(counted.db, {
      postId: host.id,
      authorId: author.id,
      markdown: `See [one](/posts/${target.id}) and [two](/posts/${draft.id}).`,
    });
    expect(counted.counts).toEqual({ queries: 2, transactions: 0 });
    const [row] = await db.query<{ html: string }>('SELECT body_html AS html FROM comments WHERE id = $1', [id]);
    expect(row!.html).toContain(`href="/posts/${target.id}" title="Published target"`);
    expect(row!.html).not.toContain('Secret draft');
    const links = await db.query<{ target: string }>(
      `SELECT target_post_id AS target FROM post_links WHERE source_kind = 'comment' AND source_id = $1`,
      [id],
    );
    expect(links.map((l) => l.target).sort()).toEqual([target.id, draft.id].sort());
  });

  it('refuses a comment on a missing, draft or deleted post before looking at the parent, writing nothing', async () => {
    const author = await makeUser(db);
    const other = await makeComment(db);
    const draft = await makePost(db, { publish: false });
    const deleted = await makePost(db);
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [deleted.id]);
    for (const postId of [newId(), draft.id, deleted.id]) {
      const error = await refusal(
        addComment(db, {
          postId,
          parentId: other.id,
          authorId: author.id,
          markdown: `Links [x](/posts/${other.postId})`,
        }),
      );
      expect(error).toBeInstanceOf(NotFound);
      expect(error.message).toBe('That post does not exist or is no longer published.');
    }
    expect(await footprint(author.id, deleted.id)).toMatchObject({ comments: 0, votes: 0, links: 0, count: 0 });
  });

  it('refuses a reply to a comment of another post, a missing one or a deleted one, writing nothing', async () => {
    const author = await makeUser(db);
    const post = await makePost(db);
    const foreign = await makeComment(db);
    const gone = await makeComment(db, { postId: post.id });
    await db.query('UPDATE comments SET deleted = true WHERE id = $1', [gone.id]);
    const before = await footprint(author.id, post.id);
    const reply = (parentId: string) =>
      refusal(addComment(db, { postId: post.id, parentId, authorId: author.id, markdown: 'A reply' }));

    for (const parentId of [foreign.id, newId()]) {
      const error = await reply(parentId);
      expect(error).toBeInstanceOf(Invalid);
      expect(error.message).toBe('The comment you replied to is not part of this post.');
      expect(error.fields).toEqual({ parentId: 'That comment is not part of this post.' });
    }
    const error = await reply(gone.id);
    expect(error.message).toBe('The comment you replied to has been deleted.');
    expect(error.fields).toEqual({ parentId: 'That comment was deleted.' });
    expect(await footprint(author.id, post.id)).toEqual(before);
  });

  it('joins the caller’s transaction: rolled back with it, nothing of the comment remains', async () => {
    const author = await makeUser(db);
    const post = await makePost(db);
    const before = await footprint(author.id, post.id);
    await expect(
      db.transaction(async (tx) => {
        await addComment(tx, { postId: post.id, authorId: author.id, markdown: 'Never mind' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await footprint(author.id, post.id)).toEqual(before);
  });
});
