/** The canonical address of a post. */
export function postPath(post: { id: string; slug: string }): string {
  return `/posts/${post.id}/${post.slug}`;
}

export function commentPath(post: { id: string; slug: string }, commentId: string): string {
  return `${postPath(post)}/comment/${commentId}`;
}
