import { Field, FormError, TextAreaField } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { ContentsEditor, type ContentsState } from './contents-editor.js';
import type { FormState } from './form-state.js';
import { sequencePath } from './paths.js';
import type { SequenceRow } from './queries.js';

export type DetailsValues = { title: string; description: string };

/** Title and description, shared by the new-sequence form and the editor. */
function DetailsFields({ state }: { state: FormState<DetailsValues> }) {
  const { values, errors } = state;
  return (
    <>
      <Field name="title" label="Title" value={values.title} error={errors.title} required={false} />
      <TextAreaField
        name="description"
        label="Description"
        hint="Markdown, with math as in posts. Say what the sequence covers and whom it is for."
        value={values.description}
        error={errors.description}
        rows={8}
      />
    </>
  );
}

export function NewSequencePage({ ctx, state }: { ctx: PageContext; state: FormState<DetailsValues> }) {
  return (
    <Layout ctx={ctx} title="New sequence" math={false}>
      <section class="narrow sequence-editor">
        <h1>New sequence</h1>
        <p>
          A sequence collects your published posts in an order, optionally in chapters. Add posts after creating it.
        </p>
        <form method="post" action="/sequences/new" class="stack-form">
          <CsrfField token={ctx.csrfToken} />
          <FormError message={state.message} />
          <DetailsFields state={state} />
          <button type="submit">Create sequence</button>
        </form>
      </section>
    </Layout>
  );
}

export interface EditorPageState {
  sequence: SequenceRow;
  details: FormState<DetailsValues>;
  contents: ContentsState;
  deletion: FormState<Record<string, never>>;
  notice?: string | undefined;
}

export function SequenceEditorPage({ ctx, state }: { ctx: PageContext; state: EditorPageState }) {
  const base = sequencePath(state.sequence.id);
  return (
    <Layout ctx={ctx} title={`Edit ${state.sequence.title}`} math={false}>
      <section class="narrow sequence-editor">
        <p class="breadcrumb">
          <a href={base}>← {state.sequence.title}</a>
        </p>
        <h1>Edit sequence</h1>
        <p class="notice sequence-status" role="status" data-sequence-status hidden={!state.notice}>
          {state.notice}
        </p>
        <form method="post" action={`${base}/edit`} class="stack-form">
          <CsrfField token={ctx.csrfToken} />
          <FormError message={state.details.message} />
          <DetailsFields state={state.details} />
          <button type="submit">Save title and description</button>
        </form>
        <ContentsEditor state={state.contents} csrfToken={ctx.csrfToken} />
        <form method="post" action={`${base}/delete`} class="delete-form">
          <CsrfField token={ctx.csrfToken} />
          <FormError message={state.deletion.message} />
          <label class="checkbox-label">
            <input type="checkbox" name="confirm" value="yes" /> Yes, delete this sequence (its posts stay)
          </label>
          <button type="submit" class="danger">
            Delete sequence
          </button>
        </form>
      </section>
    </Layout>
  );
}
