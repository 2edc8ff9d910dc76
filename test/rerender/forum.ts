// A small forum holding one row of every kind of stored rendering, saved through the services, for the
// rerender tests; and ways to make its renderings look as if an older pipeline had made them.

import { editComment } from '../../src/comments/service.js';
import { renderPool } from '../../src/content/pool.js';
import type { Queryable } from '../../src/db/database.js';
import { renderGuidelines, writeGuidelines } from '../../src/moderation/guidelines.js';
import { savePost } from '../../src/posts/service.js';
import { createSequence } from '../../src/sequences/service.js';
import { createTag, editTag } from '../../src/tags/service.js';
import { updateProfile } from '../../src/users/queries.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';

export interface Forum {
  authorId: string;
  /** Linked to by the post and the comment (their links carry its title). */
  targetId: string;
  postId: string;
  commentId: string;
  sequenceId: string;
  /** A tag whose description was edited once (two revisions). */
  tagId: string;
}

const POST = `# Estimates

The bound $\\sum_k a_k \\le \\epsilon$ holds[^1], as [the target](/posts/TARGET) shows.

## Proof

Trivial.

[^1]: For every $k$.`;

/**
 * An author with a bio, a post revised once, a comment edited once, a sequence, and a tag described and edited
 * once: all saved as users save.
 */
export async function makeForum(db: Queryable): Promise<Forum> {
  const author = await makeUser(db);
  const actor = actorOf(author.id);
  const bio = 'I study *estimates*[^b].\n\n[^b]: Mostly $\\epsilon$.';
  await updateProfile(db, author.id, {
    displayName: author.username,
    bioMarkdown: bio,
    bioHtml: await renderPool().renderHtml(bio, { field: 'bio' }),
  });
  const target = await makePost(db, { title: 'The linked target' });
  const markdown = POST.replace('TARGET', target.id);
  const post = await makePost(db, { authorId: author.id, markdown });
  await savePost(
    db,
    actor,
    post.id,
    { title: post.title, body: `${markdown}\n\nA second thought.`, note: 'more' },
    'save',
  );
  // The author's moderation guidelines, saved as the editor saves them.
  await writeGuidelines(db, post.id, await renderGuidelines('Be kind; cite $p$-values[^g].\n\n[^g]: Exact ones.'));
  const comment = await makeComment(db, { postId: post.id, markdown: 'A first reply.' });
  await editComment(
    db,
    actorOf(comment.authorId),
    comment.id,
    `See [this](/posts/${target.id}) and $x^2$[^c].\n\n[^c]: Yes.`,
  );
  const sequence = await createSequence(db, {
    authorId: author.id,
    title: 'A sequence',
    description: 'Posts on $\\epsilon$-bounds[^s].\n\n[^s]: In order.',
  });
  // The author may tag as a moderator (whatever their karma); each forum's tag needs a name of its own.
  const tagger = actorOf(author.id, { karma: 0, role: 'moderator' });
  const tagName = `Bounds ${author.username}`;
  const description = 'Estimates of $\\epsilon$[^t].\n\n[^t]: Tight ones.';
  const tag = await createTag(db, tagger, { name: tagName, description });
  await editTag(db, tagger, tag.id, { name: tagName, description: `${description}\n\nAnd loose ones.`, note: '' });
  return {
    authorId: author.id,
    targetId: target.id,
    postId: post.id,
    commentId: comment.id,
    sequenceId: sequence.id,
    tagId: tag.id,
  };
}

/** Every stored rendering of the forum's rows, to compare before and after. */
export async function renderings(db: Queryable, forum: Forum) {
  const one = async (sql: string, id: string) => (await db.query(sql, [id]))[0];
  return {
    post: await one(
      'SELECT body_html, excerpt, excerpt_html, word_count, reading_minutes, toc, guidelines_html FROM posts WHERE id = $1',
      forum.postId,
    ),
    revisions: await db.query('SELECT number, body_html FROM post_revisions WHERE post_id = $1 ORDER BY number', [
      forum.postId,
    ]),
    comment: await one('SELECT body_html, excerpt, excerpt_html FROM comments WHERE id = $1', forum.commentId),
    commentRevisions: await db.query('SELECT body_html FROM comment_revisions WHERE comment_id = $1', [
      forum.commentId,
    ]),
    sequence: await one(
      'SELECT description_html, description_excerpt, description_excerpt_html FROM sequences WHERE id = $1',
      forum.sequenceId,
    ),
    tag: await one(
      'SELECT description_html, description_excerpt, description_excerpt_html FROM tags WHERE id = $1',
      forum.tagId,
    ),
    tagRevisions: await db.query('SELECT number, body_html FROM tag_revisions WHERE tag_id = $1 ORDER BY number', [
      forum.tagId,
    ]),
    bio: await one('SELECT bio_html FROM users WHERE id = $1', forum.authorId),
  };
}

export const OLD_HTML = '<p>rendered by an older pipeline</p>';

/** Makes every rendering of the forum look as an older pipeline left it (no HTML excerpts, as before 0014). */
export async function makeStale(db: Queryable, forum: Forum): Promise<void> {
  await db.query(
    `UPDATE posts SET body_html = $2, excerpt = 'old', excerpt_html = '', word_count = 1, reading_minutes = 9,
                      toc = '[]', guidelines_html = $2
      WHERE id = $1`,
    [forum.postId, OLD_HTML],
  );
  await db.query('UPDATE post_revisions SET body_html = $2 WHERE post_id = $1 AND number = 1', [
    forum.postId,
    OLD_HTML,
  ]);
  await db.query(`UPDATE comments SET body_html = $2, excerpt = 'old', excerpt_html = '' WHERE id = $1`, [
    forum.commentId,
    OLD_HTML,
  ]);
  await db.query('UPDATE comment_revisions SET body_html = $2 WHERE comment_id = $1', [forum.commentId, OLD_HTML]);
  await db.query(
    `UPDATE sequences SET description_html = $2, description_excerpt = 'old', description_excerpt_html = ''
      WHERE id = $1`,
    [forum.sequenceId, OLD_HTML],
  );
  await db.query(
    `UPDATE tags SET description_html = $2, description_excerpt = 'old', description_excerpt_html = '' WHERE id = $1`,
    [forum.tagId, OLD_HTML],
  );
  await db.query('UPDATE tag_revisions SET body_html = $2 WHERE tag_id = $1 AND number = 1', [forum.tagId, OLD_HTML]);
  await db.query('UPDATE users SET bio_html = $2 WHERE id = $1', [forum.authorId, OLD_HTML]);
}

/** Row versions (xmin) of every row holding the forum's renderings: they change whenever a row is written. */
export async function rowVersions(db: Queryable, forum: Forum): Promise<string[]> {
  const rows = await db.query<{ v: string }>(
    `SELECT xmin::text AS v FROM posts WHERE id = $1
     UNION ALL SELECT xmin::text FROM post_revisions WHERE post_id = $1
     UNION ALL SELECT xmin::text FROM comments WHERE id = $2
     UNION ALL SELECT xmin::text FROM comment_revisions WHERE comment_id = $2
     UNION ALL SELECT xmin::text FROM sequences WHERE id = $3
     UNION ALL SELECT xmin::text FROM users WHERE id = $4
     UNION ALL SELECT xmin::text FROM tags WHERE id = $5
     UNION ALL SELECT xmin::text FROM tag_revisions WHERE tag_id = $5`,
    [forum.postId, forum.commentId, forum.sequenceId, forum.authorId, forum.tagId],
  );
  return rows.map((r) => r.v);
}
