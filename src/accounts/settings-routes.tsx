import { type Context, Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { AppError } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput } from '../web/forms.js';
import { clientIp, rotateCsrfToken } from '../web/middleware.js';
import { pageContext } from '../web/page.js';
import type { SessionUser } from './queries.js';
import { accountEmail, emailChangeInput, requestEmailChange, sendVerification } from './recovery.js';
import { SESSION_COOKIE } from './sessions.js';
import { changePassword, logOutEverywhere, passwordChangeInput } from './settings.js';
import { AccountSettingsPage } from './settings-views.js';
import { emptyForm } from './views.js';

type SettingsForms = Partial<Pick<Parameters<typeof AccountSettingsPage>[0], 'password' | 'emailForm'>>;

/**
 * The settings page again after a refused change, with the refusal on the form it came from (`place` puts it
 * there, with whatever input may be shown again); anything but an AppError is not a refusal and goes on up.
 */
async function refused(
  c: Context<AppEnv>,
  user: SessionUser,
  error: unknown,
  place: (form: { values: Record<string, string>; errors: Record<string, string>; message: string }) => SettingsForms,
) {
  if (!(error instanceof AppError)) throw error;
  if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
  const forms = place({ values: {}, errors: error.fields, message: error.message });
  return c.html(
    <AccountSettingsPage
      ctx={pageContext(c)}
      username={user.username}
      email={await accountEmail(c.get('deps').db, user.id)}
      {...forms}
      password={forms.password ?? emptyForm}
    />,
    error.status,
  );
}

/** The member's own account settings: email, password and sessions (settings-views.tsx). */
export const accountSettingsRoutes = new Hono<AppEnv>()
  .get('/settings', async (c) => {
    const user = c.get('user');
    if (!user) return c.redirect('/login?next=/settings', 303);
    const changed = c.req.query('changed');
    return c.html(
      <AccountSettingsPage
        ctx={pageContext(c)}
        username={user.username}
        email={await accountEmail(c.get('deps').db, user.id)}
        password={emptyForm}
        changed={changed === 'password' || changed === 'email' || changed === 'verify' ? changed : undefined}
      />,
    );
  })
  .post('/settings/email', async (c) => {
    const user = c.get('user');
    if (!user) return c.redirect('/login?next=/settings', 303);
    const values = formStrings(await c.req.parseBody());
    try {
      const input = parseInput(emailChangeInput, values);
      await requestEmailChange(c.get('deps').db, user.id, input, {
        address: clientIp(c),
        baseUrl: c.get('deps').config.baseUrl,
      });
      return c.redirect('/settings?changed=email', 303);
    } catch (error) {
      return refused(c, user, error, (form) => ({ emailForm: { ...form, values: { email: values.email ?? '' } } }));
    }
  })
  .post('/settings/email/verify', async (c) => {
    const user = c.get('user');
    if (!user) return c.redirect('/login?next=/settings', 303);
    await sendVerification(c.get('deps').db, user.id, c.get('deps').config.baseUrl);
    return c.redirect('/settings?changed=verify', 303);
  })
  .post('/settings/password', async (c) => {
    const user = c.get('user');
    if (!user) return c.redirect('/login?next=/settings', 303);
    const values = formStrings(await c.req.parseBody());
    try {
      const input = parseInput(passwordChangeInput, values);
      await changePassword(c.get('deps').db, user.id, input, {
        address: clientIp(c),
        keepSessionHash: c.get('sessionHash') ?? '',
      });
      return c.redirect('/settings?changed=password', 303);
    } catch (error) {
      // Passwords are never shown again.
      return refused(c, user, error, (form) => ({ password: form }));
    }
  })
  .post('/settings/logout-everywhere', async (c) => {
    const user = c.get('user');
    if (!user) return c.redirect('/login', 303);
    await logOutEverywhere(c.get('deps').db, user.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    rotateCsrfToken(c, null);
    // As logging out does: back to the frontpage, logged out.
    return c.redirect('/', 303);
  });
