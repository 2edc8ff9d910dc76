import type { CommentNode } from './tree.js';

/**
 * Most characters of comments one page shows. A post page, and a comment's permalink page, show its threads
 * until this much is used, then link to the next page; one thread larger than this alone is cut, with a link
 * to continue it on the permalink page of the comment whose replies were cut. So a page stays bounded however
 * many or however large the comments (an attack pass made a 95 MB page of 25 comments). About 150 to 250
 * comments of a usual size: a page a phone loads quickly, and what a busy forum renders when a comment arrives
 * in its longest thread (it was 3 MB, all of a 2,700-comment thread, ~0.3 s of rendering for every new comment).
 */
export const COMMENT_PAGE_BUDGET = 500_000;
/** What a comment's frame adds to its body: header, actions, vote forms (measured at about 1.5 KB). */
export const COMMENT_FRAME_CHARS = 1_500;

/** A thread as one page shows it: where replies were cut, how many and on which page they continue. */
export interface ShownNode extends CommentNode {
  replies: ShownNode[];
  /** Replies cut from this page: how many comments (with theirs), and the page of this comment's permalink. */
  continued?: { count: number; page: number };
}

export interface ThreadPage {
  nodes: ShownNode[];
  /** 1-based, clamped to the pages that exist. */
  page: number;
  pageCount: number;
  /** Ids of every comment this page shows. */
  shownIds: Set<string>;
}

function commentWeight(node: CommentNode): number {
  return node.comment.bodyLength + COMMENT_FRAME_CHARS;
}

/** Weights of every subtree, computed once bottom-up (threads can be deeper than the call stack). */
function subtreeWeights(nodes: CommentNode[]): Map<CommentNode, number> {
  const weights = new Map<CommentNode, number>();
  const stack = nodes.map((node) => ({ node, visited: false }));
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.visited) {
      let weight = commentWeight(top.node);
      for (const reply of top.node.replies) weight += weights.get(reply) ?? 0;
      weights.set(top.node, weight);
    } else {
      stack.push({ node: top.node, visited: true });
      for (const reply of top.node.replies) stack.push({ node: reply, visited: false });
    }
  }
  return weights;
}

/** Where each page starts, in `nodes`: a page takes whole threads while they fit, and at least one. */
function pageStarts(nodes: CommentNode[], weights: Map<CommentNode, number>, budget: number): number[] {
  const starts = [0];
  let used = 0;
  nodes.forEach((node, i) => {
    const weight = weights.get(node) ?? 0;
    if (used > 0 && used + weight > budget) {
      starts.push(i);
      used = 0;
    }
    used += weight;
  });
  return starts;
}

/** The page of `nodes` (a list paginated like `paginateThreads` does) on which the one at `index` is. */
function pageOfIndex(starts: number[], index: number): number {
  let page = 1;
  while (page < starts.length && starts[page]! <= index) page++;
  return page;
}

/**
 * One thread cut to the budget: its comments in reading order while they fit (the first always), and where a
 * comment's replies stop, how many were left out and on which page of its permalink they continue.
 */
function cutThread(root: CommentNode, budget: number, weights: Map<CommentNode, number>, shown: Set<string>) {
  let used = 0;
  let full = false;
  const copy = (node: CommentNode): ShownNode => ({ ...node, replies: [] });
  const top = copy(root);
  used += commentWeight(root);
  shown.add(root.comment.id);
  // Iterative pre-order walk over (original, copy) pairs: threads can be thousands deep.
  const visits: Array<{ node: CommentNode; shownNode: ShownNode; next: number }> = [
    { node: root, shownNode: top, next: 0 },
  ];
  while (visits.length > 0) {
    const visit = visits[visits.length - 1]!;
    const { node, shownNode } = visit;
    if (visit.next >= node.replies.length) {
      visits.pop();
      continue;
    }
    const index = visit.next;
    const reply = node.replies[index]!;
    if (full || used + commentWeight(reply) > budget) {
      full = true;
      const cut = node.replies.slice(index);
      const count = cut.reduce((sum, r) => sum + 1 + r.descendantCount, 0);
      const starts = pageStarts(node.replies, weights, budget);
      shownNode.continued = { count, page: pageOfIndex(starts, index) };
      visits.pop();
      continue;
    }
    visit.next++;
    used += commentWeight(reply);
    shown.add(reply.comment.id);
    const shownReply = copy(reply);
    shownNode.replies.push(shownReply);
    visits.push({ node: reply, shownNode: shownReply, next: 0 });
  }
  return top;
}

/**
 * Page `page` of a list of threads (a post's top-level comments, or a comment's replies on its permalink page):
 * whole threads while they fit in the budget; a thread that does not fit on a page of its own is cut. A page
 * past the last is clamped to the last (routes answer 404 for those first).
 */
export function paginateThreads(nodes: CommentNode[], page: number, budget = COMMENT_PAGE_BUDGET): ThreadPage {
  const weights = subtreeWeights(nodes);
  const starts = pageStarts(nodes, weights, budget);
  const pageCount = nodes.length === 0 ? 1 : starts.length;
  const current = Math.min(Math.max(1, page), pageCount);
  const from = starts[current - 1] ?? 0;
  const to = starts[current] ?? nodes.length;
  const shownIds = new Set<string>();
  const onPage = nodes.slice(from, to);
  const fitsWhole = onPage.reduce((sum, node) => sum + (weights.get(node) ?? 0), 0) <= budget;
  const shownNodes = onPage.map((node) => {
    if (fitsWhole) {
      markShown(node, shownIds);
      return node as ShownNode;
    }
    return cutThread(node, budget, weights, shownIds);
  });
  return { nodes: shownNodes, page: current, pageCount, shownIds };
}

function markShown(root: CommentNode, shown: Set<string>): void {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    shown.add(node.comment.id);
    stack.push(...node.replies);
  }
}
