import { NEW_MEMBER_KARMA } from '../limits/limits.js';
import { Field, FieldError, FormError, TextAreaField } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { EMPTY_TIER_ROWS, type SettingsFormValues, TIER_FIELDS, type TierField, tierFieldName } from './form.js';

export interface SettingsFormState {
  values: SettingsFormValues;
  errors: Record<string, string>;
  message?: string | undefined;
  notice?: string | undefined;
}

const TIER_HEADINGS: Record<TierField, string> = {
  belowKarma: 'Karma below',
  postsPerWeek: 'Posts per week',
  commentsPerDay: 'Comments per day',
};

/** One cell of the tiers table: a number input labelled by its column and row (for screen readers). */
function TierCell(props: { row: number; field: TierField; value: string; error: string | undefined }) {
  const name = tierFieldName(props.row, props.field);
  const id = `field-tiers-${props.row}-${props.field}`;
  return (
    <td class={props.error ? 'field-invalid' : undefined}>
      <label for={id} class="visually-hidden">
        {TIER_HEADINGS[props.field]}, row {props.row + 1}
      </label>
      <input
        id={id}
        name={name}
        type="text"
        inputmode="numeric"
        size={8}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
      />
      <FieldError id={`${id}-error`} error={props.error} />
    </td>
  );
}

/** /admin/settings: the site's name and description, the review policy and the karma-tier write limits. */
export function SiteSettingsPage({ ctx, state }: { ctx: PageContext; state: SettingsFormState }) {
  const { values, errors } = state;
  const rows = [
    ...values.tiers,
    ...Array.from({ length: EMPTY_TIER_ROWS }, () => ({ belowKarma: '', postsPerWeek: '', commentsPerDay: '' })),
  ];
  return (
    <Layout ctx={ctx} title="Site settings" math={false}>
      <section class="settings-page">
        <h1>Site settings</h1>
        <p>
          Emails the forum sent, or kept when no SMTP server is set: <a href="/admin/outbox">the outbox</a>.
        </p>
        {state.notice ? (
          <p class="notice" role="status">
            {state.notice}
          </p>
        ) : null}
        <form method="post" action="/admin/settings" class="stack-form" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FormError message={state.message} />
          <fieldset>
            <legend>The site</legend>
            <Field
              name="name"
              label="Name"
              value={values.name}
              error={errors.name}
              autocomplete="off"
              hint="Shown in the header, in every page's title and in the feeds. At most 80 characters."
            />
            <TextAreaField
              name="description"
              label="Description"
              hint="The frontpage's description for search engines and link previews, and the footer. At most 300 characters."
              value={values.description}
              error={errors.description}
              rows={3}
            />
          </fieldset>
          <fieldset>
            <legend>Review</legend>
            <div class="field checkbox-field">
              <input
                id="field-reviewNewMembers"
                name="reviewNewMembers"
                type="checkbox"
                checked={values.reviewNewMembers}
              />{' '}
              <label for="field-reviewNewMembers">
                New members’ first post and first comment wait for a moderator’s approval
              </label>
            </div>
          </fieldset>
          <fieldset>
            <legend>Rate limits</legend>
            <p class="field-hint" id="field-tiers-hint">
              What members may write, by karma: the lowest row whose bound a member’s karma is below applies; moderators
              and admins are not limited. Posts count by publication in the last week, comments by writing in the last
              day, including those awaiting review. Empty a row to remove it.
            </p>
            <table class="settings-tiers" aria-describedby="field-tiers-hint">
              <thead>
                <tr>
                  {TIER_FIELDS.map((field) => (
                    <th scope="col">{TIER_HEADINGS[field]}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => (
                  <tr>
                    {TIER_FIELDS.map((field) => (
                      <TierCell
                        row={index}
                        field={field}
                        value={row[field]}
                        error={errors[tierFieldName(index, field)]}
                      />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <Field
              name="newMemberLinks"
              label={`Links to other sites per post or comment, for members with less than ${NEW_MEMBER_KARMA} karma`}
              value={values.newMemberLinks}
              error={errors.newMemberLinks}
              required={false}
              autocomplete="off"
              hint="Leave empty for no limit."
            />
          </fieldset>
          <button type="submit">Save settings</button>
        </form>
      </section>
    </Layout>
  );
}
