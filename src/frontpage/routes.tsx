import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { cacheAs, cachedFragment } from '../cache/middleware.js';
import { ALL_POSTS_TAG } from '../cache/page-cache.js';
import { newCommentCounts } from '../comments/queries.js';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { isId } from '../db/ids.js';
import { NotFound } from '../errors.js';
import { ContinueReading } from '../sequences/post-views.js';
import { sequencesInProgress } from '../sequences/queries.js';
import { postListExtras } from '../sequences/slots.js';
import type { AppEnv } from '../web/context.js';
import { parseNamingFields } from '../web/forms.js';
import { pageContext, renderToString } from '../web/page.js';
import { splitSlots } from '../web/slots.js';
import {
  activePosts,
  cursorKey,
  listName,
  newestComments,
  POST_VIEWS,
  type PostListItem,
  type PostView,
  postList,
  TOP_PERIODS,
  type TopPeriod,
} from './queries.js';
import {
  type DiscussionEntry,
  DiscussionList,
  FrontPage,
  fillNewMarks,
  MoreDiscussionPage,
  MorePostsPage,
  PostList,
  type SharedPostList,
} from './views.js';

const FRONTPAGE_SIZE = 20;
const DISCUSSION_SIZE = 10;
/** Newest comments shown under each post in Recent Discussion. */
const DISCUSSION_COMMENTS = 3;

const listQuery = z.object({
  view: z.enum(POST_VIEWS, { error: 'view must be magic, recent or top.' }).default('magic'),
  period: z.enum(TOP_PERIODS, { error: 'period must be week, month, year or all (for Top posts).' }).default('week'),
  after: z.string().optional(),
});

function listParams(c: Context<AppEnv>): z.infer<typeof listQuery> {
  return parseNamingFields(listQuery, c.req.query());
}

/**
 * One page of a post list, rendered once for every reader (see SharedPostList): the list query, its sequence
 * tags and the markup come from the fragment cache until a post changes.
 */
async function sharedPostList(
  c: Context<AppEnv>,
  view: PostView,
  period: TopPeriod,
  after: string | undefined,
): Promise<SharedPostList> {
  const cursor = after === undefined ? undefined : decodeCursor(after, listName(view, period));
  return cachedFragment(c, `posts:${view}:${period}:${after ?? ''}`, [ALL_POSTS_TAG], async () => {
    const db = c.var.deps.db;
    const rows = await postList(db, view, period, FRONTPAGE_SIZE + 1, cursor);
    const posts = rows.slice(0, FRONTPAGE_SIZE);
    const last = posts.at(-1);
    const nextHref =
      rows.length > FRONTPAGE_SIZE && last
        ? `/posts?view=${view}&period=${period}&after=${encodeCursor({ list: listName(view, period), key: cursorKey(view, last), id: last.id })}`
        : undefined;
    const extras = await postListExtras(
      db,
      posts.map((p) => p.id),
    );
    const html = await renderToString(<PostList model={{ view, period, posts, extras, nextHref }} />);
    return { pieces: splitSlots(html), postIds: posts.map((p) => p.id) };
  });
}

/**
 * The list as this reader sees it: with "(N new)" on posts that gained comments since their last visit. The
 * counts are cached per reader until they open a post ("reader:<id>") or any post changes.
 */
async function readersPostList(c: Context<AppEnv>, list: SharedPostList): Promise<string> {
  const user = c.var.user;
  if (!user) return fillNewMarks(list, new Map());
  const newCounts = await cachedFragment(
    c,
    `reader:${user.id}:new:${list.postIds.join(',')}`,
    [`reader:${user.id}`, ALL_POSTS_TAG],
    () => newCommentCounts(c.var.deps.db, user.id, list.postIds),
  );
  return fillNewMarks(list, newCounts);
}

/** "Continue reading": the reader's sequences in progress, cached like their new-comment counts. */
function readersSequences(c: Context<AppEnv>, userId: string) {
  return cachedFragment(c, `reader:${userId}:continue`, [`reader:${userId}`, ALL_POSTS_TAG, 'sequences'], () =>
    sequencesInProgress(c.var.deps.db, userId),
  );
}

/** One page of Recent Discussion, rendered once for every reader. */
async function sharedDiscussion(c: Context<AppEnv>, after: string | undefined): Promise<string> {
  const cursor = after === undefined ? undefined : decodeCursor(after, 'discussion');
  return cachedFragment(c, `discussion:${after ?? ''}`, [ALL_POSTS_TAG, 'discussion'], async () => {
    const db = c.var.deps.db;
    const rows = await activePosts(db, DISCUSSION_SIZE + 1, cursor);
    const posts: PostListItem[] = rows.slice(0, DISCUSSION_SIZE);
    const comments = await newestComments(
      db,
      posts.map((p) => p.id),
      DISCUSSION_COMMENTS,
    );
    const entries: DiscussionEntry[] = posts.map((post) => ({
      post,
      comments: comments.filter((c) => c.postId === post.id),
    }));
    const last = posts.at(-1);
    const nextHref =
      rows.length > DISCUSSION_SIZE && last
        ? `/discussion?after=${encodeCursor({ list: 'discussion', key: last.lastActivityAt.toISOString(), id: last.id })}`
        : undefined;
    return renderToString(<DiscussionList entries={entries} nextHref={nextHref} />);
  });
}

export const frontpageRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const { view, period } = listParams(c);
    cacheAs(c, [ALL_POSTS_TAG, 'sequences', 'discussion'], { forReaders: true });
    const user = c.var.user;
    const [postsHtml, discussionHtml, inProgress] = await Promise.all([
      sharedPostList(c, view, period, undefined).then((list) => readersPostList(c, list)),
      sharedDiscussion(c, undefined),
      user ? readersSequences(c, user.id) : [],
    ]);
    return c.html(
      <FrontPage
        ctx={pageContext(c)}
        view={view}
        period={period}
        postsHtml={postsHtml}
        discussionHtml={discussionHtml}
        aside={<ContinueReading sequences={inProgress} />}
      />,
    );
  })
  .get('/posts', async (c) => {
    const { view, period, after } = listParams(c);
    const list = await sharedPostList(c, view, period, after);
    cacheAs(c, [ALL_POSTS_TAG], { forReaders: true });
    const postsHtml = await readersPostList(c, list);
    return c.html(<MorePostsPage ctx={pageContext(c)} view={view} period={period} postsHtml={postsHtml} />);
  })
  .get('/discussion', async (c) => {
    const { after } = parseNamingFields(z.object({ after: z.string().optional() }), c.req.query());
    const discussionHtml = await sharedDiscussion(c, after);
    cacheAs(c, [ALL_POSTS_TAG, 'discussion'], { forReaders: true });
    return c.html(<MoreDiscussionPage ctx={pageContext(c)} discussionHtml={discussionHtml} />);
  })
  .get('/api/content/:kind/:id', async (c) => {
    // "Read more" in Recent Discussion: the full stored HTML of one post or comment.
    const { kind, id } = c.req.param();
    if ((kind !== 'post' && kind !== 'comment') || !isId(id)) throw new NotFound('Nothing to show here.');
    const rows = await c.var.deps.db.query<{ html: string }>(
      kind === 'post'
        ? `SELECT body_html AS html FROM posts WHERE id = $1 AND status = 'published' AND deleted_at IS NULL`
        : `SELECT c.body_html AS html FROM comments c JOIN posts p ON p.id = c.post_id
            WHERE c.id = $1 AND NOT c.deleted AND p.status = 'published' AND p.deleted_at IS NULL`,
      [id],
    );
    if (!rows[0]) throw new NotFound('That post or comment does not exist or has been deleted.');
    return c.json({ html: rows[0].html });
  });
