import type { RenderedComment } from '../comments/service.js';
import type { Queryable } from '../db/database.js';
import { Invalid, NotFound } from '../errors.js';
import { visiblePost } from '../policy/visibility.js';

/** A new member's comment, rendered, on its way into the review queue (comments/service.ts addComment). */
export type HeldComment = Omit<RenderedComment, 'linked'>;

/**
 * Puts a comment in pending_comments, apart from the comment tree, with the checks lyceum_add_comment makes (a
 * published live post; a parent on the same post, not deleted), and counts it on its author's row (which the
 * post page reads from the session to know whether to look for it). One transaction; a refusal writes nothing.
 */
export async function holdComment(db: Queryable, comment: HeldComment): Promise<void> {
  await db.transaction(async (tx) => {
    const [check] = await tx.query<{ postLive: boolean; parentPost: string | null; parentDeleted: boolean | null }>(
      `SELECT EXISTS (SELECT 1 FROM posts WHERE id = $1 AND ${visiblePost()}) AS "postLive",
              (SELECT post_id FROM comments WHERE id = $2) AS "parentPost",
              (SELECT deleted FROM comments WHERE id = $2) AS "parentDeleted"`,
      [comment.postId, comment.parentId],
    );
    if (!check?.postLive) throw new NotFound('That post does not exist or is no longer published.');
    if (comment.parentId && check.parentPost !== comment.postId) {
      throw new Invalid('The comment you replied to is not part of this post.', {
        parentId: 'That comment is not part of this post.',
      });
    }
    if (comment.parentId && check.parentDeleted) {
      throw new Invalid('The comment you replied to has been deleted.', { parentId: 'That comment was deleted.' });
    }
    await tx.query(
      `INSERT INTO pending_comments (id, post_id, parent_id, author_id, body_markdown, body_html, excerpt,
                                     excerpt_html, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        comment.id,
        comment.postId,
        comment.parentId,
        comment.authorId,
        comment.markdown,
        comment.html,
        comment.excerpt,
        comment.excerptHtml,
        comment.at,
      ],
    );
    await tx.query('UPDATE users SET pending_comment_count = pending_comment_count + 1 WHERE id = $1', [
      comment.authorId,
    ]);
  });
}
