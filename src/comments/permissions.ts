/** Who may do what to a comment. Routes enforce these; views use them to show or hide controls. */
interface Actor {
  id: string;
  isModerator: boolean;
}
interface CommentFacts {
  authorId: string;
  deleted: boolean;
}

export function canEditComment(user: Actor | null, comment: CommentFacts): boolean {
  return !!user && !comment.deleted && comment.authorId === user.id;
}

/** Retracting is the author's own statement that they no longer stand by a comment. */
export const canRetractComment = canEditComment;

export function canDeleteComment(user: Actor | null, comment: CommentFacts): boolean {
  return !!user && !comment.deleted && (comment.authorId === user.id || user.isModerator);
}
