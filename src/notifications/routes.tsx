import { type Context, Hono } from 'hono';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { AppError, Invalid } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput, parseNamingFields } from '../web/forms.js';
import { pageContext, safeNext } from '../web/page.js';
import { groupInbox } from './inbox.js';
import { type Delivery, NOTIFICATION_KINDS, type NotificationKind } from './kinds.js';
import { inboxPage, notificationChoices } from './queries.js';
import { markAllRead, markRead, saveNotificationSettings } from './service.js';
import { isSubscribed, setSubscription, subscriptionTarget } from './subscriptions.js';
import { settingsInput, subscriptionInput } from './validation.js';
import { InboxPage, NotificationSettingsPage, SubscriptionPage } from './views.js';

const INBOX_LIST = 'notifications';

function loginFirst(c: Context<AppEnv>) {
  const back = c.req.method === 'GET' ? c.req.path : '/notifications';
  return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
}

/** The inbox, marking read, subscriptions and the notification settings (see views.tsx). */
export const notificationRoutes = new Hono<AppEnv>()
  .get('/notifications', async (c) => {
    const user = c.get('user');
    if (!user) return loginFirst(c);
    const cursor = decodeCursor(c.req.query('after'), INBOX_LIST);
    const page = await inboxPage(
      c.get('deps').db,
      user.id,
      cursor && { at: new Date(String(cursor.key)), id: cursor.id },
    );
    const last = page.items.at(-1);
    const nextHref =
      page.more && last
        ? `/notifications?after=${encodeCursor({ list: INBOX_LIST, key: last.createdAt.toISOString(), id: last.id })}`
        : null;
    return c.html(
      <InboxPage
        ctx={pageContext(c)}
        groups={groupInbox(page.items)}
        unread={user.unreadNotifications ?? 0}
        nextHref={nextHref}
      />,
    );
  })
  .post('/notifications/read-all', async (c) => {
    const user = c.get('user');
    if (!user) return loginFirst(c);
    await markAllRead(c.get('deps').db, user.id);
    return c.redirect('/notifications', 303);
  })
  .post('/notifications/:id/read', async (c) => {
    const user = c.get('user');
    if (!user) return loginFirst(c);
    // Another member's notification, or none: 404, nothing changed (the statement reaches only the member's own).
    await markRead(c.get('deps').db, user.id, c.req.param('id'));
    const next = formStrings(await c.req.parseBody()).next;
    return c.redirect(next ? safeNext(c, next) : '/notifications', 303);
  })
  .get('/subscriptions/:type/:key', async (c) => {
    const user = c.get('user');
    if (!user) return loginFirst(c);
    const target = await subscriptionTarget(c.get('deps').db, c.req.param('type'), c.req.param('key'));
    const next = safeNext(c, c.req.query('next') ?? target.path);
    const subscribed = await isSubscribed(c.get('deps').db, user.id, target);
    return c.html(<SubscriptionPage ctx={pageContext(c)} target={target} subscribed={subscribed} next={next} />);
  })
  .post('/subscriptions/:type/:key', async (c) => {
    const user = c.get('user');
    if (!user) return loginFirst(c);
    const db = c.get('deps').db;
    // Something that does not exist or that the reader may not see: 404 with a message, nothing changed.
    const target = await subscriptionTarget(db, c.req.param('type'), c.req.param('key'));
    const input = parseNamingFields(subscriptionInput, formStrings(await c.req.parseBody()));
    const next = safeNext(c, input.next ?? target.path);
    try {
      await setSubscription(db, user.id, target, input.subscribe === '1');
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const subscribed = await isSubscribed(db, user.id, target);
      return c.html(
        <SubscriptionPage
          ctx={pageContext(c)}
          target={target}
          subscribed={subscribed}
          next={next}
          error={error.message}
        />,
        error.status,
      );
    }
    return c.redirect(next, 303);
  })
  .get('/settings/notifications', async (c) => {
    const user = c.get('user');
    if (!user) return loginFirst(c);
    const choices = await notificationChoices(c.get('deps').db, user.id);
    return c.html(
      <NotificationSettingsPage ctx={pageContext(c)} state={{ choices, saved: c.req.query('saved') === '1' }} />,
    );
  })
  .post('/settings/notifications', async (c) => {
    const user = c.get('user');
    if (!user) return loginFirst(c);
    const form = formStrings(await c.req.parseBody());
    try {
      const choices = parseInput(settingsInput, form);
      await saveNotificationSettings(c.get('deps').db, user.id, choices);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Shown again as submitted where valid, the stored choice where not, with the fields named.
      const stored = await notificationChoices(c.get('deps').db, user.id);
      const choices = Object.fromEntries(
        NOTIFICATION_KINDS.map((kind) => [
          kind,
          settingsInput.shape[kind].safeParse(form[kind]).success ? form[kind] : stored[kind],
        ]),
      ) as Record<NotificationKind, Delivery>;
      const named = Object.entries(error.fields)
        .map(([field, message]) => `${field}: ${message}`)
        .join(' ');
      return c.html(
        <NotificationSettingsPage
          ctx={pageContext(c)}
          state={{ choices, saved: false, error: `${error.message} ${named}` }}
        />,
        error.status,
      );
    }
    return c.redirect('/settings/notifications?saved=1', 303);
  });
