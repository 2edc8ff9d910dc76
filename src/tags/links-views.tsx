import { raw } from 'hono/html';
import { CsrfField } from '../web/layout.js';
import { renderToString } from '../web/page.js';
import type { PostTagLink } from './links-queries.js';
import { tagPath } from './paths.js';
import type { RelevanceKind } from './relevance.js';

/** What a logged-in reader sees of a post's tags besides the tags: their votes and whether they may add one. */
export interface TagReader {
  csrfToken: string;
  /** Their relevance votes on the post's links, by tag id. */
  votes: Map<string, RelevanceKind>;
  /** Whether they may tag the post. */
  canTag: boolean;
  /**
   * Suggestions for "Add a tag", as the options of its datalist (tagOptionsHtml): the most used live tags not on
   * the post yet (any other is typed).
   */
  choicesHtml: string;
}

export interface PostTagsProps {
  postId: string;
  /** The path (and query) of the page showing the post: the forms come back to its tag list. */
  pageHref: string;
  tags: PostTagLink[];
  /** Undefined for a logged-out reader. */
  reader?: TagReader | undefined;
}

function relevanceTitle(link: PostTagLink): string {
  return `Relevance ${link.relevance}, from ${link.voteCount} ${link.voteCount === 1 ? 'vote' : 'votes'}`;
}

/**
 * A link's relevance buttons: a plain form per tag (back to the post's tag list without JavaScript). Each button
 * says which vote it sets and which the page shows ("up/none"), so a repeated submit changes nothing; pressing
 * the pressed one cancels it.
 */
function RelevanceVote(props: { postId: string; link: PostTagLink; reader: TagReader; returnTo: string }) {
  const { link, reader } = props;
  const current = reader.votes.get(link.tagId) ?? null;
  const shown = current ?? 'none';
  // A strong vote is shown as its direction (the buttons here are the normal ones; the API takes strong ones).
  const up = current === 'up' || current === 'strongUp';
  const down = current === 'down' || current === 'strongDown';
  return (
    <form
      method="post"
      action={`/posts/${props.postId}/tags/${link.tagId}/relevance`}
      class="tag-relevance"
      aria-label={`Relevance of ${link.name}`}
    >
      <CsrfField token={reader.csrfToken} />
      <input type="hidden" name="returnTo" value={props.returnTo} />
      <button
        type="submit"
        name="relevance"
        value={`${down ? current : 'down'}/${shown}`}
        aria-pressed={String(down)}
        aria-label={`Less relevant: ${link.name}`}
        title="Less relevant"
      >
        ↓
      </button>
      <span class="tag-relevance-score" title={relevanceTitle(link)}>
        {link.relevance}
      </span>
      <button
        type="submit"
        name="relevance"
        value={`${up ? current : 'up'}/${shown}`}
        aria-pressed={String(up)}
        aria-label={`More relevant: ${link.name}`}
        title="More relevant"
      >
        ↑
      </button>
    </form>
  );
}

function TagItems(props: { postId: string; tags: PostTagLink[]; reader?: TagReader | undefined; returnTo: string }) {
  return (
    <>
      {props.tags.map((link) => (
        <li class="post-tag">
          <a href={tagPath(link)} class="post-tag-link" title={props.reader ? undefined : relevanceTitle(link)}>
            {link.name}
          </a>
          {props.reader ? (
            <RelevanceVote postId={props.postId} link={link} reader={props.reader} returnTo={props.returnTo} />
          ) : null}
        </li>
      ))}
    </>
  );
}

/**
 * The options of "Add a tag": the same for every reader of a post (up to a hundred of them), so rendered once
 * for the post and its tags (links-page.ts) rather than on every view.
 */
export async function tagOptionsHtml(choices: { name: string }[]): Promise<string> {
  const options = await Promise.all(choices.map((tag) => renderToString(<option value={tag.name} />)));
  return options.join('');
}

/**
 * A post's tags under its byline, as links to the tag pages. Links voted below 0 relevance are not shown to
 * logged-out readers (they are hidden from the tag page too); logged-in readers find them folded under the list,
 * with their buttons, so a link voted down by mistake can be voted back. Logged-in readers also get relevance
 * buttons and, when they may tag the post, an "Add a tag" form.
 */
export function PostTags(props: PostTagsProps) {
  const { reader } = props;
  const shown = props.tags.filter((link) => link.relevance >= 0);
  const low = props.tags.filter((link) => link.relevance < 0);
  const returnTo = `${props.pageHref}#post-tags`;
  const canAdd = !!reader && reader.canTag;
  if (shown.length === 0 && !reader) return null;
  if (shown.length === 0 && low.length === 0 && !canAdd) return null;
  return (
    <div class="post-tags" id="post-tags">
      {/* A list's name from aria-label is not announced reliably (html-validate's aria-label-misuse); text is. */}
      {shown.length > 0 ? <span class="visually-hidden">Tags:</span> : null}
      {shown.length > 0 ? (
        <ul class="post-tag-list">
          <TagItems postId={props.postId} tags={shown} reader={reader} returnTo={returnTo} />
        </ul>
      ) : null}
      {reader && low.length > 0 ? (
        <details class="post-tags-low">
          <summary>
            {low.length} low-relevance {low.length === 1 ? 'tag' : 'tags'} (voted below 0, hidden from tag pages)
          </summary>
          <ul class="post-tag-list">
            <TagItems postId={props.postId} tags={low} reader={reader} returnTo={returnTo} />
          </ul>
        </details>
      ) : null}
      {reader && canAdd ? (
        <form method="post" action={`/posts/${props.postId}/tags`} class="post-tag-add">
          <CsrfField token={reader.csrfToken} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <label for="post-tag-choice">Add a tag</label>{' '}
          {/* A name, typed or picked from the most used tags (a datalist needs no script). */}
          <input
            id="post-tag-choice"
            name="tag"
            list="post-tag-options"
            required
            maxlength={60}
            autocomplete="off"
            placeholder="Tag name"
          />
          <datalist id="post-tag-options">{raw(reader.choicesHtml)}</datalist>{' '}
          <button type="submit" class="secondary">
            Add
          </button>
        </form>
      ) : null}
    </div>
  );
}

/**
 * The editor's choice of tags: without JavaScript a plain multiple select of every tag (the chosen ones
 * selected); client/tag-picker.ts turns it into a type-ahead with removable chips that keeps this select as the
 * field it submits. `tagsShown` tells the server the form had the field, so choosing none removes the tags.
 */
export function TagChoiceField(props: {
  choices: { id: string; name: string }[];
  chosen: readonly string[];
  error?: string | undefined;
}) {
  const chosen = new Set(props.chosen);
  const described = props.error ? 'field-tags-hint field-tags-error' : 'field-tags-hint';
  return (
    <div class={props.error ? 'field field-invalid tag-choice' : 'field tag-choice'} data-tag-picker>
      <label for="field-tags">Tags</label>
      <p class="field-hint" id="field-tags-hint">
        {props.choices.length === 0
          ? 'There are no tags yet.'
          : 'Choose the topics of your post (hold Ctrl or ⌘ to choose several).'}
      </p>
      <input type="hidden" name="tagsShown" value="1" />
      {props.choices.length > 0 ? (
        <select
          id="field-tags"
          name="tags"
          multiple
          size={Math.min(8, props.choices.length)}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={described}
        >
          {props.choices.map((tag) => (
            <option value={tag.id} selected={chosen.has(tag.id)}>
              {tag.name}
            </option>
          ))}
        </select>
      ) : null}
      {props.error ? (
        <p class="field-error" id="field-tags-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
