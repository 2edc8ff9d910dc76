import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { AppError, Invalid } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput } from '../web/forms.js';
import { clientIp, cookieOptions, rotateCsrfToken, sendCookie } from '../web/middleware.js';
import { pageContext, safeNext } from '../web/page.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS, DEVICE_COOKIE_PATH } from './devices.js';
import { logIn, signUp } from './service.js';
import { deleteSession, SESSION_COOKIE } from './sessions.js';
import { HONEYPOT_FIELD, HONEYPOT_MESSAGE, loginInput, signupInput } from './validation.js';
import { emptyForm, type FormState, LoginPage, ResumePage, SignupPage } from './views.js';

/** Turns a domain or validation error into form state: an alert above the form, and a message per field. */
function formFailure(error: unknown, values: Record<string, string>): FormState {
  if (!(error instanceof AppError)) throw error;
  return { values, errors: error.fields, message: error.message };
}

const CARRY_PREFIX = 'carry:';

function carriedFrom(values: Record<string, string>): [string, string][] {
  return Object.entries(values)
    .filter(([name]) => name.startsWith(CARRY_PREFIX))
    .map(([name, value]) => [name.slice(CARRY_PREFIX.length), value]);
}

/** The session cookie, and the CSRF token bound to the new session: forms from before the login stop working. */
function startSession(c: Context<AppEnv>, token: string, expiresAt: Date) {
  sendCookie(c, SESSION_COOKIE, token, cookieOptions(c, expiresAt));
  rotateCsrfToken(c, token);
}

function rememberDevice(c: Context<AppEnv>, token: string) {
  const expires = new Date(Date.now() + DEVICE_COOKIE_DAYS * 86_400_000);
  sendCookie(c, DEVICE_COOKIE, token, { ...cookieOptions(c, expires), path: DEVICE_COOKIE_PATH });
}

export const accountRoutes = new Hono<AppEnv>()
  .get('/signup', (c) => {
    if (c.get('user')) return c.redirect('/');
    return c.html(<SignupPage ctx={pageContext(c)} form={emptyForm} />);
  })
  .post('/signup', async (c) => {
    const values = formStrings(await c.req.parseBody());
    try {
      // The honeypot first, with its message above the form (its own field is out of sight).
      if (values[HONEYPOT_FIELD]) throw new Invalid(HONEYPOT_MESSAGE, { [HONEYPOT_FIELD]: HONEYPOT_MESSAGE });
      const input = parseInput(signupInput, values);
      const created = await signUp(c.get('deps').db, input, {
        address: clientIp(c),
        baseUrl: c.get('deps').config.baseUrl,
      });
      startSession(c, created.token, created.expiresAt);
      return c.redirect('/', 303);
    } catch (error) {
      const form = formFailure(error, {
        username: values.username ?? '',
        displayName: values.displayName ?? '',
        email: values.email ?? '',
      });
      if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
        c.header('Retry-After', String(error.retryAfterSeconds));
      }
      return c.html(<SignupPage ctx={pageContext(c)} form={form} />, (error as AppError).status);
    }
  })
  .get('/login', (c) => {
    const next = safeNext(c, c.req.query('next'));
    if (c.get('user')) return c.redirect(next);
    return c.html(<LoginPage ctx={pageContext(c)} form={emptyForm} next={next} />);
  })
  .post('/login', async (c) => {
    const values = formStrings(await c.req.parseBody());
    const next = safeNext(c, values.next);
    try {
      const input = parseInput(loginInput, values);
      const session = await logIn(c.get('deps').db, input, {
        address: clientIp(c),
        deviceCookie: getCookie(c, DEVICE_COOKIE),
      });
      startSession(c, session.token, session.expiresAt);
      rememberDevice(c, session.deviceToken);
      const carry = carriedFrom(values);
      if (carry.length > 0) {
        return c.html(<ResumePage ctx={pageContext(c)} action={next} fields={[...carry, ['intent', 'restore']]} />);
      }
      return c.redirect(next, 303);
    } catch (error) {
      const form = formFailure(error, { login: values.login ?? '' });
      if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
        c.header('Retry-After', String(error.retryAfterSeconds));
      }
      return c.html(
        <LoginPage ctx={pageContext(c)} form={form} next={next} carry={carriedFrom(values)} />,
        (error as AppError).status,
      );
    }
  })
  .post('/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deleteSession(c.get('deps').db, token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    rotateCsrfToken(c, null);
    return c.redirect('/', 303);
  });
