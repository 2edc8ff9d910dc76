/**
 * The one answer to "may this actor do this to that?" (in the spirit of Discourse's Guardian). Routes and
 * services ask it before every write and refuse with Forbidden; views receive its answers (canEdit, canDelete,
 * canModerate …) instead of recomputing them. `null` is an anonymous reader. Each question takes the few facts of
 * the thing it needs, so a row of any query that has them will do.
 */
import { type Actor, isAdmin, isStaff } from './actor.js';

export { type Actor, isAdmin, isStaff } from './actor.js';

type Reader = Actor | null | undefined;

/** What the questions about posts need to know of a post. */
export interface PostFacts {
  authorId: string;
  status: 'draft' | 'pending' | 'published';
  deletedAt: Date | null;
  /** Set when a moderator removed it (restorable, shown to staff); absent or null for an author's deletion. */
  removedReason?: string | null | undefined;
  commentsLocked?: boolean | undefined;
}

/** What the questions about comments need to know of a comment. */
export interface CommentFacts {
  authorId: string;
  deleted: boolean;
}

/** Anything with an author: a post, a comment, a sequence, a pending comment. */
interface Authored {
  authorId: string;
}

function isAuthor(actor: Reader, thing: Authored): boolean {
  return !!actor && actor.id === thing.authorId;
}

// ---- Posts ----

/**
 * Reading a post: published ones are everyone's; a draft is its author's; a post waiting for review is its
 * author's and the staff's; a post removed by a moderator stays readable by the staff (who may restore it); a
 * post its author deleted is gone for everyone.
 */
export function canViewPost(actor: Reader, post: PostFacts): boolean {
  if (post.deletedAt) return isStaff(actor) && !!post.removedReason;
  if (post.status === 'published') return true;
  if (post.status === 'pending') return isAuthor(actor, post) || isStaff(actor);
  return isAuthor(actor, post);
}

/** Only the author edits their post's text (moderators remove, they do not rewrite). */
export function canEditPost(actor: Reader, post: PostFacts): boolean {
  return isAuthor(actor, post) && !post.deletedAt;
}

export function canDeletePost(actor: Reader, post: PostFacts): boolean {
  return !!actor && !post.deletedAt && (isAuthor(actor, post) || isStaff(actor));
}

/**
 * Moderating content: removing and restoring posts and comments with a reason, locking a post's comments, moving
 * a post between the frontpage and its author's blog, editing and merging tags.
 */
export function canModerate(actor: Reader): boolean {
  return isStaff(actor);
}

/** Whether a post takes comments at all: published, not deleted, its comments not locked. */
export function commentsOpen(post: PostFacts): boolean {
  return !post.deletedAt && post.status === 'published' && !post.commentsLocked;
}

/**
 * Commenting on a post: logged in, on a published live post, not locked (staff may still write there). An
 * author's commenter bans are read from the database (moderation/authors.ts) on top of this.
 */
export function canCommentOn(actor: Reader, post: PostFacts): boolean {
  if (!actor || post.deletedAt || post.status !== 'published') return false;
  return !post.commentsLocked || isStaff(actor);
}

// ---- Comments ----

export function canEditComment(actor: Reader, comment: CommentFacts): boolean {
  return isAuthor(actor, comment) && !comment.deleted;
}

/** Retracting is the author's own statement that they no longer stand by a comment. */
export const canRetractComment = canEditComment;

export function canDeleteComment(actor: Reader, comment: CommentFacts): boolean {
  return !!actor && !comment.deleted && (isAuthor(actor, comment) || isStaff(actor));
}

/**
 * Whether a reader's rights on a comment can differ from those of any other logged-in reader who did not write
 * it: only on their own comments, or for the staff. Lets a page skip asking commentRights of every comment shown.
 */
export function mayHaveOwnRights(actor: Reader, comment: CommentFacts): boolean {
  return isAuthor(actor, comment) || isStaff(actor);
}

/** What a reader may do to one comment: the controls under it (comments/views.tsx fills them per reader). */
export interface CommentRights {
  canVote: boolean;
  canEdit: boolean;
  canRetract: boolean;
  canDelete: boolean;
  /** Remove or restore it with a reason (moderation/). */
  canModerate: boolean;
}

export function commentRights(actor: Reader, comment: CommentFacts): CommentRights {
  return {
    canVote: canVote(actor, comment),
    canEdit: canEditComment(actor, comment),
    canRetract: canRetractComment(actor, comment),
    canDelete: canDeleteComment(actor, comment),
    canModerate: canModerate(actor),
  };
}

// ---- Votes ----

/**
 * Voting on a post or comment: any logged-in reader, never on their own (their own upvote is applied for them).
 * lyceum_cast_vote (migration 0012) applies the same rule inside the vote's one statement; views ask this.
 */
export function canVote(actor: Reader, target: Authored): boolean {
  return !!actor && !isAuthor(actor, target);
}

export const VOTE_LOGIN_MESSAGE = 'Log in to vote.';

export function ownVoteMessage(targetType: string): string {
  return `You cannot vote on your own ${targetType}.`;
}

// ---- Reports ----

/** Any logged-in reader reports a post or comment, except their own. */
export function canReport(actor: Reader, target: Authored): boolean {
  return !!actor && !isAuthor(actor, target);
}

/** The open-reports queue and the review queue are the staff's. */
export function canReview(actor: Reader): boolean {
  return isStaff(actor);
}

// ---- Users ----

/** Only its owner edits a profile (display name and bio). */
export function canEditProfile(actor: Reader, profile: { id: string }): boolean {
  return !!actor && actor.id === profile.id;
}

/** A member's drafts (their profile's Drafts tab, their unpublished sequences) are theirs alone. */
export function canViewDraftsOf(actor: Reader, user: { id: string }): boolean {
  return !!actor && actor.id === user.id;
}

/** A reader's own frontpage tag filters are theirs to change. */
export function canChangeTagFilters(actor: Reader, owner: { id: string }): boolean {
  return !!actor && actor.id === owner.id;
}

/** Banning (and lifting a ban): staff, never an admin, never oneself. */
export function canBan(
  actor: Pick<Actor, 'id' | 'role'> | null | undefined,
  user: Pick<Actor, 'id' | 'role'>,
): boolean {
  return banRefusal(actor, user) === null;
}

/** Why canBan refuses, in words for the refusal, or null when the ban may go ahead. */
export function banRefusal(
  actor: Pick<Actor, 'id' | 'role'> | null | undefined,
  user: Pick<Actor, 'id' | 'role'>,
): string | null {
  if (!actor || !isStaff(actor)) return 'Only moderators and admins can ban users.';
  if (actor.id === user.id) return 'You cannot ban yourself.';
  if (user.role === 'admin') return 'Admins cannot be banned.';
  return null;
}

/** The site's settings (name, review policy, rate limits) and who is a moderator or admin: admins only. */
export function canEditSiteSettings(actor: Reader): boolean {
  return isAdmin(actor);
}

/** The outbox (/admin/outbox): every email the forum sent or kept, live links included: admins only. */
export function canReadOutbox(actor: Reader): boolean {
  return isAdmin(actor);
}

export function canChangeRoles(actor: Reader): boolean {
  return isAdmin(actor);
}

/** An admin changes anyone's role but their own (another admin does that, so the site always keeps one). */
export function canChangeRoleOf(actor: Reader, user: { id: string }): boolean {
  return !!actor && isAdmin(actor) && actor.id !== user.id;
}

// ---- Sequences ----

export function canEditSequence(actor: Reader, sequence: Authored): boolean {
  return isAuthor(actor, sequence);
}

export function canDeleteSequence(actor: Reader, sequence: Authored): boolean {
  return isAuthor(actor, sequence) || isStaff(actor);
}

// ---- Tags ----

/** Karma from which a member may create tags, edit their descriptions and tag other people's posts. */
export const TAGGING_KARMA = 10;

export function canCreateTag(actor: Reader): boolean {
  return !!actor && (actor.karma >= TAGGING_KARMA || isStaff(actor));
}

export function canEditTag(actor: Reader): boolean {
  return canCreateTag(actor);
}

/** The post's author tags their own post at any karma; others need TAGGING_KARMA. */
export function canTagPost(actor: Reader, post: Authored): boolean {
  return !!actor && (isAuthor(actor, post) || actor.karma >= TAGGING_KARMA || isStaff(actor));
}

/** Anyone logged in votes on a link's relevance, with their usual vote power. */
export function canVoteOnTagRelevance(actor: Reader): boolean {
  return !!actor;
}

/** Merging and deleting tags (and their old slugs redirecting) are the staff's work. */
export function canModerateTags(actor: Reader): boolean {
  return isStaff(actor);
}

/** The message a refusal to create or edit a tag gives. */
export function taggingKarmaMessage(karma: number): string {
  return `You need ${TAGGING_KARMA} karma to create or edit tags and to tag other people's posts; you have ${karma}.`;
}

// ---- Review and limits ----

/**
 * The staff's posts and comments never wait in the review queue (review/). They are not held to the karma rate
 * limits either: lyceum_admit_write (migration 0020) applies that in the write's own statement.
 */
export function writesWithoutReview(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return isStaff(actor);
}
