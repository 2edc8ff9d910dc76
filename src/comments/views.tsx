import { raw } from 'hono/html';
import type { SessionUser } from '../accounts/queries.js';
import { keepRecent } from '../cache/recent.js';
import { ID_LENGTH, isId } from '../db/ids.js';
import { removeCommentControlHtml, removedNote, restoreCommentControlHtml } from '../moderation/controls.js';
import { subscriptionPath } from '../notifications/links.js';
import { type CommentRights, canReport, commentRights } from '../policy/policy.js';
import { commentPath, postPath } from '../posts/paths.js';
import { reportPath } from '../reports/paths.js';
import type { VoteKind } from '../votes/kinds.js';
import { fillVoteForm, voteButtonsHtml, voteFormPieces } from '../votes/views.js';
import { type HtmlEscapedString, html } from '../web/html.js';
import { CSRF_FIELD } from '../web/middleware.js';
import {
  fillSlots,
  fillSlotsToBytes,
  joinSlots,
  type SlotFill,
  type SlottedBytes,
  slot,
  slotsAt,
  splitSlots,
  splitSlotsToBytes,
} from '../web/slots.js';
import { timeHtml } from '../web/time.js';
import type { ShownNode, ThreadPage } from './paging.js';
import { type CommentRow, type CommentScores, commentRowsBytes } from './queries.js';

/** Indentation stops growing past this depth; deeper replies name whom they answer instead. */
export const MAX_INDENT_DEPTH = 8;

/** What every comment on a page needs to know about the page and the reader. */
export interface ThreadContext {
  post: { id: string; slug: string };
  user: SessionUser | null;
  csrfToken: string;
  /** Comments by others newer than this are marked "new". */
  newSince?: Date | undefined;
  /** The comment a permalink points at. */
  focusId?: string | undefined;
  /** The reader's current votes on this page's comments (readerOnPostPage). */
  votes?: Map<string, { karma: VoteKind | null; agreement: VoteKind | null }> | undefined;
  /** Rendering for every reader at once: the reader's parts become slots (renderSharedCommentHeads). */
  shared?: boolean;
}

export function isNewComment(comment: CommentRow, ctx: ThreadContext): boolean {
  // Compared as numbers: `>` on two Dates converts each through valueOf, a measurable part of a busy thread's
  // views, which ask this of every comment shown.
  return (
    !!ctx.newSince &&
    !comment.deleted &&
    comment.authorId !== ctx.user?.id &&
    comment.createdAt.getTime() > ctx.newSince.getTime()
  );
}

/**
 * The row under a comment: votes, reply, links, and the author's or a moderator's controls. For a logged-in
 * reader it is made from the comment's actions template (actionsTemplate), which a rendered comment tree keeps:
 * filling it per view is a few string joins, where rendering it again for each of a thousand comments was
 * most of a logged-in post page's cost.
 */
function commentActionsHtml(
  comment: CommentRow,
  ctx: ThreadContext,
  scores: CommentScores = comment,
  into?: string[],
): string {
  if (!ctx.user) {
    const returnTo = `${postPath(ctx.post)}#comment-${comment.id}`;
    const votes = (axis: 'karma' | 'agreement') =>
      voteButtonsHtml({
        targetType: 'comment',
        targetId: comment.id,
        axis,
        score: axis === 'karma' ? scores.baseScore : scores.agreementScore,
        voteCount: axis === 'karma' ? scores.voteCount : scores.agreementVoteCount,
        current: null,
        returnTo,
        loggedIn: false,
      });
    return String(
      html`<div class="comment-actions">${votes('karma')}${votes('agreement')}<a href="${commentPath(ctx.post, comment.id)}">Permalink</a>${parentLink(comment, ctx.post)}${reportLink(comment)}</div>`,
    );
  }
  const rights = commentRights(ctx.user, comment);
  const current = ctx.votes?.get(comment.id);
  const made = actionsTemplate(comment, ctx.post);
  return fillSlots(
    made.frame,
    (name, _, out) => {
      if (name === ID_SLOT) return comment.id;
      if (name === PARENT_SLOT) return comment.parentId ?? '';
      // Report for everyone but the author: a shared segment (filled for no one) has it, the author's own has not.
      if (name === 'own') {
        return `${canReport(ctx.user, comment) ? reportLink(comment) : ''}${ownControlsHtml(comment, ctx, rights)}`;
      }
      const axis = name === 'karma' ? 'karma' : 'agreement';
      const state = {
        axis,
        targetType: 'comment',
        targetId: comment.id,
        current: current?.[axis] ?? null,
        disabled: !rights.canVote,
        score: axis === 'karma' ? scores.baseScore : scores.agreementScore,
        voteCount: axis === 'karma' ? scores.voteCount : scores.agreementVoteCount,
      } as const;
      fillVoteForm(made[axis], state, out);
      return undefined;
    },
    into,
  );
}

/**
 * A comment's actions as this logged-in reader sees them, whole: for the page's script to put in place of every
 * reader's where they differ (the author's own controls, comments/marks.ts).
 */
export function readerCommentActionsHtml(comment: CommentRow, ctx: ThreadContext, scores?: CommentScores): string {
  return commentActionsHtml(comment, ctx, scores ?? comment);
}

/**
 * A comment's actions for logged-in readers, split at what differs per reader (see fillVoteForm) and, when made
 * from the post's shape (actionsTemplate), at the comment's ids ("id" and "parent" slots).
 */
export interface ActionsTemplate {
  frame: string[];
  karma: string[];
  agreement: string[];
}

/** The slots a shape has where the comment's id and its parent's go (votes/views.tsx fillVoteForm fills "id" too). */
const ID_SLOT = 'id';
const PARENT_SLOT = 'parent';

/**
 * A comment's actions template: the same markup on every comment of a post but for the comment's id and its
 * parent's, so it is made once per post and shape, with slots for the ids (actionsShape), and shared by every
 * comment of the post. Rendering it for each comment was two thirds of assembling a tree, and keeping a copy with
 * the ids put in for each comment was a third of what a kept tree weighed.
 */
function actionsTemplate(comment: CommentRow, post: ThreadContext['post']): ActionsTemplate {
  const shape = actionsShape(post, comment.parentId !== null);
  if (!shape || !isId(comment.id) || (comment.parentId !== null && !isId(comment.parentId))) {
    return renderActionsTemplate(comment, post);
  }
  return shape;
}

// Stand-ins as long as an id, with "~" (in no id, slug or markup of the template, kept by escaping and by
// encodeURIComponent alike), so the template's own markup and links are made as for a real id, then become slots.
const COMMENT_STAND_IN = '~comment~~~~~~~~~';
const PARENT_STAND_IN = '~parent~~~~~~~~~~';
/** Shapes kept, by post and whether the comment is a reply: those of the posts being rendered lately. */
const shapes = new Map<string, ActionsTemplate | null>();
const SHAPES_KEPT = 1_000;

/**
 * The post's actions template with slots for the ids, or null if putting ids into them would not give what
 * rendering gives (checked once, with an example id, when the shape is made).
 */
function actionsShape(post: ThreadContext['post'], reply: boolean): ActionsTemplate | null {
  const key = `${post.id}/${post.slug}/${reply}`;
  let shape = shapes.get(key);
  if (shape === undefined) {
    const standIn = { id: COMMENT_STAND_IN, parentId: reply ? PARENT_STAND_IN : null } as CommentRow;
    const made = renderActionsTemplate(standIn, post);
    const ids = { [COMMENT_STAND_IN]: ID_SLOT, [PARENT_STAND_IN]: PARENT_SLOT };
    const slotted = {
      frame: slotsAt(made.frame, ids),
      karma: slotsAt(made.karma, ids),
      agreement: slotsAt(made.agreement, ids),
    };
    const example = { id: 'A'.repeat(ID_LENGTH), parentId: reply ? 'B'.repeat(ID_LENGTH) : null } as CommentRow;
    const expected = renderActionsTemplate(example, post);
    const filled = (pieces: string[]) =>
      fillSlots(pieces, (name, id) =>
        name === ID_SLOT ? example.id : name === PARENT_SLOT ? (example.parentId ?? '') : slot(name, id),
      );
    const same = (a: string[], b: string[]) => filled(a) === joinSlots(b);
    const faithful =
      same(slotted.frame, expected.frame) &&
      same(slotted.karma, expected.karma) &&
      same(slotted.agreement, expected.agreement);
    shape = faithful ? slotted : null;
    keepRecent(shapes, key, shape, SHAPES_KEPT);
  }
  return shape;
}

function renderActionsTemplate(comment: CommentRow, post: ThreadContext['post']): ActionsTemplate {
  const permalink = commentPath(post, comment.id);
  const part = (name: string) => raw(slot(name, ''));
  return {
    frame: splitSlots(
      String(
        html`<div class="comment-actions">${part('karma')}${part('agreement')}<a href="${permalink}/reply" data-reply="${comment.id}">Reply</a><a href="${permalink}">Permalink</a>${parentLink(comment, post)}${subscribeLink(comment.id)}${part('own')}</div>`,
      ),
    ),
    karma: voteFormPieces('comment', comment.id, 'karma'),
    agreement: voteFormPieces('comment', comment.id, 'agreement'),
  };
}

/**
 * Subscribing to replies under the comment (notifications/links.tsx): the same link for every reader, short (it is
 * on every comment): its page comes back to the comment's permalink by default.
 */
function subscribeLink(commentId: string) {
  return html`<a href="${subscriptionPath('comment', commentId)}" class="subscribe-link" rel="nofollow">Subscribe</a>`;
}

/** The report form's link (a logged-out reader following it is sent to log in first). */
function reportLink(comment: CommentRow) {
  return html`<a href="${reportPath('comment', comment.id)}" class="report-link">Report</a>`;
}

function parentLink(comment: CommentRow, post: ThreadContext['post']) {
  return comment.parentId ? html`<a href="${postPath(post)}#comment-${comment.parentId}">Parent</a>` : '';
}

/** Edit, retract and delete, as the policy allows this reader (policy.ts commentRights). */
function ownControlsHtml(comment: CommentRow, ctx: ThreadContext, rights: CommentRights): HtmlEscapedString | string {
  if (!rights.canEdit && !rights.canRetract && !rights.canDelete && !rights.canModerate) return '';
  const id = comment.id;
  const csrf = html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrfToken}"/>`;
  return html`${rights.canEdit ? html`<a href="/comments/${id}/edit">Edit</a>` : ''}${
    rights.canRetract
      ? html`<form method="post" action="/comments/${id}/retract" class="inline-form">${csrf}<input type="hidden" name="retracted" value="${comment.retracted ? 'false' : 'true'}"/><button type="submit" class="link-button">${comment.retracted ? 'Unretract' : 'Retract'}</button></form>`
      : ''
  }${
    rights.canDelete
      ? html`<details class="confirm-delete"><summary>Delete…</summary><form method="post" action="/comments/${id}/delete" class="inline-form">${csrf}<button type="submit" class="link-button danger-link">Yes, delete this comment</button></form></details>`
      : ''
  }${rights.canModerate ? removeCommentControlHtml(id, csrf) : ''}`;
}

/**
 * What this reader's actions under someone else's comment (`rights`: theirs on it, policy.ts commentRights) add
 * at the end of every reader's, with `idStandIn`
 * where the comment's id goes: the staff's delete and remove controls (ownControlsHtml, the last of the actions).
 * Undefined where their actions differ otherwise (their own comments: no vote, no report link, edit and retract),
 * and empty where they add nothing.
 */
export function addedControlsTemplate(
  comment: CommentRow,
  ctx: ThreadContext,
  rights: CommentRights,
  idStandIn: string,
): string | undefined {
  if (!ctx.user || !rights.canVote || rights.canEdit || rights.canRetract || !canReport(ctx.user, comment)) {
    return undefined;
  }
  return String(ownControlsHtml({ ...comment, id: idStandIn }, ctx, rights));
}

/** In a removed comment's place: the staff's restore form (a per-reader slot, like the actions). */
export function restoreSlotHtml(comment: CommentRow, ctx: ThreadContext): string {
  if (!comment.removedReason || !commentRights(ctx.user, comment).canModerate) return '';
  return String(
    restoreCommentControlHtml(comment.id, html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrfToken}"/>`),
  );
}

/**
 * A comment tree rendered for every reader, with each comment's "class", "mark" and "actions" slots left for
 * the reader's parts (see web/slots.ts and fillCommentSlots).
 */
export interface SharedCommentTree {
  /** The rendering as UTF-8 with its slots (filled per reader into bytes: fillCommentSlots). */
  text: SlottedBytes;
  comments: Map<string, CommentRow>;
  /** Every comment of the post in the order a reader meets them, for "N new comments since your last visit". */
  readingOrder: CommentRow[];
  /** Which page of the discussion this is (see paging.ts), of how many, and the comments it shows. */
  page: number;
  pageCount: number;
  shownIds: Set<string>;
  /** About what the tree keeps alive in memory (for the cache's byte budget). */
  bytes: number;
}

/** A tree's comments newest first: when each was written (ms) and where it is in the reading order. */
interface NewestFirst {
  times: Float64Array;
  places: Int32Array;
}
const newestFirstOf = new WeakMap<SharedCommentTree, NewestFirst>();

/**
 * The comments of the tree that are new to the reader (isNewComment), in reading order. Looked for among those
 * written after their last visit, found newest first in an index made once per tree: testing every comment of a
 * busy thread on every view had been 2 % of the hot thread benchmark's event loop.
 */
export function newCommentsOf(tree: SharedCommentTree, ctx: ThreadContext): CommentRow[] {
  const since = ctx.newSince?.getTime();
  if (since === undefined) return [];
  let index = newestFirstOf.get(tree);
  if (!index) {
    const order = tree.readingOrder;
    const places = Int32Array.from(order.keys()).sort(
      (a, b) => order[b]!.createdAt.getTime() - order[a]!.createdAt.getTime(),
    );
    index = { places, times: Float64Array.from(places, (place) => order[place]!.createdAt.getTime()) };
    newestFirstOf.set(tree, index);
  }
  const found: number[] = [];
  for (let i = 0; i < index.times.length && index.times[i]! > since; i++) found.push(index.places[i]!);
  return found
    .sort((a, b) => a - b)
    .map((place) => tree.readingOrder[place]!)
    .filter((comment) => isNewComment(comment, ctx));
}

/** What every reader shares of a comment tree: no reader, their parts as slots (heads.ts). */
export function sharedContext(post: ThreadContext['post']): ThreadContext {
  return { post, user: null, csrfToken: '', shared: true };
}

/**
 * The heads (commentHeadHtml) of one page of a post's comment threads, rendered for every reader with their
 * parts left as slots, in reading order: the costly part of a shared tree, which a render worker can do
 * (content/pool.ts), given the page of threads (plain data). heads.ts makes the tree from them.
 */
export function renderSharedCommentHeads(threads: ThreadPage, post: ThreadContext['post']): string[] {
  const ctx = sharedContext(post);
  const heads: string[] = [];
  eachShownComment(threads.nodes, (node, depth, parentAuthor) => {
    heads.push(commentHeadHtml(node, depth, ctx, parentAuthor));
  });
  return heads;
}

/** Every comment of a page of threads in reading order (as appendThreads puts them), with its place. */
export function eachShownComment(
  nodes: ShownNode[],
  visit: (node: ShownNode, depth: number, parentAuthor: string | undefined) => void,
  depth = 0,
  parentAuthor?: string,
): void {
  for (const node of nodes) {
    visit(node, depth, parentAuthor);
    eachShownComment(node.replies, visit, depth + 1, authorName(node.comment));
  }
}

/** The tree around its rendered HTML (heads.ts sharedCommentBytes), split at its slots. */
export function assembleSharedCommentTree(
  html: Buffer,
  threads: ThreadPage,
  readingOrder: CommentRow[],
): SharedCommentTree {
  const comments = new Map(readingOrder.map((c) => [c.id, c]));
  const text = splitSlotsToBytes(html);
  // What the tree keeps alive, for the cache's byte budget: its strings (two bytes a character at most).
  let bytes = 0;
  const count = (strings: string[]) => {
    for (const piece of strings) bytes += 16 + piece.length * 2;
  };
  bytes += text.bytes.byteLength + text.textStart.byteLength * 2;
  // A pointer per slot to its name and id, each kept once (splitSlotsToBytes).
  bytes += 16 * text.slotNames.length;
  count([...new Set([...text.slotNames, ...text.slotIds])]);
  // What segments.ts keeps for logged-in readers, once asked: a few hashes and a scores key per segment (a
  // segment begins at a "start" slot, one comment in a few). Their compressed text is weighed in its own cache
  // (commentSegments), and their filled text is let go once compressed.
  for (const name of text.slotNames) if (name === 'start') bytes += SEGMENT_BYTES_PER_COMMENT;
  // And the whole section compressed once for readers with nothing of their own in it (wholeCommentSection):
  // counted as a tenth of the tree's text (a 190-comment section of a 740 KB page came to 36 KB at level 6).
  bytes += Math.ceil(text.bytes.byteLength / 10);
  // And the comments themselves (every one of the post's, for "new since your last visit"): outlines, whose
  // size is their strings' and a fixed frame (walking each row's values for it was a tenth of assembling).
  bytes += commentRowsBytes(readingOrder);
  return {
    text,
    comments,
    readingOrder,
    page: threads.page,
    pageCount: threads.pageCount,
    shownIds: threads.shownIds,
    bytes,
  };
}

/** About what segments.ts keeps per comment of a tree it compressed (see assembleSharedCommentTree). */
const SEGMENT_BYTES_PER_COMMENT = 128;

/**
 * The tree as one reader sees it, as UTF-8: their "new" marks and their own vote and comment controls, with each
 * comment's current scores (`scores`, kept apart from the tree so a vote does not make it render again). With
 * `from` and `to`, only the tree's texts from `from` to `to` (exclusive) and the slots between them (a segment,
 * see segments.ts).
 */
export function fillCommentSlots(
  tree: SharedCommentTree,
  ctx: ThreadContext,
  scores?: Map<string, CommentScores>,
  from?: number,
  to?: number,
): Buffer {
  const fill: SlotFill = (name, id, out) => {
    const comment = tree.comments.get(id);
    if (!comment || name === 'start') return '';
    if (name === 'restore') return restoreSlotHtml(comment, ctx);
    if (name === 'actions') {
      if (!ctx.user) return commentActionsHtml(comment, ctx, scores?.get(id) ?? comment);
      commentActionsHtml(comment, ctx, scores?.get(id) ?? comment, out);
      return undefined;
    }
    if (!isNewComment(comment, ctx)) return '';
    return name === 'class' ? ' comment-new' : NEW_MARK;
  };
  return fillSlotsToBytes(tree.text, fill, from, to);
}

const NEW_MARK = '<span class="new-mark"> new</span>';

/** The link under a comment whose replies go on past this page (see paging.ts). */
function continueThreadHtml(node: ShownNode, post: ThreadContext['post']) {
  if (!node.continued) return '';
  const { count, page } = node.continued;
  const href = `${commentPath(post, node.comment.id)}${page > 1 ? `?page=${page}` : ''}`;
  return html`<p class="continue-thread"><a href="${href}">Continue this thread: ${count} more ${count === 1 ? 'reply' : 'replies'} →</a></p>`;
}

/**
 * One comment's part before its replies: header, body, and its actions (slots in a shared tree). An escaping
 * template rather than JSX: it is the markup repeated on every comment of a long discussion, and JSX's
 * per-element work was half of rendering one (web/html.ts). In a shared tree it depends only on what
 * commentHeadKey (heads.ts) names and on the comment's body, so it is kept from one rendering to the next.
 */
export function commentHeadHtml(node: ShownNode, depth: number, ctx: ThreadContext, parentAuthor?: string): string {
  const c = node.comment;
  const fresh = !ctx.shared && isNewComment(c, ctx);
  let classes = 'comment';
  if (depth >= MAX_INDENT_DEPTH) classes += ' comment-flat';
  if (c.retracted) classes += ' comment-retracted';
  if (fresh) classes += ' comment-new';
  if (ctx.focusId === c.id) classes += ' comment-focus';
  if (ctx.shared) classes += slot('class', c.id);
  const author = authorName(c);
  const authorHtml = c.deleted
    ? html`<span class="comment-author">[deleted]</span>`
    : html`<a class="comment-author" href="/users/${c.authorUsername}">${c.authorDisplayName}</a>`;
  const edited = c.editedAt
    ? html`<span class="comment-edited" title="Edited ${c.editedAt.toISOString()}"> (edited)</span>`
    : '';
  const retracted = c.retracted ? html`<span class="retracted-mark"> (retracted)</span>` : '';
  const mark = ctx.shared ? slot('mark', c.id) : fresh ? raw(NEW_MARK) : '';
  const replyTo =
    depth >= MAX_INDENT_DEPTH && parentAuthor ? html`<span class="reply-to"> ↪ replying to ${parentAuthor}</span>` : '';
  const count = node.descendantCount;
  const hidden = count > 0 ? `[+${count} ${count === 1 ? 'reply' : 'replies'} hidden]` : '[comment hidden]';
  const content =
    c.deleted && c.removedReason
      ? html`<p class="deleted-note removed-note">${removedNote(c.removedReason)}</p>${
          ctx.shared ? slot('restore', c.id) : raw(restoreSlotHtml(c, ctx))
        }`
      : c.deleted
        ? html`<p class="deleted-note">[deleted]</p>`
        : html`<div class="comment-body content">${raw(c.bodyHtml)}</div>${
            ctx.shared ? slot('actions', c.id) : raw(commentActionsHtml(c, ctx))
          }`;
  // A shared tree's "start" slot marks where each comment begins: it is compressed a few comments at a time
  // (segments.ts). The toggle holds no links (a summary is itself a control); the header above stays visible.
  return String(
    html`${ctx.shared ? slot('start', c.id) : ''}<article class="${classes}" id="comment-${c.id}" aria-label="Comment by ${author}"><header class="comment-header">${authorHtml} <a href="${postPath(ctx.post)}#comment-${c.id}" class="comment-time">${timeHtml(c.createdAt)}</a>${edited}${retracted}${mark}${replyTo}</header><details open=""><summary class="thread-toggle"><span class="visually-hidden">Collapse or expand this thread</span><span class="collapsed-count">${hidden}</span></summary>${content}`,
  );
}

/** The name a comment's replies show when they are too deep to indent ("replying to …"). */
export function authorName(comment: CommentRow): string {
  return comment.deleted ? '[deleted]' : comment.authorDisplayName;
}

/** A comment's head, as commentHeadHtml makes it or as kept from an earlier rendering (as UTF-8, heads.ts). */
export type HeadOf = (node: ShownNode, depth: number, parentAuthor: string | undefined) => string | Buffer;

/**
 * Comments with their replies, onto `out`: each one's head (`headOf`), its replies, and what closes it. Each
 * thread's markup beyond the heads is made here, so a tree made from kept heads is the tree rendered whole.
 */
export function appendThreads(
  out: (string | Buffer)[],
  nodes: ShownNode[],
  post: ThreadContext['post'],
  headOf: HeadOf,
  depth = 0,
  parentAuthor?: string,
): void {
  for (const node of nodes) {
    out.push(headOf(node, depth, parentAuthor));
    if (node.replies.length > 0) {
      out.push(String(html`<div class="comment-replies" data-replies-of="${node.comment.id}">`));
      appendThreads(out, node.replies, post, headOf, depth + 1, authorName(node.comment));
      out.push('</div>');
    }
    out.push(String(continueThreadHtml(node, post)), '</details></article>');
  }
}

/** One comment with its replies. */
function commentItemHtml(node: ShownNode, depth: number, ctx: ThreadContext, parentAuthor?: string): HtmlEscapedString {
  const out: (string | Buffer)[] = [];
  const headOf = (n: ShownNode, d: number, author: string | undefined) => commentHeadHtml(n, d, ctx, author);
  appendThreads(out, [node], ctx.post, headOf, depth, parentAuthor);
  return raw(out.join(''));
}

export function CommentItem(props: { node: ShownNode; depth: number; ctx: ThreadContext; parentAuthor?: string }) {
  return commentItemHtml(props.node, props.depth, props.ctx, props.parentAuthor);
}

/**
 * A page of threads in the shared tree's list (the page's own, which "Show more comments" appends to), as UTF-8,
 * each comment's head from `headOf`. Joined as bytes: joining a long discussion's heads into one string took
 * three times as long as copying their bytes (V8 widens every piece once one holds a character past Latin-1).
 */
export function sharedCommentListBytes(threads: ThreadPage, post: ThreadContext['post'], headOf: HeadOf): Buffer {
  const out: (string | Buffer)[] = ['<div class="comment-tree" data-replies-of="" data-list="comments">'];
  appendThreads(out, threads.nodes, post, headOf);
  out.push('</div>');
  return Buffer.concat(out.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}
