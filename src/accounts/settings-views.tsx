import { Field, FormError } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import type { FormState } from './views.js';

/**
 * /settings: what a member changes about their account. Display name and bio are on the profile's edit page;
 * email and notification settings come with notifications (issue #17).
 */
export function AccountSettingsPage(props: {
  ctx: PageContext;
  username: string;
  password: FormState;
  changed: boolean;
}) {
  const { ctx, password } = props;
  return (
    <Layout ctx={ctx} title="Account settings" math={false}>
      <section class="narrow account-settings">
        <h1>Account settings</h1>
        <p>
          Your display name and bio: <a href={`/users/${props.username}/edit`}>edit your profile</a>. Users banned from
          commenting on your posts: <a href="/settings/commenter-bans">banned commenters</a>.
        </p>
        <h2>Change your password</h2>
        {props.changed ? (
          <p class="notice" role="status">
            Your password is changed. Every other session of yours has ended; this one goes on.
          </p>
        ) : null}
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
