import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { commentPath, postPath } from '../posts/paths.js';
import { Excerpt } from '../web/excerpt.js';
import { Layout, type PageContext } from '../web/layout.js';
import { fillSlots, slot } from '../web/slots.js';
import { Time } from '../web/time.js';
import type { DiscussionComment, PostListItem, PostView, TopPeriod } from './queries.js';

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A post list rendered once for every reader, with a "new" slot in each row for the reader's "(N new)" mark
 * (see web/slots.ts), and the posts in row order.
 */
export interface SharedPostList {
  pieces: string[];
  postIds: string[];
}

/** The list as one reader sees it: each row's slot becomes "(N new)" or nothing. */
export function fillNewMarks(list: SharedPostList, newCounts: Map<string, number>): string {
  return fillSlots(list.pieces, (_, postId) => {
    const count = newCounts.get(postId) ?? 0;
    return count > 0 ? `<span class="new-mark"> (${count} new)</span>` : '';
  });
}

function PostListRow({ post, extra }: { post: PostListItem; extra?: Child }) {
  return (
    <li class="post-item">
      <span class="post-score" title="Karma">
        {post.baseScore}
      </span>
      <div class="post-item-main">
        <h3 class="post-item-title">
          <a href={postPath(post)}>{post.title}</a>
        </h3>
        <p class="post-meta">
          <a href={`/users/${post.authorUsername}`}>{post.authorDisplayName}</a> · <Time date={post.publishedAt} /> ·{' '}
          {post.readingMinutes} min read ·{' '}
          <a href={`${postPath(post)}#comments`}>{plural(post.commentCount, 'comment')}</a>
          {slot('new', post.id)}
          {extra}
        </p>
      </div>
    </li>
  );
}

export interface PostListModel {
  view: PostView;
  period: TopPeriod;
  posts: PostListItem[];
  /** Extra line content per post (sequence membership). */
  extras?: Map<string, Child>;
  nextHref?: string | undefined;
}

const VIEW_LABELS: Record<PostView, string> = { magic: 'Magic', recent: 'Recent', top: 'Top' };
const PERIOD_LABELS: Record<TopPeriod, string> = { week: 'Week', month: 'Month', year: 'Year', all: 'All time' };

function viewHref(view: PostView, period: TopPeriod) {
  if (view === 'magic') return '/';
  return view === 'top' ? `/?view=top&period=${period}` : `/?view=${view}`;
}

function PostTabs({ view, period }: { view: PostView; period: TopPeriod }) {
  return (
    <nav class="list-tabs" aria-label="Order posts by">
      {(['magic', 'recent', 'top'] as const).map((v) => (
        <a href={viewHref(v, period)} aria-current={v === view ? 'page' : undefined}>
          {VIEW_LABELS[v]}
        </a>
      ))}
      {view === 'top' ? (
        <span class="period-tabs">
          {(['week', 'month', 'year', 'all'] as const).map((p) => (
            <a href={viewHref('top', p)} aria-current={p === period ? 'page' : undefined}>
              {PERIOD_LABELS[p]}
            </a>
          ))}
        </span>
      ) : null}
    </nav>
  );
}

export function PostList({ model }: { model: PostListModel }) {
  return (
    <>
      {model.posts.length === 0 ? (
        <p class="empty">No posts yet.</p>
      ) : (
        <ol class="post-list" data-list="posts">
          {model.posts.map((post) => (
            <PostListRow post={post} extra={model.extras?.get(post.id)} />
          ))}
        </ol>
      )}
      {model.nextHref ? (
        <p class="load-more">
          <a href={model.nextHref} data-load-more="posts">
            Load more posts
          </a>
        </p>
      ) : null}
    </>
  );
}

export interface DiscussionEntry {
  post: PostListItem;
  comments: DiscussionComment[];
}

function CommentExcerpt({
  comment,
  post,
  replies,
}: {
  comment: DiscussionComment;
  post: PostListItem;
  replies: DiscussionComment[];
}) {
  return (
    <li class="discussion-comment">
      <p class="post-meta">
        <a href={`/users/${comment.authorUsername}`}>{comment.authorDisplayName}</a> · <Time date={comment.createdAt} />
      </p>
      <p class="excerpt" data-expand={`comment:${comment.id}`}>
        <Excerpt text={comment.excerpt} html={comment.excerptHtml} />{' '}
        <a href={commentPath(post, comment.id)} class="read-more">
          Read more
          {/* Named for assistive technology: a page of identical "Read more" links says nothing. */}
          <span class="visually-hidden">
            {' '}
            of {comment.authorDisplayName}’s comment on “{post.title}”
          </span>
        </a>
      </p>
      {replies.length > 0 ? (
        <ul class="discussion-replies">
          {replies.map((r) => (
            <CommentExcerpt comment={r} post={post} replies={[]} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function DiscussionItem({ entry }: { entry: DiscussionEntry }) {
  const { post, comments } = entry;
  const shown = new Set(comments.map((c) => c.id));
  // Replies hang under their parent's excerpt when both are among the newest shown.
  const tops = comments.filter((c) => !c.parentId || !shown.has(c.parentId));
  return (
    <li class="discussion-item">
      <h3 class="post-item-title">
        <a href={postPath(post)}>{post.title}</a>
      </h3>
      <p class="post-meta">
        <a href={`/users/${post.authorUsername}`}>{post.authorDisplayName}</a> · <Time date={post.publishedAt} /> ·{' '}
        {plural(post.commentCount, 'comment')} · active <Time date={post.lastActivityAt} />
      </p>
      <p class="excerpt" data-expand={`post:${post.id}`}>
        <Excerpt text={post.excerpt} html={post.excerptHtml} />{' '}
        <a href={postPath(post)} class="read-more">
          Read more<span class="visually-hidden"> of “{post.title}”</span>
        </a>
      </p>
      {tops.length > 0 ? (
        <ul class="discussion-comments">
          {tops.map((c) => (
            <CommentExcerpt comment={c} post={post} replies={comments.filter((r) => r.parentId === c.id)} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function DiscussionList({ entries, nextHref }: { entries: DiscussionEntry[]; nextHref?: string | undefined }) {
  return (
    <>
      {entries.length === 0 ? (
        <p class="empty">No discussion yet.</p>
      ) : (
        <ol class="discussion-list" data-list="discussion">
          {entries.map((entry) => (
            <DiscussionItem entry={entry} />
          ))}
        </ol>
      )}
      {nextHref ? (
        <p class="load-more">
          <a href={nextHref} data-load-more="discussion">
            Load more discussion
          </a>
        </p>
      ) : null}
    </>
  );
}

/** The shared lists come rendered (see SharedPostList); the page around them is the reader's own. */
export function FrontPage(props: {
  ctx: PageContext;
  view: PostView;
  period: TopPeriod;
  postsHtml: string;
  discussionHtml: string;
  /** The reader's sequences in progress, when there are any. */
  aside?: Child;
  /** The reader's tag filters (chips and forms), above the list they shape. */
  filters?: Child;
}) {
  return (
    <Layout ctx={props.ctx} math={false}>
      <h1 class="visually-hidden">{props.ctx.site.name}</h1>
      {props.aside}
      <section class="frontpage" aria-labelledby="latest-heading">
        <h2 id="latest-heading">Latest posts</h2>
        <PostTabs view={props.view} period={props.period} />
        {props.filters}
        {raw(props.postsHtml)}
      </section>
      <section class="recent-discussion" aria-labelledby="discussion-heading">
        <h2 id="discussion-heading">Recent Discussion</h2>
        {raw(props.discussionHtml)}
      </section>
    </Layout>
  );
}

/** "Load more" pages: the next slice of one list, a complete page without JavaScript. */
export function MorePostsPage(props: { ctx: PageContext; view: PostView; period: TopPeriod; postsHtml: string }) {
  return (
    <Layout ctx={props.ctx} title="More posts" math={false}>
      <section class="frontpage" aria-labelledby="latest-heading">
        <h1 id="latest-heading">More posts</h1>
        <PostTabs view={props.view} period={props.period} />
        {/* The shared list titles its posts with h3 (under the frontpage's h2): keep the outline unbroken. */}
        <h2 class="visually-hidden">Posts</h2>
        {raw(props.postsHtml)}
      </section>
    </Layout>
  );
}

export function MoreDiscussionPage(props: { ctx: PageContext; discussionHtml: string }) {
  return (
    <Layout ctx={props.ctx} title="Recent Discussion" math={false}>
      <section class="recent-discussion" aria-labelledby="discussion-heading">
        <h1 id="discussion-heading">Recent Discussion</h1>
        {/* The shared list titles its posts with h3 (under the frontpage's h2): keep the outline unbroken. */}
        <h2 class="visually-hidden">Posts with new comments</h2>
        {raw(props.discussionHtml)}
      </section>
    </Layout>
  );
}
