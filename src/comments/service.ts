import { renderPool } from '../content/pool.js';
import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import {
  ADMISSION_COLUMNS,
  type Admission,
  admitCall,
  admitWrite,
  refusalOf,
  type WriteToAdmit,
} from '../limits/writes.js';
import { BANNED_BY_AUTHOR, COMMENTS_LOCKED, commentRefusal } from '../moderation/authors.js';
import { commentFanout, commentFanoutParams, FANOUT_DONE } from '../notifications/fanout.js';
import { mentionableUsers, mentionedUsernames } from '../notifications/mentions.js';
import { type Actor, canDeleteComment, canEditComment, canRetractComment } from '../policy/policy.js';
import { holdComment } from '../review/hold.js';
import { linkedPostIds, recordPostLinks, titleLinks } from '../sequences/links.js';

export interface NewComment {
  postId: string;
  parentId?: string | null | undefined;
  authorId: string;
  markdown: string;
  at?: Date;
  /** The site's BASE_URL: absolute links to it count as links to posts. */
  baseUrl?: string;
  /** Hold it for review (a new member's, review/rules.ts heldForReview) instead of adding it. */
  hold?: boolean;
  /** Loaded history (the demo loader), not a member writing now: no write limits (limits/writes.ts). */
  unlimited?: boolean;
}

/** What lyceum_add_comment (migrations 0012, 0022) answers. */
type AddOutcome =
  | 'added'
  | 'post_gone'
  | 'parent_elsewhere'
  | 'parent_deleted'
  | 'comments_locked'
  | 'banned_by_author';

/**
 * Adds a comment with its author's own upvote, its links to posts, and the post's comment count and last
 * activity. Rendering happens first (in the worker pool), and so does reading the titles of linked posts (only
 * when the text links to posts); the write is then one statement (insertComment), which locks the post row for
 * that one round trip, so concurrent comments on a busy post keep its count exact and wait for each other for one
 * statement. A refusal writes nothing.
 */
export async function addComment(db: Queryable, input: NewComment): Promise<{ id: string; pending?: true }> {
  // A comment held for review does not go through lyceum_add_comment, which refuses locked posts and the
  // author's banned commenters (migration 0022) until it is approved: refuse it now rather than after a wait.
  if (input.hold) {
    const refusal = await commentRefusal(db, input.postId, input.authorId);
    if (refusal) throw new Forbidden(refusal);
  }
  const id = newId();
  // @mentions of members who exist become links (looked up only when the text has an `@name`).
  const mentions = await mentionableUsers(db, input.markdown);
  const rendered = await renderPool().render(input.markdown, { docId: id, mentions });
  const at = input.at ?? new Date();
  // Titles as of saving (render on write), as recordPostLinks gives them; a post retitled meanwhile keeps the
  // title read here either way.
  const linked = linkedPostIds(rendered.html, input.baseUrl);
  const html = await titleLinks(db, { kind: 'comment', id }, rendered.html, input.baseUrl);
  const row = { id, postId: input.postId, parentId: input.parentId || null, authorId: input.authorId, at };
  const body = { markdown: input.markdown, html, excerpt: rendered.excerpt, excerptHtml: rendered.excerptHtml };
  // The karma tier's comments per day (counted under the member's writer lock, with this write) and a new
  // member's links to other sites (limits/writes.ts); the demo loader's history is not written now, so not limited.
  const admit: WriteToAdmit | undefined = input.unlimited
    ? undefined
    : { authorId: input.authorId, kind: 'comment', html, baseUrl: input.baseUrl, counted: true };
  // A new member's comment waits in the review queue instead (review/hold.ts); approving it comes back here.
  if (input.hold) {
    return db.transaction(async (tx) => {
      if (admit) await admitWrite(tx, admit);
      await holdComment(tx, { ...row, ...body });
      return { id, pending: true as const };
    });
  }
  await insertComment(db, { ...row, ...body, linked }, admit);
  return { id };
}

/** A rendered comment as lyceum_add_comment takes it (addComment, and approving a comment held for review). */
export interface RenderedComment {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string;
  markdown: string;
  html: string;
  excerpt: string;
  excerptHtml: string;
  at: Date;
  /** The posts its text links to (linkedPostIds). */
  linked: string[];
}

/**
 * The write of addComment, one statement: lyceum_add_comment (migrations 0012, 0022) checks the post and the
 * parent and adds the comment under the post's row lock, refusing (and writing nothing) when either is gone; the
 * notifications it causes are made in the same statement (notifications/fanout.ts), so the lock is held for this
 * one round trip. With `admit`, the statement first asks lyceum_admit_write (migration 0020) whether the author may
 * write it now, and adds it only if so (the writer lock it takes holds until the statement's transaction ends).
 */
export async function insertComment(db: Queryable, comment: RenderedComment, admit?: WriteToAdmit): Promise<void> {
  const call = admit && admitCall(admit, 11);
  const add = 'lyceum_add_comment($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';
  const params: unknown[] = [
    comment.id,
    comment.postId,
    comment.parentId,
    comment.authorId,
    comment.markdown,
    comment.html,
    comment.excerpt,
    comment.excerptHtml,
    comment.at,
    comment.linked,
    ...(call?.params ?? []),
  ];
  const mentioned = params.length + 1;
  params.push(...commentFanoutParams(mentionedUsernames(comment.html)));
  const adding = call
    ? `SELECT ${ADMISSION_COLUMNS}, CASE WHEN a.outcome = 'admitted' THEN ${add} END AS "added" FROM ${call.sql} a`
    : `SELECT ${add} AS "added"`;
  const fanout = commentFanout({
    comment: '$1',
    post: '$2',
    parent: '$3',
    author: '$4',
    at: '$9',
    mentioned: `$${mentioned}`,
    digest: mentioned + 1,
    added: `(SELECT "added" FROM added) = 'added'`,
  });
  // MATERIALIZED: the comment is added once, whether or not anyone is notified.
  const [row] = await db.query<{ added: AddOutcome | null } & Partial<Admission>>(
    `WITH RECURSIVE added AS MATERIALIZED (${adding}), ${fanout} SELECT a.*, ${FANOUT_DONE} FROM added a`,
    params,
    // Planning it took a third as long as running it: its text is one of two, prepared once per connection.
    true,
  );
  const refusal = admit && refusalOf(row as unknown as Admission, admit);
  if (refusal) throw refusal;
  switch (row!.added) {
    case 'post_gone':
      throw new NotFound('That post does not exist or is no longer published.');
    case 'parent_elsewhere':
      throw new Invalid('The comment you replied to is not part of this post.', {
        parentId: 'That comment is not part of this post.',
      });
    case 'parent_deleted':
      throw new Invalid('The comment you replied to has been deleted.', { parentId: 'That comment was deleted.' });
    case 'comments_locked':
      throw new Forbidden(COMMENTS_LOCKED);
    case 'banned_by_author':
      throw new Forbidden(BANNED_BY_AUTHOR);
    default:
  }
}

interface LockedComment {
  id: string;
  postId: string;
  authorId: string;
  bodyMarkdown: string;
  bodyHtml: string;
  deleted: boolean;
  retracted: boolean;
}

async function lockComment(tx: Queryable, id: string): Promise<LockedComment> {
  const rows = await tx.query<LockedComment>(
    `SELECT id, post_id AS "postId", author_id AS "authorId", body_markdown AS "bodyMarkdown",
            body_html AS "bodyHtml", deleted, retracted
       FROM comments WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const comment = rows[0];
  if (!comment || comment.deleted) throw new NotFound('That comment does not exist or has been deleted.');
  return comment;
}

/** Replaces a comment's text, keeping the replaced text in its history. */
export async function editComment(
  db: Queryable,
  actor: Actor,
  id: string,
  markdown: string,
  baseUrl?: string,
): Promise<{ postId: string }> {
  const mentions = await mentionableUsers(db, markdown);
  const rendered = await renderPool().render(markdown, { docId: id, mentions });
  return db.transaction(async (tx) => {
    const comment = await lockComment(tx, id);
    if (!canEditComment(actor, comment)) throw new Forbidden('Only the author can edit this comment.');
    if (comment.bodyMarkdown === markdown) return { postId: comment.postId };
    // An edit is not counted against the karma tier, but a new member's links to other sites are.
    await admitWrite(tx, { authorId: comment.authorId, kind: 'comment', html: rendered.html, baseUrl, counted: false });
    const html = await recordPostLinks(tx, { kind: 'comment', id }, rendered.html, baseUrl);
    await tx.query('INSERT INTO comment_revisions (id, comment_id, body_markdown, body_html) VALUES ($1, $2, $3, $4)', [
      newId(),
      id,
      comment.bodyMarkdown,
      comment.bodyHtml,
    ]);
    await tx.query(
      `UPDATE comments SET body_markdown = $2, body_html = $3, excerpt = $4, excerpt_html = $5, edited_at = now()
        WHERE id = $1`,
      [id, markdown, html, rendered.excerpt, rendered.excerptHtml],
    );
    return { postId: comment.postId };
  });
}

/** Retracts (strikes through, still readable) or un-retracts a comment. */
export async function setRetracted(
  db: Queryable,
  actor: Actor,
  id: string,
  retracted: boolean,
): Promise<{ postId: string }> {
  return db.transaction(async (tx) => {
    const comment = await lockComment(tx, id);
    if (!canRetractComment(actor, comment)) throw new Forbidden('Only the author can retract this comment.');
    await tx.query('UPDATE comments SET retracted = $2 WHERE id = $1', [id, retracted]);
    return { postId: comment.postId };
  });
}

/**
 * Deletes a comment: its text is gone for good; it shows as "[deleted]" while replies hang below it and
 * disappears otherwise. The post's comment count drops by one in the same transaction (post locked first, in
 * the same order addComment takes its locks).
 */
export async function deleteComment(db: Queryable, actor: Actor, id: string): Promise<{ postId: string }> {
  return db.transaction(async (tx) => {
    const owner = await tx.query<{ postId: string }>('SELECT post_id AS "postId" FROM comments WHERE id = $1', [id]);
    if (!owner[0]) throw new NotFound('That comment does not exist or has been deleted.');
    await tx.query('SELECT id FROM posts WHERE id = $1 FOR UPDATE', [owner[0].postId]);
    const comment = await lockComment(tx, id);
    if (!canDeleteComment(actor, comment)) {
      throw new Forbidden('Only the author or a moderator can delete this comment.');
    }
    await tx.query(
      `UPDATE comments SET deleted = true, body_markdown = '', body_html = '', excerpt = '', excerpt_html = '' WHERE id = $1`,
      [id],
    );
    await tx.query('DELETE FROM comment_revisions WHERE comment_id = $1', [id]);
    await tx.query('UPDATE posts SET comment_count = comment_count - 1 WHERE id = $1', [comment.postId]);
    return { postId: comment.postId };
  });
}

/** Remembers the comment order a user chose, for their next visit to any post. */
export async function rememberCommentSort(db: Queryable, userId: string, sort: string): Promise<void> {
  await db.query('UPDATE users SET comment_sort = $2 WHERE id = $1', [userId, sort]);
}
