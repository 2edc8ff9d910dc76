import { tagPath } from '../tags/paths.js';
import { CsrfField, type PageContext } from '../web/layout.js';
import { FORM_MODES, type FormMode, MODE_LABELS, type TagFilter, type TagOption } from './tag-filters.js';

/** A refused filter change, shown above the list with what the reader sent. */
export interface TagFilterError {
  message: string;
  fields: Record<string, string>;
  values: Record<string, string>;
}

function ModeSelect(props: { id: string; selected: string | undefined; invalid?: boolean }) {
  return (
    <select id={props.id} name="mode" aria-invalid={props.invalid ? 'true' : undefined}>
      {FORM_MODES.map((mode: FormMode) => (
        <option value={mode} selected={mode === props.selected}>
          {MODE_LABELS[mode]}
        </option>
      ))}
    </select>
  );
}

/** The fields every filter form carries: the token, whose filters (checked by the route), and the way back. */
function FormBasics(props: { ctx: PageContext; returnTo: string }) {
  return (
    <>
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="userId" value={props.ctx.user?.id ?? ''} />
      <input type="hidden" name="returnTo" value={props.returnTo} />
    </>
  );
}

function Chip(props: { ctx: PageContext; filter: TagFilter; returnTo: string; controls: boolean }) {
  const { filter } = props;
  const label = MODE_LABELS[filter.mode];
  if (!props.controls) {
    return (
      <li class={`tag-filter-chip tag-filter-${filter.mode}`}>
        <a href={tagPath(filter)}>{filter.name}</a> <span class="tag-filter-mode">{label}</span>
      </li>
    );
  }
  const id = `tag-filter-${filter.tagId}`;
  return (
    <li class={`tag-filter-chip tag-filter-${filter.mode}`}>
      <form method="post" action="/tag-filters" class="tag-filter-form">
        <FormBasics ctx={props.ctx} returnTo={props.returnTo} />
        <input type="hidden" name="tagId" value={filter.tagId} />
        <a href={tagPath(filter)}>{filter.name}</a>{' '}
        <label for={id} class="visually-hidden">
          Filter for {filter.name}
        </label>
        <ModeSelect id={id} selected={filter.mode} /> <button type="submit">Set</button>
      </form>
    </li>
  );
}

function AddFilter(props: {
  ctx: PageContext;
  options: TagOption[];
  returnTo: string;
  error?: TagFilterError | undefined;
}) {
  const values = props.error?.values ?? {};
  const fields = props.error?.fields ?? {};
  if (props.options.length === 0) return <p class="tag-filter-hint">No tags to filter by yet.</p>;
  return (
    <details class="tag-filter-add" open={props.error ? true : undefined}>
      <summary>Add a filter</summary>
      <p class="tag-filter-hint">The most used tags; any tag’s own page can set its filter too.</p>
      <form method="post" action="/tag-filters" class="tag-filter-form">
        <FormBasics ctx={props.ctx} returnTo={props.returnTo} />
        <label for="tag-filter-new-tag">Tag</label>{' '}
        <select id="tag-filter-new-tag" name="tagId" aria-invalid={fields.tagId ? 'true' : undefined}>
          {props.options.map((tag) => (
            <option value={tag.id} selected={tag.id === values.tagId}>
              {tag.name}
            </option>
          ))}
        </select>{' '}
        <label for="tag-filter-new-mode">Mode</label>{' '}
        <ModeSelect id="tag-filter-new-mode" selected={values.mode ?? 'hidden'} invalid={!!fields.mode} />{' '}
        <button type="submit">Add filter</button>
      </form>
    </details>
  );
}

/**
 * The chips above the frontpage list: one per filtered tag with its mode, changeable by a logged-in reader (a
 * form per chip, no script needed) beside an "Add a filter" form; for logged-out readers the site's defaults,
 * without controls. Nothing at all for a logged-out reader when the site has no defaults.
 */
export function TagFilterBar(props: {
  ctx: PageContext;
  filters: TagFilter[];
  /** Tags offered by the add form (logged-in readers only). */
  options: TagOption[];
  returnTo: string;
  error?: TagFilterError | undefined;
}) {
  const { ctx, filters, error } = props;
  const loggedIn = ctx.user !== null;
  if (!loggedIn && filters.length === 0 && !error) return null;
  return (
    <div class="tag-filters">
      {error ? (
        <div class="form-error" role="alert">
          <p>{error.message}</p>
          {Object.entries(error.fields).map(([field, problem]) => (
            <p class="field-error">
              {field}: {problem}
            </p>
          ))}
        </div>
      ) : null}
      {filters.length > 0 ? (
        <ul class="tag-filter-chips">
          {filters.map((filter) => (
            <Chip ctx={ctx} filter={filter} returnTo={props.returnTo} controls={loggedIn} />
          ))}
        </ul>
      ) : null}
      {loggedIn ? (
        <AddFilter ctx={ctx} options={props.options} returnTo={props.returnTo} error={error} />
      ) : (
        <p class="tag-filter-hint">
          {filters.length > 0 ? 'The site’s default tag filters. ' : ''}
          <a href="/login?next=%2F">Log in</a> to choose your own.
        </p>
      )}
    </div>
  );
}

/**
 * A tag page's control for the reader's filter on that tag (the frontpage offers only the most used tags). A
 * refused change is shown on the frontpage, where the filters are.
 */
export function TagFilterControl(props: { ctx: PageContext; tagId: string; tagName: string; mode: FormMode }) {
  return (
    <form method="post" action="/tag-filters" class="tag-filter-form tag-filter-control">
      <FormBasics ctx={props.ctx} returnTo={props.ctx.url ?? '/'} />
      <input type="hidden" name="tagId" value={props.tagId} />
      <label for="tag-filter-this">On your frontpage, posts tagged “{props.tagName}” are</label>{' '}
      <ModeSelect id="tag-filter-this" selected={props.mode} /> <button type="submit">Set</button>
    </form>
  );
}
