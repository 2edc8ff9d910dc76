import { renderContent } from '../content/render.js';
import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Invalid, NotFound } from '../errors.js';

export interface NewComment {
  postId: string;
  parentId?: string | null | undefined;
  authorId: string;
  markdown: string;
  at?: Date;
}

/**
 * Adds a comment and bumps the post's comment count and last activity in the same transaction. Locking the
 * post row serializes concurrent comments on one post, so the count stays exact.
 */
export async function addComment(db: Queryable, input: NewComment): Promise<{ id: string }> {
  const rendered = renderContent(input.markdown);
  const at = input.at ?? new Date();
  return db.transaction(async (tx) => {
    const posts = await tx.query<{ id: string }>(
      `SELECT id FROM posts WHERE id = $1 AND status = 'published' AND deleted_at IS NULL FOR UPDATE`,
      [input.postId],
    );
    if (posts.length === 0) throw new NotFound('That post does not exist or is no longer published.');
    if (input.parentId) {
      const parents = await tx.query<{ postId: string }>('SELECT post_id AS "postId" FROM comments WHERE id = $1', [
        input.parentId,
      ]);
      if (parents[0]?.postId !== input.postId) {
        throw new Invalid('The comment you replied to is not part of this post.', {
          parentId: 'That comment is not part of this post.',
        });
      }
    }
    const id = newId();
    await tx.query(
      `INSERT INTO comments (id, post_id, parent_id, author_id, body_markdown, body_html, excerpt, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, input.postId, input.parentId ?? null, input.authorId, input.markdown, rendered.html, rendered.excerpt, at],
    );
    await tx.query(
      `UPDATE posts SET comment_count = comment_count + 1, last_activity_at = greatest(last_activity_at, $2)
        WHERE id = $1`,
      [input.postId, at],
    );
    return { id };
  });
}
