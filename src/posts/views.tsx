import { raw } from 'hono/html';
import { CommentForm } from '../comments/form.js';
import { CommentPager } from '../comments/pager.js';
import { COMMENT_SORTS, type CommentSort, DEFAULT_COMMENT_SORT, SORT_LABELS } from '../comments/sort.js';
import type { ThreadContext } from '../comments/views.js';
import { mathFontsUsed } from '../content/math-fonts.js';
import type { TocEntry } from '../content/render.js';
import { postCommentsFeedRef } from '../feeds/links.js';
import { CommentBoxNotes, PostModerationPanel } from '../moderation/views.js';
import { SubscribeLink } from '../notifications/links.js';
import { reportPath } from '../reports/paths.js';
import type { PendingComment } from '../review/queries.js';
import { PendingComments } from '../review/views.js';
import { PostTags, type PostTagsProps } from '../tags/links-views.js';
import type { VoteKind } from '../votes/kinds.js';
import { VoteButtons } from '../votes/views.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { BODY_MARK, SPLICE_MARK } from '../web/page.js';
import { Time } from '../web/time.js';
import type { PostPageSlots } from './page.js';
import { postPath } from './paths.js';
import type { PostRow } from './queries.js';

/** Posts with at least this many headings get a table of contents. */
const TOC_MIN_HEADINGS = 3;
const monthYear = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayMonthYear = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
/** Revisions this recent show their day ("Last revised 5 December 2026"); older ones their month. */
const RECENT_REVISION_MS = 30 * 86_400_000;

/** When a post was last revised, as precisely as a reader cares: the day while it is recent, else the month. */
export function lastRevisedLabel(at: Date, now = new Date()): string {
  return now.getTime() - at.getTime() < RECENT_REVISION_MS ? dayMonthYear.format(at) : monthYear.format(at);
}

function TableOfContents({ toc }: { toc: TocEntry[] }) {
  const top = Math.min(...toc.map((t) => t.level));
  return (
    <nav class="toc" aria-labelledby="toc-heading">
      <h2 id="toc-heading">Contents</h2>
      <ol>
        {toc.map((entry) => (
          <li class={`toc-level-${entry.level - top + 1}`}>
            <a href={`#${entry.id}`}>{entry.text}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * The KaTeX fonts the post's body starts with (content/math-fonts.ts), worked out once per post row: a post's row
 * is kept while the post is unchanged (posts/lookup.ts), and scanning its body took 3 % of a busy thread's views.
 */
const fontsOfPost = new WeakMap<PostRow, string[]>();
function mathFontsOf(post: PostRow): string[] {
  let fonts = fontsOfPost.get(post);
  if (!fonts) {
    fonts = mathFontsUsed(post.bodyHtml);
    fontsOfPost.set(post, fonts);
  }
  return fonts;
}

export function PostPage(props: {
  ctx: PageContext;
  post: PostRow;
  /** The reader's votes and "new" marks for the page's script to put in the tree (comments/marks.ts), as JSON. */
  readerMarks?: string | undefined;
  commentCount: number;
  thread: ThreadContext;
  sort: CommentSort;
  newCount: number;
  /** Where the first new comment is: its anchor on this page, or its permalink when on another page. */
  firstNewHref?: string | undefined;
  /** Which page of a long discussion this is (comments/paging.ts). */
  commentPages: { page: number; pageCount: number; href: (page: number) => string };
  canonicalUrl: string;
  canEdit: boolean;
  canDelete: boolean;
  /** The reader is staff: the moderation tools show (src/moderation; the routes check again). */
  canModerate?: boolean;
  /** The reader may vote on the post (logged in, not its author); the buttons show either way. */
  canVote: boolean;
  /** The comment form, a link to log in and comment, or neither (comments locked, an unpublished post). */
  commentBox: 'form' | 'login' | 'none';
  /** Show "Report" (for a logged-out reader it leads to logging in). */
  canReport: boolean;
  slots?: PostPageSlots;
  /** The reader's karma vote on the post. */
  postVote: VoteKind | null;
  /** The reader's own comments held for review (src/review), shown to them alone, apart from the shared tree. */
  pendingComments?: PendingComment[] | undefined;
  /** Where the page's live updates start (live/hub.tsx newestCursorId): its newest comment. */
  liveSince?: string | undefined;
  /** The post's tags, with the reader's relevance controls when logged in (tags/links-page.ts). */
  tags?: PostTagsProps | undefined;
  /** Leave BODY_MARK where the body goes, for it to be spliced in compressed apart (posts/frame.tsx). */
  bodyApart?: boolean;
}) {
  const { post } = props;
  const hasToc = post.toc.length >= TOC_MIN_HEADINGS;
  const postVotes = (
    <VoteButtons
      targetType="post"
      targetId={post.id}
      axis="karma"
      score={post.baseScore}
      voteCount={post.voteCount}
      labelled
      current={props.postVote}
      returnTo={`${postPath(post)}#post-votes`}
      loggedIn={!!props.ctx.user}
      disabled={!!props.ctx.user && !props.canVote}
    />
  );
  return (
    <Layout
      ctx={props.ctx}
      title={post.title}
      canonical={props.canonicalUrl}
      description={post.excerpt}
      feeds={[postCommentsFeedRef(post)]}
      mathFonts={mathFontsOf(post)}
      votes
    >
      <article class={hasToc ? 'post with-toc' : 'post'} aria-labelledby="post-title">
        <header class="post-header">
          {props.slots?.banner}
          {post.status === 'draft' ? <p class="draft-badge">Draft — only you can see this</p> : null}
          {post.status === 'draft' && post.reviewRejection ? (
            <p class="notice">Not approved by the moderators: {post.reviewRejection}</p>
          ) : null}
          {post.status === 'pending' ? (
            <p class="draft-badge">
              Awaiting review — only you and the moderators can see this post until it is approved
            </p>
          ) : null}
          <h1 id="post-title">{post.title}</h1>
          {props.canModerate ? <PostModerationPanel post={post} csrfToken={props.ctx.csrfToken} /> : null}
          <p class="post-meta">
            by <a href={`/users/${post.authorUsername}`}>{post.authorDisplayName}</a>
            {post.publishedAt ? (
              <>
                {' '}
                · <Time date={post.publishedAt} style="date" />
              </>
            ) : null}{' '}
            · {post.readingMinutes} min read
            {post.frontpage ? null : <span class="personal-blog"> · Personal blog</span>}
            {post.lastRevisedAt ? (
              <>
                {' '}
                ·{' '}
                <a href={`${postPath(post)}/history`} class="last-revised">
                  Last revised {lastRevisedLabel(post.lastRevisedAt)}
                </a>
              </>
            ) : null}
            {/* Where readers of LessWrong look for a post's karma: beside the title, and again at its end. */}
            <span class="post-votes-top">{postVotes}</span>
          </p>
          {props.tags ? <PostTags {...props.tags} /> : null}
          {props.canEdit || props.canDelete ? (
            <div class="post-actions">
              {props.canEdit ? <a href={`/posts/${post.id}/edit`}>Edit</a> : null}
              {props.canDelete && !props.canEdit ? (
                <form method="post" action={`/posts/${post.id}/delete`} class="inline-form">
                  <CsrfField token={props.ctx.csrfToken} />
                  <label class="checkbox-label">
                    <input type="checkbox" name="confirm" value="yes" /> confirm
                  </label>{' '}
                  <button type="submit" class="link-button">
                    Delete (moderator)
                  </button>
                </form>
              ) : null}
            </div>
          ) : null}
        </header>
        <div class="post-layout">
          {hasToc ? <TableOfContents toc={post.toc} /> : null}
          <div class="post-body content">{raw(props.bodyApart ? BODY_MARK : post.bodyHtml)}</div>
        </div>
        <div class="post-votes" id="post-votes">
          {postVotes}
          {props.canReport ? (
            <a href={reportPath('post', post.id)} class="report-link">
              Report
            </a>
          ) : null}
          {post.status === 'published' ? <SubscribeLink type="post" targetKey={post.id} next={postPath(post)} /> : null}
        </div>
        {props.slots?.afterBody}
      </article>
      <section
        class="comments"
        id="comments"
        aria-labelledby="comments-heading"
        data-live-post={post.status === 'published' ? post.id : undefined}
        data-live-since={props.liveSince}
        data-reader-marks={props.readerMarks}
      >
        <h2 id="comments-heading">
          {props.commentCount} {props.commentCount === 1 ? 'comment' : 'comments'}
        </h2>
        {props.newCount > 0 ? (
          <p class="new-comments-note">
            <a href={props.firstNewHref}>
              {props.newCount} new {props.newCount === 1 ? 'comment' : 'comments'} since your last visit
            </a>
          </p>
        ) : null}
        <nav class="comment-sorts" aria-label="Sort comments">
          Sort:{' '}
          {COMMENT_SORTS.map((sort) => (
            <a href={`?sort=${sort}#comments`} aria-current={sort === props.sort ? 'true' : undefined}>
              {SORT_LABELS[sort]}
            </a>
          ))}
        </nav>
        {props.ctx.user && props.sort !== DEFAULT_COMMENT_SORT ? (
          // A logged-in reader's choice of order is remembered: say so, and how to go back.
          <p class="sort-note">
            Sorted by {SORT_LABELS[props.sort]} — your default.{' '}
            <a href={`?sort=${DEFAULT_COMMENT_SORT}#comments`}>
              Back to the site’s default ({SORT_LABELS[DEFAULT_COMMENT_SORT]})
            </a>
          </p>
        ) : null}
        {post.status === 'published' ? <CommentBoxNotes post={post} /> : null}
        {props.commentBox === 'none' ? null : props.commentBox === 'form' ? (
          <CommentForm
            action={`/posts/${post.id}/comments`}
            csrfToken={props.ctx.csrfToken}
            state={{ body: '' }}
            submitLabel="Comment"
          />
        ) : (
          <p class="login-to-comment">
            <a href={`/login?next=${encodeURIComponent(`${postPath(post)}#comments`)}`}>Log in</a> to comment.
          </p>
        )}
        {props.commentPages.page > 1 ? <CommentPager {...props.commentPages} noun="comments" /> : null}
        {props.pendingComments ? <PendingComments comments={props.pendingComments} /> : null}
        {/* The comment tree goes here as bytes, filled or spliced for the reader (posts/page.tsx). */}
        {raw(SPLICE_MARK)}
        <CommentPager {...props.commentPages} noun="comments" appendTo="comments" />
      </section>
    </Layout>
  );
}
