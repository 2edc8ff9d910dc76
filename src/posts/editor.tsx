import { raw } from 'hono/html';
import { TagChoiceField } from '../tags/links-views.js';
import { Field, FieldError, FormError, TextAreaField } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';

export interface EditorState {
  /** Undefined while writing a new post. */
  postId?: string | undefined;
  /** 'pending': submitted and waiting for a moderator (src/review). */
  status: 'draft' | 'pending' | 'published';
  /** guidelines: the author's moderation guidelines, shown above the comment box (moderation/guidelines.ts). */
  values: { title: string; body: string; note: string; guidelines?: string };
  errors: Record<string, string>;
  message?: string | undefined;
  /** Rendered preview HTML, when the author asked for one. */
  previewHtml?: string | undefined;
  notice?: string | undefined;
  /** The author pressed Unpublish: ask them to confirm before the post leaves readers. */
  confirmUnpublish?: boolean;
  /** Every tag, and the ids of those chosen for this post (as saved, or as the author last sent them). */
  tags?: { choices: { id: string; name: string }[]; chosen: readonly string[] } | undefined;
}

function editorAction(postId: string | undefined): string {
  return postId ? `/posts/${postId}/edit` : '/posts/new';
}

/** What a writer can type, under the editor: the math, footnote and table syntax at a glance. */
function WritingHelp() {
  const rows: [string, string][] = [
    ['Inline math', '$x^2$  or  \\(x^2\\)'],
    ['Displayed math', '$$\\int_0^1 f(x)\\,dx$$  or  \\[ … \\] on lines of their own'],
    [
      'Environments (no $$ needed)',
      '\\begin{align} a &= b \\\\ c &= d \\end{align}, also equation, gather, multline, CD',
    ],
    ['Footnote', 'A claim.[^1]  …and anywhere below:  [^1]: The source.'],
    ['Table', '| n | f(n) |  then  |---|---|  then  | 2 | 4 |'],
    ['Heading, emphasis, link', '## Setup   *italic*   **bold**   [text](https://…)'],
    ['Code', '`inline`, or a block between lines of ```'],
  ];
  return (
    <details class="writing-help">
      <summary>Writing help: math, footnotes, tables</summary>
      <table>
        <tbody>
          {rows.map(([what, how]) => (
            <tr>
              <th scope="row">{what}</th>
              <td>
                <code>{how}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function EditorPage({ ctx, state }: { ctx: PageContext; state: EditorState }) {
  const { values, errors } = state;
  const heading = state.postId ? (state.status === 'published' ? 'Edit post' : 'Edit draft') : 'New post';
  return (
    <Layout ctx={ctx} title={heading}>
      <section class="editor-page">
        <h1>{heading}</h1>
        {state.notice ? (
          <p class="notice" role="status">
            {state.notice}
          </p>
        ) : null}
        {state.status === 'pending' ? (
          <p class="draft-badge">
            Awaiting review: Publish saves your changes and keeps the post in the queue; Save draft withdraws it.
          </p>
        ) : null}
        <div class="editor-grid">
          <form method="post" action={editorAction(state.postId)} class="editor-form stack-form" data-editor>
            <CsrfField token={ctx.csrfToken} />
            <FormError message={state.message} />
            <Field name="title" label="Title" value={values.title} error={errors.title} required={false} />
            <div class={errors.body ? 'field field-invalid' : 'field'}>
              <label for="field-body">Body</label>
              <p class="field-hint" id="field-body-hint">
                Markdown with math: <code>$x^2$</code> or <code>\(x^2\)</code> inline; <code>$$…$$</code>,{' '}
                <code>\[…\]</code> or <code>{'\\begin{align}…'}</code> on their own lines for display (in a sentence,{' '}
                <code>\[4\]</code> is just “[4]”); footnotes with <code>[^1]</code>. HTML tags other than simple
                formatting show as text.
              </p>
              <textarea
                id="field-body"
                name="body"
                rows={24}
                aria-invalid={errors.body ? 'true' : undefined}
                aria-describedby={errors.body ? 'field-body-hint field-body-error' : 'field-body-hint'}
              >
                {values.body}
              </textarea>
              <FieldError id="field-body-error" error={errors.body} />
            </div>
            {state.tags ? (
              <TagChoiceField choices={state.tags.choices} chosen={state.tags.chosen} error={errors.tags} />
            ) : null}
            <TextAreaField
              name="guidelines"
              label="Moderation guidelines (optional)"
              hint="Markdown, shown above the comment box: how you would like the discussion of this post to go."
              value={values.guidelines ?? ''}
              error={errors.guidelines}
              rows={3}
            />
            {state.status === 'published' ? (
              <div class={errors.note ? 'field field-invalid' : 'field'}>
                <label for="field-note">What changed? (optional)</label>
                <input
                  id="field-note"
                  name="note"
                  type="text"
                  value={values.note}
                  aria-describedby={errors.note ? 'field-note-error' : undefined}
                />
                <FieldError id="field-note-error" error={errors.note} />
              </div>
            ) : null}
            {state.confirmUnpublish ? (
              <div class="confirm-box" role="alert">
                <p>
                  <strong>Unpublish this post?</strong> Readers will no longer see it or its comments until you publish
                  it again. Your text is saved with it.
                </p>
                <input type="hidden" name="confirm" value="unpublish" />
                <div class="editor-buttons">
                  <button type="submit" name="intent" value="unpublish" class="danger">
                    Yes, unpublish
                  </button>
                  <button type="submit" name="intent" value="preview" class="secondary">
                    Keep it published
                  </button>
                </div>
              </div>
            ) : null}
            <div class="editor-buttons">
              <button type="submit" name="intent" value="preview" class="secondary">
                Preview
              </button>
              {state.status === 'published' ? (
                <>
                  <button type="submit" name="intent" value="save">
                    Save changes
                  </button>
                  <button type="submit" name="intent" value="unpublish" class="secondary">
                    Unpublish
                  </button>
                </>
              ) : (
                <>
                  <button type="submit" name="intent" value="draft" class="secondary">
                    Save draft
                  </button>
                  <button type="submit" name="intent" value="publish">
                    Publish
                  </button>
                </>
              )}
            </div>
            <WritingHelp />
          </form>
          <section class="preview" aria-labelledby="preview-heading" data-preview>
            <h2 id="preview-heading">Preview</h2>
            <div class="preview-body content" aria-live="polite">
              {state.previewHtml !== undefined ? (
                raw(state.previewHtml)
              ) : (
                <p class="preview-empty">Press Preview to see the post as readers will.</p>
              )}
            </div>
          </section>
        </div>
        {state.postId ? (
          <form method="post" action={`/posts/${state.postId}/delete`} class="delete-form">
            <CsrfField token={ctx.csrfToken} />
            <label class="checkbox-label">
              <input type="checkbox" name="confirm" value="yes" /> Yes, delete this post
            </label>
            <button type="submit" class="danger">
              Delete post
            </button>
            <FieldError id="field-confirm-error" error={errors.confirm} />
          </form>
        ) : null}
      </section>
    </Layout>
  );
}
