import type { CommentRow } from './queries.js';

export interface CommentNode {
  comment: CommentRow;
  replies: CommentNode[];
  /** Number of comments below this one, at any depth. */
  descendantCount: number;
}

/**
 * Assembles the reply tree from a flat list. `compare` orders siblings; orphans (a parent that is missing)
 * are shown at the top level rather than lost.
 */
export function buildCommentTree(
  rows: CommentRow[],
  compare: (a: CommentRow, b: CommentRow) => number = (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
): CommentNode[] {
  const nodes = new Map<string, CommentNode>();
  for (const comment of rows) nodes.set(comment.id, { comment, replies: [], descendantCount: 0 });
  const roots: CommentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.comment.parentId ? nodes.get(node.comment.parentId) : undefined;
    (parent ? parent.replies : roots).push(node);
  }
  // Iterative post-order walk: threads can be thousands deep, deeper than the call stack allows.
  const stack: { node: CommentNode; visited: boolean }[] = roots.map((node) => ({ node, visited: false }));
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.visited) {
      top.node.replies.sort((a, b) => compare(a.comment, b.comment));
      top.node.descendantCount = top.node.replies.reduce((sum, r) => sum + 1 + r.descendantCount, 0);
    } else {
      stack.push({ node: top.node, visited: true });
      for (const reply of top.node.replies) stack.push({ node: reply, visited: false });
    }
  }
  roots.sort((a, b) => compare(a.comment, b.comment));
  return roots;
}
