import { type Context, Hono } from 'hono';
import { AppError, Forbidden } from '../errors.js';
import { canReadOutbox } from '../policy/policy.js';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { OUTBOX_PAGE_SIZE, outboxMessages } from './queries.js';
import { readUnsubscribeToken, UNSUBSCRIBE_PATH, unsubscribe } from './unsubscribe.js';
import { OutboxPage, UnsubscribePage } from './views.js';

/** The token of an unsubscribe link, as the link carries it (the query, on GET and on the one-click POST). */
async function unsubscribeTarget(c: Context<AppEnv>) {
  const token = c.req.query('token') ?? '';
  const target = await readUnsubscribeToken(c.get('deps').db, token);
  if (!target) {
    throw new AppError(
      400,
      'This unsubscribe link is not valid: check that you copied all of it. Nothing was changed.',
    );
  }
  return { token, target };
}

export const mailRoutes = new Hono<AppEnv>()
  .get(UNSUBSCRIBE_PATH, async (c) => {
    const { token, target } = await unsubscribeTarget(c);
    return c.html(<UnsubscribePage ctx={pageContext(c)} token={token} topic={target.topic} done={false} />);
  })
  // From our page's button (with a CSRF token), or from a mail client's one-click (RFC 8058: a POST with
  // "List-Unsubscribe=One-Click" and no token; web/middleware.ts lets it through only with a valid signature).
  .post(UNSUBSCRIBE_PATH, async (c) => {
    const { token, target } = await unsubscribeTarget(c);
    await unsubscribe(c.get('deps').db, target);
    return c.html(<UnsubscribePage ctx={pageContext(c)} token={token} topic={target.topic} done={true} />);
  })
  .get('/admin/outbox', async (c) => {
    const user = c.get('user');
    if (!user) throw new Forbidden('Log in as an admin to read the outbox.');
    if (!canReadOutbox(user)) throw new Forbidden('Only admins may read the outbox.');
    const before = Number(c.req.query('before'));
    const rows = await outboxMessages(
      c.get('deps').db,
      Number.isSafeInteger(before) && before > 0 ? before : undefined,
    );
    const messages = rows.slice(0, OUTBOX_PAGE_SIZE);
    const older = rows.length > OUTBOX_PAGE_SIZE ? `/admin/outbox?before=${messages.at(-1)!.id}` : undefined;
    c.header('Cache-Control', 'no-store');
    return c.html(
      <OutboxPage ctx={pageContext(c)} messages={messages} olderHref={older} smtp={!!c.get('deps').config.smtpUrl} />,
    );
  });
