import type { Queryable } from '../db/database.js';

export interface CommentRow {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string;
  authorUsername: string;
  authorDisplayName: string;
  bodyHtml: string;
  createdAt: Date;
  editedAt: Date | null;
  retracted: boolean;
  deleted: boolean;
  baseScore: number;
}

/** Every comment of a post in one index scan, oldest first; the tree is assembled in memory. */
export async function commentsOfPost(db: Queryable, postId: string): Promise<CommentRow[]> {
  return db.query<CommentRow>(
    `SELECT c.id, c.post_id AS "postId", c.parent_id AS "parentId", c.author_id AS "authorId",
            u.username AS "authorUsername", u.display_name AS "authorDisplayName", c.body_html AS "bodyHtml",
            c.created_at AS "createdAt", c.edited_at AS "editedAt", c.retracted, c.deleted,
            c.base_score AS "baseScore"
       FROM comments c JOIN users u ON u.id = c.author_id
      WHERE c.post_id = $1
      ORDER BY c.created_at, c.id`,
    [postId],
  );
}
