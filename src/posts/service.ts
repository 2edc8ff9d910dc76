import { renderPool } from '../content/pool.js';
import type { RenderedContent } from '../content/render.js';
import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { admitWrite, lockWriter } from '../limits/writes.js';
import { type Guidelines, writeGuidelines } from '../moderation/guidelines.js';
import { notifyPost, notifyTagged } from '../notifications/fanout.js';
import { mentionableUsers } from '../notifications/mentions.js';
import { type Actor, canDeletePost, canEditPost } from '../policy/policy.js';
import { recordPostLinks } from '../sequences/links.js';
import { setPostTags } from '../tags/links-service.js';
import { refreshPostMagicScore } from '../votes/ranking.js';
import { applyAuthorVote } from '../votes/service.js';
import { addRevision, diffForRevision, latestRevision } from './revisions.js';
import { postSlug } from './slug.js';
import type { EditorIntent, PostInput } from './validation.js';

export interface NewPost {
  authorId: string;
  title: string;
  markdown: string;
  publish: boolean;
  /** Backdating for demo and generated content; defaults to now. */
  at?: Date;
  note?: string;
  /** The site's BASE_URL: absolute links to it count as links to posts. */
  baseUrl?: string;
  /** Tags the author chose (ids), applied with the post in its transaction. */
  tagIds?: readonly string[];
  /** Publishing waits for review (a new member's, review/rules.ts heldForReview): the post becomes 'pending'. */
  hold?: boolean;
  /** Loaded history (the demo loader), not a member writing now: no write limits (limits/writes.ts). */
  unlimited?: boolean;
  /** The author's moderation guidelines, rendered (moderation/guidelines.ts). */
  guidelines?: Guidelines | undefined;
}

/** Creates a post with its Markdown rendered once, now, so pages only read stored HTML. */
export async function createPost(db: Queryable, post: NewPost): Promise<{ id: string; slug: string }> {
  if (post.publish) requirePublishableBody(post.markdown);
  const id = newId();
  const mentions = await mentionableUsers(db, post.markdown);
  const rendered = await renderPool().render(post.markdown, { docId: id, mentions });
  const slug = postSlug(post.title);
  const at = post.at ?? new Date();
  // A held post is 'pending' from its submission (submitted_at), dated only when a moderator approves it.
  const status = !post.publish ? 'draft' : post.hold ? 'pending' : 'published';
  return db.transaction(async (tx) => {
    // The karma tier's posts per week and a new member's links (limits/writes.ts), under the writer lock until
    // this post is written; the demo loader's history is not written now, so not limited.
    if (post.publish && !post.unlimited) {
      await admitWrite(tx, {
        authorId: post.authorId,
        kind: 'post',
        html: rendered.html,
        baseUrl: post.baseUrl,
        counted: true,
      });
    }
    const html = await recordPostLinks(tx, { kind: 'post', id }, rendered.html, post.baseUrl);
    await tx.query(
      `INSERT INTO posts (id, author_id, title, slug, body_markdown, body_html, excerpt, excerpt_html, word_count,
                          reading_minutes, toc, status, published_at, created_at, updated_at, last_activity_at,
                          revision_count, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $15, $8, $9, $10, $11, $12, $13, $13, $13, $14, $16)`,
      [
        id,
        post.authorId,
        post.title,
        slug,
        post.markdown,
        html,
        rendered.excerpt,
        rendered.wordCount,
        rendered.readingMinutes,
        JSON.stringify(rendered.toc),
        status,
        status === 'published' ? at : null,
        at,
        post.publish ? 1 : 0,
        rendered.excerptHtml,
        status === 'pending' ? at : null,
      ],
    );
    if (post.guidelines) await writeGuidelines(tx, id, post.guidelines);
    // A new post starts with its author's own normal upvote (which scores it for the frontpage, too).
    await applyAuthorVote(tx, { authorId: post.authorId, targetType: 'post', targetId: id });
    if (post.tagIds?.length) await setPostTags(tx, post.authorId, id, post.tagIds);
    if (post.publish) {
      await addRevision(tx, 'post', id, 1, {
        authorId: post.authorId,
        title: post.title,
        markdown: post.markdown,
        html,
        note: post.note ?? '',
        at,
        diff: null,
      });
    }
    // Followers, subscribers of its tags, mentions (notifications/fanout.ts): one statement, once published.
    if (status === 'published') await notifyPost(tx, { id, publication: true, at });
    return { id, slug };
  });
}

interface LockedPost {
  id: string;
  authorId: string;
  title: string;
  bodyMarkdown: string;
  status: 'draft' | 'pending' | 'published';
  deletedAt: Date | null;
  revisionCount: number;
}

/** The post row, locked until the transaction ends so concurrent saves number revisions in turn. */
async function lockPost(tx: Queryable, postId: string): Promise<LockedPost> {
  const rows = await tx.query<LockedPost>(
    `SELECT id, author_id AS "authorId", title, body_markdown AS "bodyMarkdown", status, deleted_at AS "deletedAt",
            revision_count AS "revisionCount"
       FROM posts WHERE id = $1 FOR UPDATE`,
    [postId],
  );
  const post = rows[0];
  if (!post || post.deletedAt) throw new NotFound('This post does not exist or has been deleted.');
  return post;
}

async function writeContent(tx: Queryable, postId: string, input: PostInput, rendered: RenderedContent) {
  await tx.query(
    `UPDATE posts SET title = $2, slug = $3, body_markdown = $4, body_html = $5, excerpt = $6, word_count = $7,
                      reading_minutes = $8, toc = $9, excerpt_html = $10, updated_at = now()
      WHERE id = $1`,
    [
      postId,
      input.title,
      postSlug(input.title),
      input.body,
      rendered.html,
      rendered.excerpt,
      rendered.wordCount,
      rendered.readingMinutes,
      JSON.stringify(rendered.toc),
      rendered.excerptHtml,
    ],
  );
}

export type SaveOutcome = 'saved' | 'published' | 'submitted' | 'revised' | 'unchanged' | 'unpublished';

/**
 * Saves the editor's content with what its button asked for: keep as draft, publish (dates the post the first
 * time), save changes to a published post (a new revision with the author's note), or unpublish.
 */
export async function savePost(
  db: Queryable,
  actor: Actor,
  postId: string,
  input: PostInput,
  intent: Exclude<EditorIntent, 'preview' | 'restore'>,
  /**
   * tagIds: the tags chosen in the editor (undefined: the form had no tag field, leave them). hold: publishing a
   * draft waits for review instead (review/rules.ts heldForReview).
   */
  options: {
    baseUrl?: string;
    tagIds?: readonly string[] | undefined;
    hold?: boolean;
    /** The author's moderation guidelines, rendered; undefined: the form had none, leave them. */
    guidelines?: Guidelines | undefined;
  } = {},
): Promise<SaveOutcome> {
  const revising = intent === 'publish' || intent === 'save';
  if (revising) requirePublishableBody(input.body);
  // The new revision is diffed against the newest one here, before the transaction, so the post row is not
  // held locked while a worker diffs; a save that raced another one is diffed again under the lock (below).
  const text = { title: input.title, body: input.body };
  const latest = revising ? await latestRevision(db, postId) : undefined;
  const mentions = await mentionableUsers(db, input.body);
  const [plain, diff] = await Promise.all([
    renderPool().render(input.body, { docId: postId, mentions }),
    diffForRevision(latest, text),
  ]);
  return db.transaction(async (tx) => {
    // Publishing counts against the author's karma tier (limits/writes.ts): the writer lock comes before the
    // post row, the order every counted write takes them in.
    if (revising) await lockWriter(tx, actor.id);
    const post = await lockPost(tx, postId);
    if (!canEditPost(actor, post)) throw new Forbidden('Only the author can edit this post.');
    if (revising) {
      // A draft going out is counted; a change to a published or pending post only has its links checked.
      const counted = post.status === 'draft';
      await admitWrite(tx, {
        authorId: post.authorId,
        kind: 'post',
        html: plain.html,
        baseUrl: options.baseUrl,
        counted,
      });
    }
    // With the post's text, in its transaction: a save that fails leaves the tags as they were.
    const tagged = options.tagIds ? await setPostTags(tx, post.authorId, postId, options.tagIds) : [];
    if (options.guidelines) await writeGuidelines(tx, postId, options.guidelines);
    const rendered = {
      ...plain,
      html: await recordPostLinks(tx, { kind: 'post', id: postId }, plain.html, options.baseUrl),
    };
    const revision = async (note: string) => {
      const current = (latest?.number ?? 0) === post.revisionCount;
      await addRevision(tx, 'post', postId, post.revisionCount + 1, {
        authorId: post.authorId,
        title: input.title,
        markdown: input.body,
        html: rendered.html,
        note,
        at: new Date(),
        diff: current ? diff : await diffForRevision(await latestRevision(tx, postId), text),
      });
    };

    if (intent === 'draft' || intent === 'unpublish') {
      await writeContent(tx, postId, input, rendered);
      if (post.status === 'draft') return 'saved';
      await tx.query(`UPDATE posts SET status = 'draft' WHERE id = $1`, [postId]);
      return 'unpublished';
    }
    if (post.status === 'draft' && options.hold) {
      // Submitted for review: 'pending' (seen by its author and the staff only) until a moderator approves it,
      // which publishes it dated from this submission (review/service.ts approvePost). A rejection's reason is
      // cleared.
      await writeContent(tx, postId, input, rendered);
      await tx.query(
        `UPDATE posts SET status = 'pending', submitted_at = now(), review_rejection = NULL,
                          revision_count = revision_count + 1
          WHERE id = $1`,
        [postId],
      );
      await revision(input.note);
      return 'submitted';
    }
    if (post.status === 'draft') {
      // Publishing (again): the first publication dates the post; republishing keeps that date, so toggling
      // cannot lift an old post back to the top of the frontpage.
      await writeContent(tx, postId, input, rendered);
      await tx.query(
        `UPDATE posts SET status = 'published', published_at = coalesce(published_at, now()),
                          last_activity_at = greatest(last_activity_at, coalesce(published_at, now())),
                          revision_count = revision_count + 1
          WHERE id = $1`,
        [postId],
      );
      await refreshPostMagicScore(tx, postId);
      await revision(input.note);
      await notifyPost(tx, { id: postId, publication: true });
      return 'published';
    }
    if (input.title === post.title && input.body === post.bodyMarkdown) return 'unchanged';
    await writeContent(tx, postId, input, rendered);
    await tx.query('UPDATE posts SET revision_count = revision_count + 1, last_revised_at = now() WHERE id = $1', [
      postId,
    ]);
    await revision(input.note);
    // Only members the revision newly mentions, and subscribers of tags newly on it, hear of it.
    await notifyPost(tx, { id: postId, publication: false });
    await notifyTagged(tx, postId, tagged, actor.id);
    return 'revised';
  });
}

/** Soft delete: the post disappears from every page; its rows stay for moderators and history. */
export async function deletePost(db: Queryable, actor: Actor, postId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const post = await lockPost(tx, postId);
    if (!canDeletePost(actor, post)) throw new Forbidden('Only the author or a moderator can delete this post.');
    await tx.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [postId]);
  });
}

/** A draft may be empty; a published post may not. */
function requirePublishableBody(markdown: string): void {
  if (markdown.trim() === '')
    throw new Invalid('A published post needs a body.', { body: 'Write something before publishing.' });
}
