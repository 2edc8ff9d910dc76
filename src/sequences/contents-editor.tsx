import { postPath } from '../posts/paths.js';
import { FieldError, FormError } from '../web/forms.js';
import { CsrfField } from '../web/layout.js';
import { MAX_POSITION } from './arrange.js';
import type { FormState } from './form-state.js';
import type { AvailablePost } from './list-queries.js';
import { sequencePath } from './paths.js';
import type { ContentsChapter } from './queries.js';

export interface ContentsState {
  sequenceId: string;
  chapters: ContentsChapter[];
  available: AvailablePost[];
  /** The order form as last submitted (field → value), kept when it is refused. */
  order: FormState<Record<string, string>>;
  addPost: FormState<{ postId: string; chapterId: string }>;
  addChapter: FormState<{ title: string }>;
}

/**
 * One "move up/down" button of the contents form: it submits the whole form to its own action (so typed titles
 * and positions travel along), and data-focus-key lets the client script put focus back on it after the move.
 */
function MoveButton(props: {
  action: string;
  direction: 'up' | 'down';
  disabled: boolean;
  /** The accessible name, when the visible text alone does not say what moves. */
  label?: string;
  focusKey: string;
  children: string;
}) {
  return (
    <button
      type="submit"
      class="secondary"
      formnovalidate
      formaction={props.action}
      name="direction"
      value={props.direction}
      disabled={props.disabled}
      aria-label={props.label}
      data-focus-key={props.focusKey}
    >
      {props.children}
    </button>
  );
}

function ChapterOptions({ chapters, selected }: { chapters: ContentsChapter[]; selected: string }) {
  return (
    <>
      {chapters.map((chapter, index) => (
        <option value={chapter.id} selected={chapter.id === selected}>
          {index + 1}. {chapter.title || 'Untitled chapter'}
        </option>
      ))}
    </>
  );
}

/** Posts and chapters: the part of the editor the client script replaces in place after each button. */
export function ContentsEditor({ state, csrfToken }: { state: ContentsState; csrfToken: string }) {
  const { chapters, order } = state;
  const base = sequencePath(state.sequenceId);
  const value = (name: string, fallback: string) => order.values[name] ?? fallback;
  const total = chapters.reduce((n, c) => n + c.posts.length, 0);
  let number = 0;
  return (
    <div id="sequence-contents" class="sequence-contents" data-sequence-contents>
      <h2>Posts and chapters</h2>
      <form method="post" action={`${base}/order`} class="sequence-order-form" data-sequence-order>
        <CsrfField token={csrfToken} />
        <FormError message={order.message} />
        <p class="field-hint">
          Move posts one place at a time with the arrows (they cross into the next chapter at its edge), or type new
          positions, choose chapters, rename chapters, and save.
        </p>
        {/* First submit button in the form: pressing Enter in a field saves rather than moving something. */}
        <p class="order-buttons">
          <button type="submit">Save order and chapter titles</button>
        </p>
        {chapters.map((chapter, index) => (
          <fieldset class="sequence-edit-chapter">
            <legend>
              Chapter {index + 1}
              {chapter.title ? `: ${chapter.title}` : ''}
            </legend>
            <div class={order.errors[`title.${chapter.id}`] ? 'field field-invalid' : 'field'}>
              <label for={`title-${chapter.id}`}>Chapter title (optional)</label>
              <input
                id={`title-${chapter.id}`}
                name={`title.${chapter.id}`}
                type="text"
                value={value(`title.${chapter.id}`, chapter.title)}
              />
              <FieldError id={`title-${chapter.id}-error`} error={order.errors[`title.${chapter.id}`]} />
            </div>
            <p class="chapter-actions">
              <MoveButton
                action={`${base}/chapters/${chapter.id}/move`}
                direction="up"
                disabled={index === 0}
                focusKey={`chapter-up-${chapter.id}`}
              >
                Move chapter up
              </MoveButton>
              <MoveButton
                action={`${base}/chapters/${chapter.id}/move`}
                direction="down"
                disabled={index === chapters.length - 1}
                focusKey={`chapter-down-${chapter.id}`}
              >
                Move chapter down
              </MoveButton>
              {chapters.length > 1 ? (
                <button
                  type="submit"
                  class="secondary danger"
                  formnovalidate
                  formaction={`${base}/chapters/${chapter.id}/delete`}
                  data-focus-key={`chapter-delete-${chapter.id}`}
                >
                  Delete chapter (keeps its posts)
                </button>
              ) : null}
            </p>
            {chapter.posts.length === 0 ? (
              <p class="empty">No posts in this chapter yet.</p>
            ) : (
              <ol class="sequence-edit-posts" start={number + 1}>
                {chapter.posts.map((post, place) => {
                  number += 1;
                  const positionError = order.errors[`position.${post.id}`];
                  const chapterError = order.errors[`chapter.${post.id}`];
                  return (
                    <li class="sequence-edit-post" data-post-id={post.id}>
                      <span class="position-field">
                        <label class="visually-hidden" for={`position-${post.id}`}>
                          Position of “{post.title}”
                        </label>
                        <input
                          id={`position-${post.id}`}
                          name={`position.${post.id}`}
                          type="number"
                          min={1}
                          max={MAX_POSITION}
                          inputmode="numeric"
                          value={value(`position.${post.id}`, String(number))}
                          aria-invalid={positionError ? 'true' : undefined}
                        />
                      </span>
                      <span class="sequence-edit-title">
                        <a href={postPath(post)}>{post.title}</a>
                        {post.deleted ? (
                          <span class="muted"> (deleted — hidden from readers)</span>
                        ) : post.status !== 'published' ? (
                          <span class="muted"> (draft — hidden from readers)</span>
                        ) : null}
                      </span>
                      {chapters.length > 1 ? (
                        <span class="chapter-field">
                          <label for={`chapter-${post.id}`}>Chapter</label>{' '}
                          <select id={`chapter-${post.id}`} name={`chapter.${post.id}`}>
                            <ChapterOptions chapters={chapters} selected={value(`chapter.${post.id}`, chapter.id)} />
                          </select>
                        </span>
                      ) : null}
                      <span class="sequence-edit-buttons">
                        <MoveButton
                          action={`${base}/posts/${post.id}/move`}
                          direction="up"
                          disabled={place === 0 && index === 0}
                          label={`Move “${post.title}” up`}
                          focusKey={`up-${post.id}`}
                        >
                          ↑ Up
                        </MoveButton>
                        <MoveButton
                          action={`${base}/posts/${post.id}/move`}
                          direction="down"
                          disabled={place === chapter.posts.length - 1 && index === chapters.length - 1}
                          label={`Move “${post.title}” down`}
                          focusKey={`down-${post.id}`}
                        >
                          ↓ Down
                        </MoveButton>
                        <button
                          type="submit"
                          class="secondary"
                          formnovalidate
                          formaction={`${base}/posts/${post.id}/remove`}
                          aria-label={`Remove “${post.title}” from the sequence`}
                        >
                          Remove
                        </button>
                      </span>
                      <FieldError id={`position-${post.id}-error`} error={positionError ?? chapterError} />
                    </li>
                  );
                })}
              </ol>
            )}
          </fieldset>
        ))}
        {total > 0 ? (
          <p class="order-buttons">
            <button type="submit">Save order and chapter titles</button>
          </p>
        ) : null}
      </form>
      <AddPostForm state={state} csrfToken={csrfToken} />
      <AddChapterForm state={state} csrfToken={csrfToken} />
    </div>
  );
}

function AddPostForm({ state, csrfToken }: { state: ContentsState; csrfToken: string }) {
  const { addPost, chapters, available } = state;
  return (
    <form method="post" action={`${sequencePath(state.sequenceId)}/posts`} class="stack-form add-post-form">
      <h3>Add a post</h3>
      <CsrfField token={csrfToken} />
      <FormError message={addPost.message} />
      {available.length === 0 ? (
        <p class="empty">
          All your published posts are in this sequence. <a href="/posts/new">Write a new post</a>.
        </p>
      ) : (
        <>
          <div class={addPost.errors.postId ? 'field field-invalid' : 'field'}>
            <label for="field-postId">Post</label>
            <select
              id="field-postId"
              name="postId"
              aria-describedby={addPost.errors.postId ? 'field-postId-error' : undefined}
            >
              {available.map((post) => (
                <option value={post.id} selected={post.id === addPost.values.postId}>
                  {post.title}
                </option>
              ))}
            </select>
            <FieldError id="field-postId-error" error={addPost.errors.postId} />
          </div>
          {chapters.length > 1 ? (
            <div class={addPost.errors.chapterId ? 'field field-invalid' : 'field'}>
              <label for="field-chapterId">To the end of chapter</label>
              <select id="field-chapterId" name="chapterId">
                <ChapterOptions
                  chapters={chapters}
                  selected={addPost.values.chapterId || (chapters.at(-1)?.id ?? '')}
                />
              </select>
              <FieldError id="field-chapterId-error" error={addPost.errors.chapterId} />
            </div>
          ) : null}
          <button type="submit" data-focus-key="add-post">
            Add post
          </button>
        </>
      )}
    </form>
  );
}

function AddChapterForm({ state, csrfToken }: { state: ContentsState; csrfToken: string }) {
  const { addChapter } = state;
  return (
    <form method="post" action={`${sequencePath(state.sequenceId)}/chapters`} class="stack-form add-chapter-form">
      <h3>Add a chapter</h3>
      <CsrfField token={csrfToken} />
      <FormError message={addChapter.message} />
      <div class={addChapter.errors.title ? 'field field-invalid' : 'field'}>
        <label for="field-chapter-title">Chapter title</label>
        <input
          id="field-chapter-title"
          name="title"
          type="text"
          value={addChapter.values.title}
          aria-invalid={addChapter.errors.title ? 'true' : undefined}
          aria-describedby={addChapter.errors.title ? 'field-chapter-title-error' : undefined}
        />
        <FieldError id="field-chapter-title-error" error={addChapter.errors.title} />
      </div>
      <button type="submit" class="secondary">
        Add chapter
      </button>
    </form>
  );
}
