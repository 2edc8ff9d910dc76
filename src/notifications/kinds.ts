/** The kinds of notification, in the order a member's settings list them (migration 0024 checks the same list). */
export const NOTIFICATION_KINDS = [
  'reply',
  'mention',
  'post_comment',
  'thread_comment',
  'followed_post',
  'subscribed_post',
  'moderation',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How a kind reaches a member; 'off' makes no notification at all. */
export const DELIVERIES = ['site', 'email', 'digest', 'off'] as const;
export type Delivery = (typeof DELIVERIES)[number];

/**
 * What each kind is called on the settings page. Defaults (lyceum_notification_default, migration 0024): what is
 * addressed to the member (replies, mentions, moderators' actions) comes on the site and by email at once; activity
 * they follow comes on the site only.
 */
export const KIND_LABELS: Record<NotificationKind, string> = {
  reply: 'Replies to my comments',
  mention: 'Mentions of my username',
  post_comment: 'Comments on my posts',
  thread_comment: 'New comments in threads I subscribed to',
  followed_post: 'New posts by members I follow',
  subscribed_post: 'New posts in sequences and tags I subscribed to',
  moderation: 'Moderators’ actions on my posts and comments',
};

export const DELIVERY_LABELS: Record<Delivery, string> = {
  site: 'On the site',
  email: 'Email at once',
  digest: 'Daily digest email',
  off: 'Off',
};

export function defaultDelivery(kind: NotificationKind): Delivery {
  return kind === 'reply' || kind === 'mention' || kind === 'moderation' ? 'email' : 'site';
}
