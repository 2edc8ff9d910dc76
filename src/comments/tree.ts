import type { CommentRow } from './queries.js';

export interface CommentNode {
  comment: CommentRow;
  replies: CommentNode[];
  /** Number of comments shown below this one, at any depth. */
  descendantCount: number;
}

export interface CommentTree {
  roots: CommentNode[];
  /** Every shown comment by id, for permalinks. */
  byId: Map<string, CommentNode>;
}

/**
 * Assembles the reply tree from a flat list, ordering siblings with `compare`. A deleted comment stays as
 * "[deleted]" while replies hang below it and disappears once none do. A reply whose parent is missing is
 * shown at the top level rather than lost.
 */
export function buildCommentTree(rows: CommentRow[], compare: (a: CommentRow, b: CommentRow) => number): CommentTree {
  const byId = new Map<string, CommentNode>();
  for (const comment of rows) byId.set(comment.id, { comment, replies: [], descendantCount: 0 });
  let roots: CommentNode[] = [];
  for (const node of byId.values()) {
    const parent = node.comment.parentId ? byId.get(node.comment.parentId) : undefined;
    (parent ? parent.replies : roots).push(node);
  }
  // A comment a moderator removed keeps its place either way: the reason is shown publicly where it was.
  const shown = (n: CommentNode) => !n.comment.deleted || !!n.comment.removedReason || n.replies.length > 0;
  // Iterative post-order walk: threads can be thousands deep, deeper than the call stack allows.
  const stack: { node: CommentNode; visited: boolean }[] = roots.map((node) => ({ node, visited: false }));
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.visited) {
      const kept = top.node.replies.filter(shown);
      for (const gone of top.node.replies.filter((r) => !shown(r))) byId.delete(gone.comment.id);
      kept.sort((a, b) => compare(a.comment, b.comment));
      top.node.replies = kept;
      top.node.descendantCount = kept.reduce((sum, r) => sum + 1 + r.descendantCount, 0);
    } else {
      stack.push({ node: top.node, visited: true });
      for (const reply of top.node.replies) stack.push({ node: reply, visited: false });
    }
  }
  for (const gone of roots.filter((r) => !shown(r))) byId.delete(gone.comment.id);
  roots = roots.filter(shown).sort((a, b) => compare(a.comment, b.comment));
  return { roots, byId };
}

/** The comments from the top of the thread down to (not including) `id`, outermost first. */
export function ancestorsOf(tree: CommentTree, id: string): CommentRow[] {
  const chain: CommentRow[] = [];
  let parentId = tree.byId.get(id)?.comment.parentId ?? null;
  while (parentId) {
    const parent = tree.byId.get(parentId);
    if (!parent) break;
    chain.unshift(parent.comment);
    parentId = parent.comment.parentId;
  }
  return chain;
}

/** Comments in the order a reader meets them on the page (depth first). */
export function inReadingOrder(roots: CommentNode[]): CommentRow[] {
  const out: CommentRow[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node.comment);
    for (let i = node.replies.length - 1; i >= 0; i--) stack.push(node.replies[i]!);
  }
  return out;
}
