import { Field, FormError } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import type { FormState } from './views.js';

/** The member's address as the email section shows it (recovery.ts accountEmail). */
export interface EmailState {
  email: string;
  verified: boolean;
  /** A new address waiting for its confirmation link to be followed. */
  pending: string | undefined;
}

/** What a redirect after a change tells the member (?changed=…). */
const NOTICES = {
  password: 'Your password is changed. Every other session of yours has ended; this one goes on.',
  email: 'We have sent a confirmation link to your new address. Your address changes when you follow it.',
  verify: 'We have sent you a new verification link.',
} as const;
export type SettingsNotice = keyof typeof NOTICES;

/**
 * /settings: what a member changes about their account. Display name and bio are on the profile's edit page
 * (linked, not repeated here); notification settings come with notifications.
 */
export function AccountSettingsPage(props: {
  ctx: PageContext;
  username: string;
  email: EmailState;
  password: FormState;
  emailForm?: FormState;
  changed?: SettingsNotice | undefined;
}) {
  const { ctx, password } = props;
  const emailForm = props.emailForm ?? { values: {}, errors: {} };
  return (
    <Layout ctx={ctx} title="Account settings" math={false}>
      <section class="narrow account-settings">
        <h1>Account settings</h1>
        <p>
          Your display name and bio: <a href={`/users/${props.username}/edit`}>edit your profile</a>. Users banned from
          commenting on your posts: <a href="/settings/commenter-bans">banned commenters</a>. What reaches you and how:{' '}
          <a href="/settings/notifications">notification settings</a>.
        </p>
        {props.changed ? (
          <p class="notice" role="status">
            {NOTICES[props.changed]}
          </p>
        ) : null}
        <h2>Email address</h2>
        <p>
          Your address: <strong>{props.email.email}</strong>{' '}
          {props.email.verified ? '(verified).' : '(not verified yet: we send you no email but account links).'}
        </p>
        {props.email.verified ? null : (
          <form method="post" action="/settings/email/verify">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit" class="secondary">
              Send the verification link again
            </button>
          </form>
        )}
        {props.email.pending ? (
          <p>
            Waiting for confirmation: <strong>{props.email.pending}</strong> (follow the link we sent there).
          </p>
        ) : null}
        <form method="post" action="/settings/email" class="stack-form" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FormError message={emailForm.message} />
          <Field
            name="email"
            label="New email address"
            type="email"
            value={emailForm.values.email}
            error={emailForm.errors.email}
            autocomplete="email"
            hint="We send a confirmation link there; your address changes when you follow it."
          />
          <Field
            name="emailPassword"
            label="Current password"
            type="password"
            error={emailForm.errors.emailPassword}
            autocomplete="current-password"
          />
          <button type="submit">Change email</button>
        </form>
        <h2>Change your password</h2>
        <form method="post" action="/settings/password" class="stack-form" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FormError message={password.message} />
          <Field
            name="current"
            label="Current password"
            type="password"
            error={password.errors.current}
            autocomplete="current-password"
          />
          <Field
            name="password"
            label="New password"
            type="password"
            error={password.errors.password}
            autocomplete="new-password"
            hint="At least 10 characters. Your other sessions end when you change it."
          />
          <button type="submit">Change password</button>
        </form>
        <h2>Sessions</h2>
        <p>Log out on every browser and device where you are logged in, this one included.</p>
        <form method="post" action="/settings/logout-everywhere">
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="secondary">
            Log out everywhere
          </button>
        </form>
      </section>
    </Layout>
  );
}
