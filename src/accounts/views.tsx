import { Field, FormError } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { ResubmitForm } from '../web/resubmit.js';
import { HONEYPOT_FIELD } from './validation.js';

export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  message?: string | undefined;
}

export const emptyForm: FormState = { values: {}, errors: {} };

export function SignupPage({ ctx, form }: { ctx: PageContext; form: FormState }) {
  return (
    <Layout ctx={ctx} title="Sign up" math={false}>
      <section class="auth-page">
        <h1>Create an account</h1>
        <form method="post" action="/signup" class="stack-form" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FormError message={form.message} />
          <Field
            name="username"
            label="Username"
            value={form.values.username}
            error={form.errors.username}
            autocomplete="username"
            hint="3–32 letters, digits, _ or -. Your profile's address."
          />
          <Field
            name="displayName"
            label="Display name (optional)"
            value={form.values.displayName}
            error={form.errors.displayName}
            autocomplete="name"
            hint="Shown on your posts and comments; your username if you leave it empty. You can change it later."
          />
          <Field
            name="email"
            label="Email"
            type="email"
            value={form.values.email}
            error={form.errors.email}
            autocomplete="email"
          />
          <Field
            name="password"
            label="Password"
            type="password"
            error={form.errors.password}
            autocomplete="new-password"
            hint="At least 10 characters."
          />
          {/* A honeypot: people never see or reach it (placed off-screen by the stylesheet, out of the tab order),
              screen readers are told to leave it empty, and a bot filling every field gives itself away. */}
          <div class="form-trap">
            <label for="field-website">Leave this field empty</label>
            <input id="field-website" name={HONEYPOT_FIELD} type="text" value="" tabindex={-1} autocomplete="off" />
          </div>
          <button type="submit">Sign up</button>
        </form>
        <p>
          Already have an account? <a href="/login">Log in</a>
        </p>
      </section>
    </Layout>
  );
}

export function LoginPage({
  ctx,
  form,
  next,
  carry = [],
}: {
  ctx: PageContext;
  form: FormState;
  next: string;
  /** Unsaved form fields from a page whose session ended, handed back after login. */
  carry?: [string, string][];
}) {
  return (
    <Layout ctx={ctx} title="Log in" math={false}>
      <section class="auth-page">
        <h1>Log in</h1>
        <form method="post" action="/login" class="stack-form" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="next" value={next} />
          {carry.map(([name, value]) => (
            <input type="hidden" name={`carry:${name}`} value={value} />
          ))}
          <FormError message={form.message} />
          <Field
            name="login"
            label="Username or email"
            value={form.values.login}
            error={form.errors.login}
            autocomplete="username"
          />
          <Field
            name="password"
            label="Password"
            type="password"
            error={form.errors.password}
            autocomplete="current-password"
          />
          <button type="submit">Log in</button>
        </form>
        <p>
          <a href="/forgot-password">Forgot password?</a>
        </p>
        <p>
          New here? <a href="/signup">Create an account</a>
        </p>
      </section>
    </Layout>
  );
}

/** After logging in again: the unsaved text goes back to the page it came from. */
export function ResumePage(props: { ctx: PageContext; action: string; fields: [string, string][] }) {
  return (
    <Layout ctx={props.ctx} title="Welcome back" math={false}>
      <section class="narrow">
        <h1>Welcome back</h1>
        <p>You are logged in again. Your unsaved text is safe; take it back to where you were.</p>
        <ResubmitForm
          action={props.action}
          fields={props.fields}
          csrfToken={props.ctx.csrfToken}
          label="Return to your text"
        />
      </section>
    </Layout>
  );
}
