/** Who may do what to a post. Routes enforce these; views use them to show or hide controls. */
interface Actor {
  id: string;
  isModerator: boolean;
}
interface PostFacts {
  authorId: string;
  deletedAt: Date | null;
  status: 'draft' | 'published';
}

export function canViewPost(user: Actor | null, post: PostFacts): boolean {
  return !post.deletedAt && (post.status === 'published' || post.authorId === user?.id);
}

export function canEditPost(user: Actor | null, post: PostFacts): boolean {
  return !!user && !post.deletedAt && post.authorId === user.id;
}

export function canDeletePost(user: Actor | null, post: PostFacts): boolean {
  return !!user && !post.deletedAt && (post.authorId === user.id || user.isModerator);
}
