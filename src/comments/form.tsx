import { raw } from 'hono/html';
import { FormError } from '../web/forms.js';
import { CsrfField } from '../web/layout.js';

export interface CommentFormState {
  body: string;
  error?: string | undefined;
  previewHtml?: string | undefined;
}

/** The one comment form: new comments, replies (inline or on their own page) and edits. */
export function CommentForm(props: {
  action: string;
  csrfToken: string;
  state: CommentFormState;
  parentId?: string | undefined;
  submitLabel: string;
  /** Distinguishes several forms on one page (label ids). */
  idSuffix?: string;
  /** An edit of an existing comment rather than a new comment or reply (the client script treats them apart). */
  edit?: boolean;
}) {
  const id = `comment-body${props.idSuffix ? `-${props.idSuffix}` : ''}`;
  return (
    <form
      method="post"
      action={props.action}
      class="comment-form stack-form"
      data-comment-form={props.edit ? 'edit' : 'new'}
    >
      <CsrfField token={props.csrfToken} />
      {props.parentId ? <input type="hidden" name="parentId" value={props.parentId} /> : null}
      <FormError message={props.state.error} />
      <div class={props.state.error ? 'field field-invalid' : 'field'}>
        <label for={id}>{props.parentId ? 'Your reply' : 'Your comment'}</label>
        <textarea id={id} name="body" rows={6} aria-invalid={props.state.error ? 'true' : undefined}>
          {props.state.body}
        </textarea>
      </div>
      {props.state.previewHtml !== undefined ? (
        <section class="comment-preview" aria-label="Preview">
          <h3>Preview</h3>
          <div class="content">{raw(props.state.previewHtml)}</div>
        </section>
      ) : null}
      <div class="editor-buttons">
        <button type="submit" name="intent" value="preview" class="secondary">
          Preview
        </button>
        <button type="submit" name="intent" value="submit">
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
