import type { Queryable } from '../db/database.js';
import { AppError, Forbidden, NotFound } from '../errors.js';
import { type Actor, canModerate } from '../policy/policy.js';
import { recordModeration } from './log.js';

/**
 * The moderators' tools on posts and comments. Each is one transaction that changes the content and writes its
 * moderation_log entry, so the public log never shows an action that did not happen, nor misses one that did.
 * Refusals (not staff, nothing to undo) throw before anything is written.
 */

type Moderator = Actor;

/** Something in the wrong state for the action: already removed, never removed, deleted by its author. */
export class Conflict extends AppError {
  constructor(message: string) {
    super(409, message);
  }
}

function requireModerator(actor: Moderator | null | undefined): Moderator {
  if (!actor || !canModerate(actor)) throw new Forbidden('Only moderators and admins can do that.');
  return actor;
}

interface LockedPost {
  id: string;
  title: string;
  deleted: boolean;
  removedReason: string | null;
  commentsLocked: boolean;
  frontpage: boolean;
}

async function lockPost(tx: Queryable, id: string): Promise<LockedPost> {
  const rows = await tx.query<LockedPost>(
    `SELECT id, title, deleted_at IS NOT NULL AS deleted, removed_reason AS "removedReason",
            comments_locked AS "commentsLocked", frontpage
       FROM posts WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!rows[0]) throw new NotFound('There is no such post.');
  return rows[0];
}

/**
 * Removes a post with a reason shown in its place: deleted_at is set as for any deleted post, so every list,
 * feed, count and search leaves it out (the triggers of migrations 0005 and 0018 keep sequence totals and tag
 * post counts exact), and removed_reason tells the post page to say why.
 */
export async function removePost(db: Queryable, actor: Moderator, postId: string, reason: string): Promise<void> {
  requireModerator(actor);
  await db.transaction(async (tx) => {
    const post = await lockPost(tx, postId);
    if (post.removedReason !== null) throw new Conflict('This post has already been removed by a moderator.');
    if (post.deleted) throw new Conflict('This post was deleted by its author; there is nothing to remove.');
    await tx.query('UPDATE posts SET deleted_at = now(), removed_reason = $2 WHERE id = $1', [postId, reason]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'remove-post',
      targetType: 'post',
      targetId: postId,
      targetLabel: post.title,
      reason,
    });
  });
}

/** Puts a removed post back as it was. A post its author deleted stays deleted: that was their decision. */
export async function restorePost(db: Queryable, actor: Moderator, postId: string, reason: string): Promise<void> {
  requireModerator(actor);
  await db.transaction(async (tx) => {
    const post = await lockPost(tx, postId);
    if (!post.deleted) throw new Conflict('This post was never removed; there is nothing to restore.');
    if (post.removedReason === null) {
      throw new Conflict('This post was deleted by its author, not removed by a moderator; it cannot be restored.');
    }
    await tx.query('UPDATE posts SET deleted_at = NULL, removed_reason = NULL WHERE id = $1', [postId]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'restore-post',
      targetType: 'post',
      targetId: postId,
      targetLabel: post.title,
      reason,
    });
  });
}

interface LockedComment {
  id: string;
  postId: string;
  postTitle: string;
  deleted: boolean;
  removedReason: string | null;
}

/** Locks the comment's post, then the comment: the order addComment and deleteComment take, so none deadlock. */
async function lockComment(tx: Queryable, commentId: string): Promise<LockedComment> {
  const owner = await tx.query<{ postId: string }>('SELECT post_id AS "postId" FROM comments WHERE id = $1', [
    commentId,
  ]);
  if (!owner[0]) throw new NotFound('There is no such comment.');
  const post = await lockPost(tx, owner[0].postId);
  const rows = await tx.query<LockedComment>(
    `SELECT id, post_id AS "postId", deleted, removed_reason AS "removedReason" FROM comments WHERE id = $1 FOR UPDATE`,
    [commentId],
  );
  return { ...rows[0]!, postTitle: post.title };
}

/**
 * Removes a comment with a reason: its text moves to removed_comment_texts and the live row is wiped as an
 * author's deletion wipes it (so no tree, list, feed, search or excerpt can show it), keeping its place in the
 * thread. The post's comment count drops by one, as for a deletion.
 */
export async function removeComment(
  db: Queryable,
  actor: Moderator,
  commentId: string,
  reason: string,
): Promise<{ postId: string }> {
  requireModerator(actor);
  return db.transaction(async (tx) => {
    const comment = await lockComment(tx, commentId);
    if (comment.removedReason !== null) throw new Conflict('This comment has already been removed by a moderator.');
    if (comment.deleted) throw new Conflict('This comment was deleted by its author; there is nothing to remove.');
    await tx.query(
      `INSERT INTO removed_comment_texts (comment_id, body_markdown, body_html, excerpt, excerpt_html)
       SELECT id, body_markdown, body_html, excerpt, excerpt_html FROM comments WHERE id = $1`,
      [commentId],
    );
    await tx.query(
      `UPDATE comments SET deleted = true, removed_reason = $2,
              body_markdown = '', body_html = '', excerpt = '', excerpt_html = ''
        WHERE id = $1`,
      [commentId, reason],
    );
    await tx.query('UPDATE posts SET comment_count = comment_count - 1 WHERE id = $1', [comment.postId]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'remove-comment',
      targetType: 'comment',
      targetId: commentId,
      targetLabel: `comment on ${comment.postTitle}`,
      reason,
    });
    return { postId: comment.postId };
  });
}

/** Puts a removed comment's text back and counts it again. An author's deletion erased the text: nothing to restore. */
export async function restoreComment(
  db: Queryable,
  actor: Moderator,
  commentId: string,
  reason: string,
): Promise<{ postId: string }> {
  requireModerator(actor);
  return db.transaction(async (tx) => {
    const comment = await lockComment(tx, commentId);
    if (!comment.deleted) throw new Conflict('This comment was never removed; there is nothing to restore.');
    if (comment.removedReason === null) {
      throw new Conflict('This comment was deleted by its author and its text is gone; it cannot be restored.');
    }
    const restored = await tx.query(
      `UPDATE comments c SET deleted = false, removed_reason = NULL, body_markdown = r.body_markdown,
              body_html = r.body_html, excerpt = r.excerpt, excerpt_html = r.excerpt_html
         FROM removed_comment_texts r
        WHERE c.id = $1 AND r.comment_id = c.id
       RETURNING c.id`,
      [commentId],
    );
    if (restored.length === 0) throw new Conflict('The text of this comment was not kept; it cannot be restored.');
    await tx.query('DELETE FROM removed_comment_texts WHERE comment_id = $1', [commentId]);
    await tx.query('UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1', [comment.postId]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'restore-comment',
      targetType: 'comment',
      targetId: commentId,
      targetLabel: `comment on ${comment.postTitle}`,
      reason,
    });
    return { postId: comment.postId };
  });
}

/** The two switches a moderator flips on a post: its column, and for each state the log's action and the refusal. */
const POST_SWITCHES = {
  commentsLocked: {
    column: 'comments_locked',
    on: { action: 'lock-comments', already: 'Comments on this post are already locked.' },
    off: { action: 'unlock-comments', already: 'Comments on this post are not locked.' },
  },
  frontpage: {
    column: 'frontpage',
    on: { action: 'move-to-frontpage', already: 'This post is already on the frontpage.' },
    off: { action: 'move-to-personal-blog', already: 'This post is already a personal blog post.' },
  },
} as const;

/** Flips one switch; asking for the state it is already in is refused, so the log stays true. */
async function setPostSwitch(
  db: Queryable,
  actor: Moderator,
  postId: string,
  name: keyof typeof POST_SWITCHES,
  value: boolean,
  reason: string,
): Promise<void> {
  requireModerator(actor);
  const { column, on, off } = POST_SWITCHES[name];
  const state = value ? on : off;
  await db.transaction(async (tx) => {
    const post = await lockPost(tx, postId);
    if (post.deleted) throw new Conflict('This post is deleted or removed.');
    if (post[name] === value) throw new Conflict(state.already);
    await tx.query(`UPDATE posts SET ${column} = $2 WHERE id = $1`, [postId, value]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: state.action,
      targetType: 'post',
      targetId: postId,
      targetLabel: post.title,
      reason,
    });
  });
}

/** Locks or unlocks a post's comments. */
export function setCommentsLocked(db: Queryable, actor: Moderator, postId: string, locked: boolean, reason: string) {
  return setPostSwitch(db, actor, postId, 'commentsLocked', locked, reason);
}

/** Moves a post to the frontpage or to its author's personal blog. */
export function setFrontpage(db: Queryable, actor: Moderator, postId: string, frontpage: boolean, reason: string) {
  return setPostSwitch(db, actor, postId, 'frontpage', frontpage, reason);
}
