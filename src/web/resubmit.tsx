import { CsrfField } from './layout.js';

/**
 * A form that sends fields back to where they came from, so text a user typed survives an expired form or
 * session. Long values are shown in text areas the user can read and copy; passwords are never carried.
 */
export function ResubmitForm(props: { action: string; fields: [string, string][]; csrfToken: string; label: string }) {
  return (
    <form method="post" action={props.action} class="resubmit-form stack-form">
      <CsrfField token={props.csrfToken} />
      {props.fields.map(([name, value], i) =>
        value.length > 80 || value.includes('\n') ? (
          <div class="field">
            <label for={`resubmit-${i}`}>{name}</label>
            <textarea id={`resubmit-${i}`} name={name} rows={8}>
              {value}
            </textarea>
          </div>
        ) : (
          <input type="hidden" name={name} value={value} />
        ),
      )}
      <button type="submit">{props.label}</button>
    </form>
  );
}

/**
 * Form fields worth carrying across a resubmission: strings, not the CSRF token, never a password. A repeated
 * field (parseBody({ all: true }) gives its values as an array, e.g. a post's chosen tags) keeps every value.
 */
export function carriedFields(body: Record<string, unknown>, skip: string[] = []): [string, string][] {
  return Object.entries(body)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one) => [name, one]))
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .filter(([name]) => name !== '_csrf' && !name.toLowerCase().includes('password') && !skip.includes(name));
}
