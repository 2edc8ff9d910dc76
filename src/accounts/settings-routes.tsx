import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { AppError } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput } from '../web/forms.js';
import { clientIp, rotateCsrfToken } from '../web/middleware.js';
import { pageContext } from '../web/page.js';
import { SESSION_COOKIE } from './sessions.js';
import { changePassword, logOutEverywhere, passwordChangeInput } from './settings.js';
import { AccountSettingsPage } from './settings-views.js';
import { emptyForm } from './views.js';

/** The member's own account settings: password and sessions (settings-views.tsx). */
export const accountSettingsRoutes = new Hono<AppEnv>()
  .get('/settings', (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/login?next=/settings', 303);
    return c.html(
      <AccountSettingsPage
        ctx={pageContext(c)}
        username={user.username}
        password={emptyForm}
        changed={c.req.query('changed') === 'password'}
      />,
    );
  })
  .post('/settings/password', async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/login?next=/settings', 303);
    const values = formStrings(await c.req.parseBody());
    try {
      const input = parseInput(passwordChangeInput, values);
      await changePassword(c.var.deps.db, user.id, input, {
        address: clientIp(c),
        keepSessionHash: c.var.sessionHash ?? '',
      });
      return c.redirect('/settings?changed=password', 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
      // Passwords are never shown again.
      const form = { values: {}, errors: error.fields, message: error.message };
      return c.html(
        <AccountSettingsPage ctx={pageContext(c)} username={user.username} password={form} changed={false} />,
        error.status,
      );
    }
  })
  .post('/settings/logout-everywhere', async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect('/login', 303);
    await logOutEverywhere(c.var.deps.db, user.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    rotateCsrfToken(c, null);
    // As logging out does: back to the frontpage, logged out.
    return c.redirect('/', 303);
  });
