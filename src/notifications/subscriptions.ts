import type { Queryable } from '../db/database.js';
import { isId } from '../db/ids.js';
import { Invalid, NotFound } from '../errors.js';
import { liveTag, visibleComment, visiblePost } from '../policy/visibility.js';
import { commentPath, postPath } from '../posts/paths.js';

/** What a member may subscribe to: a post (its comments), a comment (replies under it), a user (their posts), a sequence or a tag (new posts in it). */
export const SUBSCRIPTION_TYPES = ['post', 'comment', 'user', 'sequence', 'tag'] as const;
export type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];

/** A thing one may subscribe to, as its subscription page and button show it. */
export interface SubscriptionTarget {
  type: SubscriptionType;
  id: string;
  /** What it is called ("the post *Title*"). */
  label: string;
  /** Where it is read; where the button comes back to by default. */
  path: string;
  /** Its author (posts and comments: subscribed by default) or, for a user, the user themself. */
  ownerId: string | null;
}

/** What subscribing to each brings, in words. */
export const WHAT_IT_BRINGS: Record<SubscriptionType, string> = {
  post: 'every new comment on this post',
  comment: 'every new reply under this comment',
  user: 'every new post by this member',
  sequence: 'every new post in this sequence',
  tag: 'every new post with this tag',
};

const NOT_FOUND: Record<SubscriptionType, string> = {
  post: 'There is no post at this address, or it is not published.',
  comment: 'There is no comment at this address, or it has been deleted.',
  user: 'There is no member with that username.',
  sequence: 'There is no sequence at this address. It may have been deleted.',
  tag: 'There is no tag at this address.',
};

/**
 * The thing `type` and `key` name (a username for users, an id otherwise) if the reader may see it: a public post
 * (policy/visibility.ts), a shown comment on one, a member, a sequence, a live tag. Otherwise a 404 saying so.
 */
export async function subscriptionTarget(db: Queryable, type: string, key: string): Promise<SubscriptionTarget> {
  const kind = (SUBSCRIPTION_TYPES as readonly string[]).includes(type) ? (type as SubscriptionType) : undefined;
  if (!kind) throw new NotFound('There is nothing of that kind to subscribe to.');
  const target = await findTarget(db, kind, key);
  if (!target) throw new NotFound(NOT_FOUND[kind]);
  return target;
}

async function findTarget(db: Queryable, type: SubscriptionType, key: string): Promise<SubscriptionTarget | undefined> {
  if (type === 'user') {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(key)) return undefined;
    const [user] = await db.query<{ id: string; username: string; displayName: string }>(
      'SELECT id, username, display_name AS "displayName" FROM users WHERE lower(username) = lower($1)',
      [key],
    );
    return user && { type, id: user.id, label: user.displayName, path: `/users/${user.username}`, ownerId: user.id };
  }
  if (!isId(key)) return undefined;
  if (type === 'post') {
    const [post] = await db.query<{ id: string; slug: string; title: string; authorId: string }>(
      `SELECT id, slug, title, author_id AS "authorId" FROM posts p WHERE id = $1 AND ${visiblePost('p')}`,
      [key],
    );
    return post && { type, id: post.id, label: post.title, path: postPath(post), ownerId: post.authorId };
  }
  if (type === 'comment') {
    const [comment] = await db.query<{ id: string; authorId: string; postId: string; slug: string; title: string }>(
      `SELECT c.id, c.author_id AS "authorId", p.id AS "postId", p.slug, p.title
         FROM comments c JOIN posts p ON p.id = c.post_id
        WHERE c.id = $1 AND ${visibleComment('c')} AND ${visiblePost('p')}`,
      [key],
    );
    return (
      comment && {
        type,
        id: comment.id,
        label: `a comment on ${comment.title}`,
        path: commentPath({ id: comment.postId, slug: comment.slug }, comment.id),
        ownerId: comment.authorId,
      }
    );
  }
  if (type === 'sequence') {
    const [sequence] = await db.query<{ id: string; title: string; authorId: string }>(
      'SELECT id, title, author_id AS "authorId" FROM sequences WHERE id = $1',
      [key],
    );
    return sequence && { type, id: sequence.id, label: sequence.title, path: `/s/${sequence.id}`, ownerId: null };
  }
  const [tag] = await db.query<{ id: string; name: string; slug: string }>(
    `SELECT id, name, slug FROM tags t WHERE id = $1 AND ${liveTag('t')}`,
    [key],
  );
  return tag && { type, id: tag.id, label: tag.name, path: `/tags/${tag.slug}`, ownerId: null };
}

/** Authors are subscribed to their own posts and comments without a row (migration 0024). */
function subscribedByDefault(userId: string, target: SubscriptionTarget): boolean {
  return (target.type === 'post' || target.type === 'comment') && target.ownerId === userId;
}

export async function isSubscribed(db: Queryable, userId: string, target: SubscriptionTarget): Promise<boolean> {
  const [row] = await db.query<{ subscribed: boolean }>(
    'SELECT subscribed FROM notification_subscriptions WHERE user_id = $1 AND target_type = $2 AND target_id = $3',
    [userId, target.type, target.id],
  );
  return row ? row.subscribed : subscribedByDefault(userId, target);
}

/**
 * Subscribes or unsubscribes: a row only where the choice differs from the default (an author's opt-out, anyone
 * else's subscription), so returning to the default removes it. One statement either way.
 */
export async function setSubscription(
  db: Queryable,
  userId: string,
  target: SubscriptionTarget,
  subscribed: boolean,
): Promise<void> {
  if (target.type === 'user' && target.id === userId && subscribed) {
    throw new Invalid('You cannot follow yourself.', { subscribe: 'You cannot follow yourself.' });
  }
  if (subscribed === subscribedByDefault(userId, target)) {
    await db.query(
      'DELETE FROM notification_subscriptions WHERE user_id = $1 AND target_type = $2 AND target_id = $3',
      [userId, target.type, target.id],
    );
    return;
  }
  await db.query(
    `INSERT INTO notification_subscriptions (user_id, target_type, target_id, subscribed) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, target_type, target_id) DO UPDATE SET subscribed = EXCLUDED.subscribed`,
    [userId, target.type, target.id, subscribed],
  );
}
