import { Excerpt } from '../web/excerpt.js';
import { FormError } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { InboxGroup } from './inbox.js';
import {
  DELIVERIES,
  DELIVERY_LABELS,
  type Delivery,
  KIND_LABELS,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from './kinds.js';
import { type SubscriptionTarget, WHAT_IT_BRINGS } from './subscriptions.js';

/** /notifications: the inbox, newest first, grouped per post, with "Mark all read" and "Load more". */
export function InboxPage(props: { ctx: PageContext; groups: InboxGroup[]; unread: number; nextHref: string | null }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Notifications" math={false}>
      <section class="narrow notifications">
        <h1>Notifications</h1>
        <p class="notifications-tools">
          {props.unread > 0 ? `${props.unread} unread. ` : 'Nothing unread. '}
          <a href="/settings/notifications">Notification settings</a>
        </p>
        {props.unread > 0 ? (
          <form method="post" action="/notifications/read-all" class="inline-form">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit" class="secondary">
              Mark all read
            </button>
          </form>
        ) : null}
        {props.groups.length === 0 ? (
          <p>No notifications yet. Replies to your comments, comments on your posts and mentions of you come here.</p>
        ) : (
          props.groups.map((group) => (
            <section class="notification-group">
              <h2>
                {group.heading}{' '}
                {group.postHref ? (
                  <a href={group.postHref}>{group.postTitle}</a>
                ) : (
                  <span>{group.postTitle ?? 'a post no longer shown'}</span>
                )}
              </h2>
              <ul class="notification-list">
                {group.entries.map((entry) => (
                  <li class={entry.unread ? 'notification unread' : 'notification'}>
                    {entry.unread ? <strong class="unread-mark">New: </strong> : null}
                    {entry.whoHref ? <a href={entry.whoHref}>{entry.who}</a> : (entry.who ?? 'Someone')}{' '}
                    {entry.href ? <a href={entry.href}>{entry.what}</a> : entry.what} <Time date={entry.at} />
                    {entry.excerpt ? (
                      <blockquote class="notification-excerpt">
                        <Excerpt text={entry.excerpt} html={entry.excerptHtml ?? ''} />
                      </blockquote>
                    ) : null}
                    {entry.unread ? (
                      <form method="post" action={`/notifications/${entry.id}/read`} class="inline-form">
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="link-button">
                          Mark read
                        </button>
                      </form>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ))
        )}
        {props.nextHref ? (
          <p class="load-more">
            <a href={props.nextHref}>Older notifications</a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

/** /subscriptions/:type/:key: whether the reader is subscribed, and the one button that changes it. */
export function SubscriptionPage(props: {
  ctx: PageContext;
  target: SubscriptionTarget;
  subscribed: boolean;
  next: string;
  error?: string | undefined;
}) {
  const { ctx, target, subscribed } = props;
  const verb = target.type === 'user' ? (subscribed ? 'Unfollow' : 'Follow') : subscribed ? 'Unsubscribe' : 'Subscribe';
  return (
    <Layout ctx={ctx} title={`${verb}: ${target.label}`} math={false}>
      <section class="narrow subscription">
        <h1>
          Notifications about {target.type === 'user' ? 'posts by' : ''} <a href={target.path}>{target.label}</a>
        </h1>
        <FormError message={props.error} />
        <p>
          {subscribed ? 'You are subscribed: you hear of ' : 'You are not subscribed. Subscribe to hear of '}
          {WHAT_IT_BRINGS[target.type]}.
        </p>
        <SubscriptionButton ctx={ctx} target={target} subscribed={subscribed} next={props.next} />
      </section>
    </Layout>
  );
}

/** The subscribe or unsubscribe form (works without JavaScript: POST, then back to `next`). */
export function SubscriptionButton(props: {
  ctx: PageContext;
  target: Pick<SubscriptionTarget, 'type' | 'id' | 'path'>;
  subscribed: boolean;
  next: string;
}) {
  const { target, subscribed } = props;
  const key = target.type === 'user' ? target.path.slice('/users/'.length) : target.id;
  const label =
    target.type === 'user' ? (subscribed ? 'Unfollow' : 'Follow') : subscribed ? 'Unsubscribe' : 'Subscribe';
  return (
    <form method="post" action={`/subscriptions/${target.type}/${key}`} class="inline-form subscription-form">
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="subscribe" value={subscribed ? '0' : '1'} />
      <input type="hidden" name="next" value={props.next} />
      <button type="submit" class="secondary">
        {label}
      </button>
    </form>
  );
}

export interface SettingsState {
  choices: Record<NotificationKind, Delivery>;
  saved: boolean;
  error?: string | undefined;
}

/** /settings/notifications: how each kind of notification reaches the member. */
export function NotificationSettingsPage(props: { ctx: PageContext; state: SettingsState }) {
  const { ctx, state } = props;
  return (
    <Layout ctx={ctx} title="Notification settings" math={false}>
      <section class="narrow notification-settings">
        <h1>Notification settings</h1>
        <p>
          How each kind of notification reaches you. Every kind that is not off is listed in your{' '}
          <a href="/notifications">notifications</a>; email comes at once or in one daily digest. Account settings:{' '}
          <a href="/settings">password and sessions</a>.
        </p>
        {state.saved ? (
          <p class="notice" role="status">
            Your notification settings are saved.
          </p>
        ) : null}
        <FormError message={state.error} />
        <form method="post" action="/settings/notifications" class="stack-form">
          <CsrfField token={ctx.csrfToken} />
          {NOTIFICATION_KINDS.map((kind) => (
            <p class="field">
              <label for={`notify-${kind}`}>{KIND_LABELS[kind]}</label>
              <select id={`notify-${kind}`} name={kind}>
                {DELIVERIES.map((delivery) => (
                  <option value={delivery} selected={state.choices[kind] === delivery}>
                    {DELIVERY_LABELS[delivery]}
                  </option>
                ))}
              </select>
            </p>
          ))}
          <button type="submit">Save notification settings</button>
        </form>
      </section>
    </Layout>
  );
}
