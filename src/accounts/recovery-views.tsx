import { Field, FormError } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import type { FormState } from './views.js';

/** "Forgot password?": the address, then the same answer whether or not an account uses it. */
export function ForgotPasswordPage(props: { ctx: PageContext; form: FormState; sent: boolean }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Forgot password" math={false}>
      <section class="auth-page">
        <h1>Forgot your password?</h1>
        {props.sent ? (
          <p class="notice" role="status">
            If an account uses that address, we have sent it a link to choose a new password. The link works once, for 1
            hour. No email? Check your spam folder, or ask again in a few minutes.
          </p>
        ) : null}
        <form method="post" action="/forgot-password" class="stack-form" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FormError message={form.message} />
          <Field
            name="email"
            label="Your account's email address"
            type="email"
            value={form.values.email}
            error={form.errors.email}
            autocomplete="email"
          />
          <button type="submit">Send me a link</button>
        </form>
        <p>
          Remembered it? <a href="/login">Log in</a>
        </p>
      </section>
    </Layout>
  );
}

/** The reset link's page: a new password (the token travels in a hidden field). */
export function ResetPasswordPage(props: { ctx: PageContext; token: string; form: FormState }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Choose a new password" math={false}>
      <section class="auth-page">
        <h1>Choose a new password</h1>
        <form method="post" action="/reset-password" class="stack-form" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="token" value={props.token} />
          <FormError message={form.message} />
          <Field
            name="password"
            label="New password"
            type="password"
            error={form.errors.password}
            autocomplete="new-password"
            hint="At least 10 characters. Every session of your account ends when you set it."
          />
          <button type="submit">Set password</button>
        </form>
      </section>
    </Layout>
  );
}

/**
 * A link's confirm page: following a link (GET) changes nothing, since mail scanners open links too; the button
 * (POST) does it.
 */
export function ConfirmLinkPage(props: {
  ctx: PageContext;
  title: string;
  text: string;
  action: string;
  token: string;
  button: string;
}) {
  return (
    <Layout ctx={props.ctx} title={props.title} math={false}>
      <section class="narrow">
        <h1>{props.title}</h1>
        <p>{props.text}</p>
        <form method="post" action={props.action}>
          <CsrfField token={props.ctx.csrfToken} />
          <input type="hidden" name="token" value={props.token} />
          <button type="submit">{props.button}</button>
        </form>
      </section>
    </Layout>
  );
}

/** The page after a link did its work. */
export function LinkDonePage(props: { ctx: PageContext; title: string; text: string; next: [string, string] }) {
  return (
    <Layout ctx={props.ctx} title={props.title} math={false}>
      <section class="narrow">
        <h1>{props.title}</h1>
        <p class="notice" role="status">
          {props.text}
        </p>
        <p>
          <a href={props.next[0]}>{props.next[1]}</a>
        </p>
      </section>
    </Layout>
  );
}
