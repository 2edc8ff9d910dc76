import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { tagFeedRef } from '../feeds/links.js';
import { SubscribeLink } from '../notifications/links.js';
import type { HistoryWords } from '../posts/history.js';
import type { FormState } from '../sequences/form-state.js';
import { Excerpt } from '../web/excerpt.js';
import { Field, FormError, TextAreaField } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { tagHistoryPath, tagPath } from './paths.js';
import type { TagListItem, TagRow } from './queries.js';
import { MAX_TAG_NAME_CHARS, type TagListSort, type TagPostSort } from './validation.js';

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export const TAG_HISTORY_WORDS: HistoryWords = {
  empty: 'This tag has no revisions yet.',
  intro: 'Each revision shows what changed and the tag’s description as readers saw it then.',
  firstMark: ' (created)',
  firstVersion: 'The first version. ',
  title: 'Name',
  titled: 'named',
  nothingChanged: 'Nothing in the name or the description changed.',
  textUnchanged: 'The description did not change.',
};

const LIST_SORT_LABELS: Record<TagListSort, string> = { posts: 'Most posts', name: 'A–Z' };

export function TagListPage(props: {
  ctx: PageContext;
  sort: TagListSort;
  tags: TagListItem[];
  nextHref: string | undefined;
  continued: boolean;
  canCreate: boolean;
}) {
  return (
    <Layout ctx={props.ctx} title="Tags" math={false} description={`The topics of ${props.ctx.site.name}'s posts.`}>
      <section class="narrow tag-index" aria-labelledby="tags-heading">
        <h1 id="tags-heading">{props.continued ? 'More tags' : 'Tags'}</h1>
        <p class="post-meta">
          Each tag is a short wiki page about a topic, with the posts about it.
          {props.canCreate ? (
            <>
              {' '}
              <a href="/tags/new">Create a tag</a>
            </>
          ) : null}
        </p>
        <nav class="list-tabs tag-sorts" aria-label="Order tags by">
          {(['posts', 'name'] as const).map((sort) => (
            <a
              href={sort === 'posts' ? '/tags' : `/tags?sort=${sort}`}
              aria-current={sort === props.sort ? 'page' : undefined}
            >
              {LIST_SORT_LABELS[sort]}
            </a>
          ))}
        </nav>
        {props.tags.length === 0 ? (
          <p class="empty">No tags yet.</p>
        ) : (
          <ol class="tag-list" data-list="tags">
            {props.tags.map((tag) => (
              <li class="tag-item">
                <h2 class="tag-item-name">
                  <a href={tagPath(tag)}>{tag.name}</a> <span class="tag-count">{plural(tag.postCount, 'post')}</span>
                </h2>
                {tag.excerpt ? (
                  <p class="post-excerpt">
                    <Excerpt text={tag.excerpt} html={tag.excerptHtml} />
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {props.nextHref ? (
          <p class="load-more">
            <a href={props.nextHref} data-load-more="tags">
              More tags
            </a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

const POST_SORT_LABELS: Record<TagPostSort, string> = { relevance: 'Most relevant', new: 'Newest', top: 'Top' };

export function tagPostsHref(tag: { slug: string }, sort: TagPostSort): string {
  return sort === 'relevance' ? tagPath(tag) : `${tagPath(tag)}?sort=${sort}`;
}

export function TagPage(props: {
  ctx: PageContext;
  tag: TagRow;
  sort: TagPostSort;
  /** The shared list of posts, rendered (see routes.tsx). */
  postsHtml: string;
  /** A "Load more" page: the list only, under the tag's name. */
  continued: boolean;
  canEdit: boolean;
  canonicalUrl: string;
  /** The logged-in reader's frontpage filter control for this tag. */
  filterControl?: Child;
}) {
  const { tag } = props;
  return (
    <Layout
      ctx={props.ctx}
      title={props.continued ? `More posts tagged ${tag.name}` : tag.name}
      canonical={props.continued ? undefined : props.canonicalUrl}
      description={tag.descriptionExcerpt || undefined}
      feeds={[tagFeedRef(tag)]}
      math={!props.continued && tag.descriptionHtml !== ''}
    >
      <section class="narrow tag-page" aria-labelledby="tag-name">
        <p class="breadcrumb">
          <a href="/tags">Tags</a>
          {props.continued ? (
            <>
              {' '}
              · <a href={tagPath(tag)}>{tag.name}</a>
            </>
          ) : null}
        </p>
        <h1 id="tag-name">{props.continued ? `More posts tagged “${tag.name}”` : tag.name}</h1>
        {props.continued ? null : (
          <>
            <p class="post-meta">
              {plural(tag.postCount, 'post')} · <a href={tagHistoryPath(tag)}>History</a>
              {props.canEdit ? (
                <>
                  {' '}
                  · <a href={`${tagPath(tag)}/edit`}>Edit tag</a>
                </>
              ) : null}{' '}
              · <SubscribeLink type="tag" targetKey={tag.id} next={tagPath(tag)} />
            </p>
            {props.filterControl ?? null}
            {tag.descriptionHtml ? (
              <div class="tag-description content">{raw(tag.descriptionHtml)}</div>
            ) : (
              <p class="empty">This tag has no description yet.</p>
            )}
          </>
        )}
        <section class="tag-posts" aria-labelledby="tag-posts-heading">
          <h2 id="tag-posts-heading">Posts</h2>
          <nav class="list-tabs" aria-label="Order posts by">
            {(['relevance', 'new', 'top'] as const).map((sort) => (
              <a href={tagPostsHref(tag, sort)} aria-current={sort === props.sort ? 'page' : undefined}>
                {POST_SORT_LABELS[sort]}
              </a>
            ))}
          </nav>
          {raw(props.postsHtml)}
        </section>
      </section>
    </Layout>
  );
}

export type TagFormValues = { name: string; description: string; note: string };

/** A refused form: its state, and the tag whose name was taken (linked beside the message). */
export interface TagFormState extends FormState<TagFormValues> {
  existing?: { name: string; slug: string } | undefined;
}

function TagFields({ state, editing }: { state: TagFormState; editing: boolean }) {
  const { values, errors } = state;
  return (
    <>
      <Field
        name="name"
        label="Name"
        value={values.name}
        error={errors.name}
        hint={`Up to ${MAX_TAG_NAME_CHARS} characters: letters, digits, spaces and ' . , : & + / ( ) # -`}
        required={false}
      />
      {state.existing ? (
        <p class="tag-existing">
          See the existing tag: <a href={tagPath(state.existing)}>{state.existing.name}</a>
        </p>
      ) : null}
      <TextAreaField
        name="description"
        label="Description"
        hint="Markdown, with math as in posts. Say what the topic is and what belongs under it."
        value={values.description}
        error={errors.description}
        rows={10}
      />
      {editing ? (
        <Field
          name="note"
          label="What changed (optional)"
          value={values.note}
          error={errors.note}
          hint="Shown in the tag's history."
          required={false}
        />
      ) : null}
    </>
  );
}

/** The form creating a tag (`tag` absent) or editing one. */
export function TagFormPage(props: { ctx: PageContext; state: TagFormState; tag?: TagRow | undefined }) {
  const { tag } = props;
  const action = tag ? `${tagPath(tag)}/edit` : '/tags/new';
  return (
    <Layout ctx={props.ctx} title={tag ? `Edit ${tag.name}` : 'New tag'} math={false}>
      <section class="narrow tag-editor">
        <p class="breadcrumb">{tag ? <a href={tagPath(tag)}>← {tag.name}</a> : <a href="/tags">← Tags</a>}</p>
        <h1>{tag ? 'Edit tag' : 'New tag'}</h1>
        <form method="post" action={action} class="stack-form">
          <CsrfField token={props.ctx.csrfToken} />
          <FormError message={props.state.message} />
          <TagFields state={props.state} editing={!!tag} />
          <button type="submit">{tag ? 'Save changes' : 'Create tag'}</button>
        </form>
      </section>
    </Layout>
  );
}
