import type { Queryable } from '../db/database.js';
import { liveTag } from '../policy/visibility.js';

/** One of a post's tags as its page shows it. */
export interface PostTagLink {
  tagId: string;
  name: string;
  slug: string;
  /** Below 0 the link is hidden from the tag page and folded away on the post's. */
  relevance: number;
  voteCount: number;
  appliedBy: string;
}

/**
 * A post's links to live tags (hidden ones included, the view folds them), most relevant first: one walk of
 * post_tags' primary key (post_id first) joined to tags by id.
 */
export async function tagsOfPost(db: Queryable, postId: string): Promise<PostTagLink[]> {
  return db.query<PostTagLink>(
    `SELECT t.id AS "tagId", t.name, t.slug, pt.relevance, pt.vote_count AS "voteCount", pt.applied_by AS "appliedBy"
       FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
      WHERE pt.post_id = $1 AND t.deleted_at IS NULL
      ORDER BY pt.relevance DESC, lower(t.name), t.id`,
    [postId],
    true,
  );
}

/** A link as its post's author sees it in the editor: whether they applied it and how they voted on it. */
export interface AuthorLink {
  tagId: string;
  appliedBy: string;
  relevance: number;
  /** The author's own relevance vote's power, or null. */
  authorPower: number | null;
}

/**
 * Every link of the post to a live tag with the author's vote on it (the editor's choices and its save; links to
 * deleted or merged tags are not offered, so a save must not touch them).
 */
export async function authorLinksOfPost(db: Queryable, postId: string, authorId: string): Promise<AuthorLink[]> {
  return db.query<AuthorLink>(
    `SELECT pt.tag_id AS "tagId", pt.applied_by AS "appliedBy", pt.relevance, v.power AS "authorPower"
       FROM post_tags pt
       JOIN tags t ON t.id = pt.tag_id AND ${liveTag('t')}
       LEFT JOIN post_tag_votes v ON v.user_id = $2 AND v.post_id = pt.post_id AND v.tag_id = pt.tag_id
      WHERE pt.post_id = $1
      ORDER BY pt.tag_id`,
    [postId, authorId],
  );
}

/**
 * Whether the editor shows the link as chosen: it is on the post (relevance >= 0) and the author has not voted
 * it down. Unchoosing a link someone else applied is the author's downvote, so it must then read as unchosen.
 */
export function chosenInEditor(link: AuthorLink): boolean {
  return link.relevance >= 0 && (link.authorPower ?? 0) >= 0;
}

/** The tags the editor shows chosen for this post. */
export async function editorTagsOfPost(db: Queryable, postId: string, authorId: string): Promise<string[]> {
  return (await authorLinksOfPost(db, postId, authorId)).filter(chosenInEditor).map((link) => link.tagId);
}
