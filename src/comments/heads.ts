// Each comment's part of a post's shared tree (its head: header, body and the slots for the reader's parts,
// views.tsx commentHeadHtml), kept from one rendering of the tree to the next. A tree is rendered again for each
// order readers ask for and after every new comment; with the heads kept, that is the new comment's head and the
// heads whose reply counts changed, and the rest is joining bytes. Rendering every comment again, in a render
// worker, was about half of what a comment cost the hot thread (bench): ~10 ms per tree, for up to four orders.
//
// A head is kept with what it was made from (commentHeadKey) and used only where that is unchanged and it still
// shows the comment's body, so a kept head is never out of date; the cache's tag only lets a changed post's go.
import type { TaggedCache } from '../cache/tagged-cache.js';
import { renderPool } from '../content/pool.js';
import { relativeTime } from '../web/time.js';
import type { ShownNode, ThreadPage } from './paging.js';
import {
  commentHeadHtml,
  eachShownComment,
  MAX_INDENT_DEPTH,
  sharedCommentListBytes,
  sharedContext,
  type ThreadContext,
} from './views.js';

export interface CommentHead {
  /** What it was made from (commentHeadKey), and the body it shows (the same string while the discussion is). */
  key: string;
  body: string;
  /** As UTF-8: a tree is joined from heads as bytes (views.tsx sharedCommentListBytes). */
  html: Buffer;
}

/** A post's kept heads, by comment id. */
export type CommentHeads = Map<string, CommentHead>;

/**
 * At most this many heads are rendered on the event loop for one tree (about 40 µs each): a new comment and
 * the few whose reply counts it changed. More, such as a post's first tree, go to a render worker.
 */
const RENDER_HERE_AT_MOST = 16;

/**
 * Everything commentHeadHtml reads in a shared tree but the body: the post's slug (its links), the comment's
 * author, state and reply count, its age as shown ("3 days ago"), and its depth where that shows. A field that
 * commentHeadHtml comes to show must be added here (test/comments/heads.test.ts compares kept with new).
 */
export function commentHeadKey(
  node: ShownNode,
  depth: number,
  post: ThreadContext['post'],
  parentAuthor: string | undefined,
): string {
  const c = node.comment;
  const flat = depth >= MAX_INDENT_DEPTH ? `flat ${parentAuthor ?? ''}` : '';
  return [
    post.slug,
    flat,
    c.authorUsername,
    c.authorDisplayName,
    c.deleted,
    c.removedReason ?? '',
    c.retracted,
    c.editedAt?.getTime() ?? '',
    node.descendantCount,
    relativeTime(c.createdAt),
  ].join('\n');
}

function headOf(html: string, key: string, node: ShownNode): CommentHead {
  return { key, body: node.comment.bodyHtml, html: Buffer.from(html) };
}

function stillHolds(head: CommentHead, key: string, node: ShownNode): boolean {
  return head.key === key && head.body === node.comment.bodyHtml;
}

/**
 * What a post's kept heads weigh in the cache's byte budget: their bytes, and their keys and bodies (two bytes a
 * character at most; a body is the discussion's own string until the discussion is read again).
 */
export function commentHeadsBytes(heads: CommentHeads): number {
  let bytes = 0;
  for (const [id, head] of heads) {
    bytes += 96 + head.html.byteLength + 2 * (id.length + head.key.length + head.body.length);
  }
  return bytes;
}

/**
 * One page of a post's comment threads rendered for every reader (what assembleSharedCommentTree takes), from
 * the post's kept heads where they still hold; the rest rendered here when they are few, else in a render
 * worker (off the event loop), or here when every worker is busy or one fails. The heads used are kept for the
 * post's next tree, tagged "segments:<post id>" like its compressed segments.
 */
export async function sharedCommentBytes(
  threads: ThreadPage,
  post: ThreadContext['post'],
  cache?: TaggedCache<CommentHeads>,
): Promise<Buffer> {
  const since = cache?.begin() ?? 0;
  const kept = cache?.get(post.id);
  const heads: CommentHeads = new Map();
  // Every comment shown, in reading order (as the render worker returns their heads), with its head's key.
  const shown: { node: ShownNode; depth: number; parentAuthor: string | undefined; key: string }[] = [];
  let missing = 0;
  eachShownComment(threads.nodes, (node, depth, parentAuthor) => {
    const key = commentHeadKey(node, depth, post, parentAuthor);
    shown.push({ node, depth, parentAuthor, key });
    const head = kept?.get(node.comment.id);
    if (head && stillHolds(head, key, node)) heads.set(node.comment.id, head);
    else missing++;
  });
  const rendered = missing > RENDER_HERE_AT_MOST ? await renderInWorker(threads, post) : undefined;
  const ctx = sharedContext(post);
  shown.forEach(({ node, depth, parentAuthor, key }, i) => {
    if (rendered) heads.set(node.comment.id, headOf(rendered[i]!, key, node));
    else if (!heads.has(node.comment.id)) {
      heads.set(node.comment.id, headOf(commentHeadHtml(node, depth, ctx, parentAuthor), key, node));
    }
  });
  const html = sharedCommentListBytes(threads, post, (node) => heads.get(node.comment.id)!.html);
  if (cache && missing > 0) {
    // Those of the post's other orders and pages stay too: a tree of each is made after a new comment.
    const next: CommentHeads = new Map(kept);
    for (const [id, head] of heads) next.set(id, head);
    cache.store(post.id, since, next, [`segments:${post.id}`]);
  }
  return html;
}

/** Every head of the page rendered in a render worker, or undefined when all are busy or it fails. */
async function renderInWorker(threads: ThreadPage, post: ThreadContext['post']): Promise<string[] | undefined> {
  const pool = renderPool();
  if (pool.busy) return undefined;
  try {
    return await pool.renderCommentHeads(threads, { id: post.id, slug: post.slug });
  } catch {
    // A worker stopped or timed out: they are rendered here.
    return undefined;
  }
}
