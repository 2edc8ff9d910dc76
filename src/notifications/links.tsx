import type { SubscriptionType } from './subscriptions.js';

/**
 * Where a reader subscribes to something or sees that they are (a page with the one button that changes it, then
 * back to `next`, by default to the thing itself). A link, the same for every reader, so pages shared by all readers carry it at no cost.
 */
export function subscriptionPath(type: SubscriptionType, key: string, next?: string): string {
  const path = `/subscriptions/${type}/${encodeURIComponent(key)}`;
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

const LABELS: Record<SubscriptionType, string> = {
  post: 'Subscribe to comments',
  comment: 'Subscribe',
  user: 'Follow',
  sequence: 'Subscribe',
  tag: 'Subscribe to new posts',
};

export function SubscribeLink(props: { type: SubscriptionType; targetKey: string; next: string }) {
  return (
    <a href={subscriptionPath(props.type, props.targetKey, props.next)} class="subscribe-link" rel="nofollow">
      {LABELS[props.type]}
    </a>
  );
}
