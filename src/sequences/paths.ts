export function sequencePath(sequenceId: string): string {
  return `/s/${sequenceId}`;
}

/** A post read inside a sequence (its canonical address stays /posts/:id/:slug). */
export function sequencePostPath(sequenceId: string, postId: string): string {
  return `/s/${sequenceId}/p/${postId}`;
}
