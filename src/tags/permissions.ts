/**
 * Who may do what with tags. Routes enforce these; views use them to show or hide controls. (The moderation
 * issue folds every folder's permissions into one policy module; until then tags keep theirs here.)
 */

/** Karma from which a member may create tags, edit their descriptions and tag other people's posts. */
export const TAGGING_KARMA = 10;

interface Actor {
  id: string;
  karma: number;
  isModerator: boolean;
}

interface PostFacts {
  authorId: string;
}

export function canCreateTag(user: Actor | null): boolean {
  return !!user && (user.karma >= TAGGING_KARMA || user.isModerator);
}

export function canEditTag(user: Actor | null): boolean {
  return canCreateTag(user);
}

/** The post's author tags their own post at any karma; others need TAGGING_KARMA. */
export function canTagPost(user: Actor | null, post: PostFacts): boolean {
  return !!user && (post.authorId === user.id || user.karma >= TAGGING_KARMA || user.isModerator);
}

/** Anyone logged in votes on a link's relevance, with their usual vote power. */
export function canVoteOnTagRelevance(user: Actor | null): boolean {
  return !!user;
}

/** Merging and deleting tags (and their old slugs redirecting) are moderators' work. */
export function canModerateTags(user: Actor | null): boolean {
  return !!user?.isModerator;
}

/** The message a refusal to create or edit a tag gives. */
export function taggingKarmaMessage(karma: number): string {
  return `You need ${TAGGING_KARMA} karma to create or edit tags and to tag other people's posts; you have ${karma}.`;
}
