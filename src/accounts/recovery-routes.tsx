import { type Context, Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { AppError } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput } from '../web/forms.js';
import { clientIp, rotateCsrfToken } from '../web/middleware.js';
import { pageContext } from '../web/page.js';
import {
  confirmEmailChange,
  forgotPasswordInput,
  requestPasswordReset,
  resetPassword,
  resetPasswordInput,
  verifyEmail,
} from './recovery.js';
import { ConfirmLinkPage, ForgotPasswordPage, LinkDonePage, ResetPasswordPage } from './recovery-views.js';
import { SESSION_COOKIE } from './sessions.js';
import { peekAccountToken } from './tokens.js';
import { emptyForm } from './views.js';

/** The token a link carries (query on GET, hidden field on POST). */
const tokenOf = (c: Context<AppEnv>, values?: Record<string, string>) =>
  (values ? values.token : c.req.query('token')) ?? '';

function retryAfter(c: Context<AppEnv>, error: AppError) {
  if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
}

/**
 * Password reset and the links sent by email (verifying an address, confirming a new one). Every link opens a
 * page that changes nothing; its form does the change. A bad link (forged, expired, used) is a 400 page saying
 * which (tokens.ts BadLink), with nothing changed.
 */
export const recoveryRoutes = new Hono<AppEnv>()
  .get('/forgot-password', (c) =>
    c.html(<ForgotPasswordPage ctx={pageContext(c)} form={emptyForm} sent={c.req.query('sent') === '1'} />),
  )
  .post('/forgot-password', async (c) => {
    const values = formStrings(await c.req.parseBody());
    try {
      const input = parseInput(forgotPasswordInput, values);
      await requestPasswordReset(c.get('deps').db, input.email, {
        address: clientIp(c),
        baseUrl: c.get('deps').config.baseUrl,
      });
      // The same answer whether or not an account uses the address.
      return c.redirect('/forgot-password?sent=1', 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      retryAfter(c, error);
      const form = { values: { email: values.email ?? '' }, errors: error.fields, message: error.message };
      return c.html(<ForgotPasswordPage ctx={pageContext(c)} form={form} sent={false} />, error.status);
    }
  })
  .get('/reset-password', async (c) => {
    const token = tokenOf(c);
    await peekAccountToken(c.get('deps').db, 'reset-password', token);
    return c.html(<ResetPasswordPage ctx={pageContext(c)} token={token} form={emptyForm} />);
  })
  .post('/reset-password', async (c) => {
    const values = formStrings(await c.req.parseBody());
    const token = tokenOf(c, values);
    try {
      const input = parseInput(resetPasswordInput, values);
      await resetPassword(c.get('deps').db, input.token, input.password);
      // Every session ended: this browser's too, if it was logged in (the cookie goes, the CSRF token with it).
      if (c.get('user')) {
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        rotateCsrfToken(c, null);
      }
    } catch (error) {
      // A bad link is its own page; a bad password shows the form again.
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const form = { values: {}, errors: error.fields, message: error.message };
      return c.html(<ResetPasswordPage ctx={pageContext(c)} token={token} form={form} />, 422);
    }
    return c.html(
      <LinkDonePage
        ctx={pageContext(c)}
        title="Your password is set"
        text="Every session of your account has ended. Log in with your new password."
        next={['/login', 'Log in']}
      />,
    );
  })
  .get('/verify-email', async (c) => {
    const token = tokenOf(c);
    const found = await peekAccountToken(c.get('deps').db, 'verify-email', token);
    return c.html(
      <ConfirmLinkPage
        ctx={pageContext(c)}
        title="Verify your email address"
        text={`Confirm that ${found.email} is your address, so we may send you email.`}
        action="/verify-email"
        token={token}
        button="Verify my address"
      />,
    );
  })
  .post('/verify-email', async (c) => {
    await verifyEmail(c.get('deps').db, tokenOf(c, formStrings(await c.req.parseBody())));
    return c.html(
      <LinkDonePage
        ctx={pageContext(c)}
        title="Your address is verified"
        text="Thank you. We will send you the emails you choose in your settings."
        next={['/settings', 'Your settings']}
      />,
    );
  })
  .get('/confirm-email', async (c) => {
    const token = tokenOf(c);
    const found = await peekAccountToken(c.get('deps').db, 'change-email', token);
    return c.html(
      <ConfirmLinkPage
        ctx={pageContext(c)}
        title="Confirm your new email address"
        text={`Use ${found.email} as your account's email address from now on.`}
        action="/confirm-email"
        token={token}
        button="Use this address"
      />,
    );
  })
  .post('/confirm-email', async (c) => {
    const { email } = await confirmEmailChange(c.get('deps').db, tokenOf(c, formStrings(await c.req.parseBody())));
    return c.html(
      <LinkDonePage
        ctx={pageContext(c)}
        title="Your email address is changed"
        text={`Your account uses ${email} from now on.`}
        next={['/settings', 'Your settings']}
      />,
    );
  });
