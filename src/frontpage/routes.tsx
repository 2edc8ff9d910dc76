import { type Context, Hono } from 'hono';
import { cacheAs } from '../cache/middleware.js';
import { ALL_POSTS_TAG } from '../cache/page-cache.js';
import { newCommentCounts } from '../comments/queries.js';
import type { Queryable } from '../db/database.js';
import { isId } from '../db/ids.js';
import { Invalid, NotFound } from '../errors.js';
import { ContinueReading } from '../sequences/post-views.js';
import { sequencesInProgress } from '../sequences/queries.js';
import { postListExtras } from '../sequences/slots.js';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { type Cursor, decodeCursor, encodeCursor } from './cursor.js';
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
import { type DiscussionEntry, FrontPage, MoreDiscussionPage, MorePostsPage, type PostListModel } from './views.js';

export const FRONTPAGE_SIZE = 20;
export const DISCUSSION_SIZE = 10;
/** Newest comments shown under each post in Recent Discussion. */
export const DISCUSSION_COMMENTS = 3;

function listParams(c: Context<AppEnv>): { view: PostView; period: TopPeriod } {
  const view = c.req.query('view') ?? 'magic';
  const period = c.req.query('period') ?? 'week';
  if (!(POST_VIEWS as readonly string[]).includes(view)) {
    throw new Invalid(`There is no "${view.slice(0, 20)}" order; choose Magic, Recent or Top.`, {
      view: 'Unknown order.',
    });
  }
  if (!(TOP_PERIODS as readonly string[]).includes(period)) {
    throw new Invalid('Top posts can be shown for a week, month, year or all time.', { period: 'Unknown period.' });
  }
  return { view: view as PostView, period: period as TopPeriod };
}

async function postListModel(c: Context<AppEnv>, cursor: Cursor | undefined): Promise<PostListModel> {
  const { view, period } = listParams(c);
  const db = c.var.deps.db;
  const rows = await postList(db, view, period, FRONTPAGE_SIZE + 1, cursor);
  const posts = rows.slice(0, FRONTPAGE_SIZE);
  const last = posts.at(-1);
  const user = c.var.user;
  const newCounts = user
    ? await newCommentCounts(
        db,
        user.id,
        posts.map((p) => p.id),
      )
    : new Map<string, number>();
  const nextHref =
    rows.length > FRONTPAGE_SIZE && last
      ? `/posts?view=${view}&period=${period}&after=${encodeCursor({ list: listName(view, period), key: cursorKey(view, last), id: last.id })}`
      : undefined;
  const extras = await postListExtras(
    db,
    posts.map((p) => p.id),
  );
  return { view, period, posts, newCounts, extras, nextHref };
}

async function discussion(db: Queryable, cursor: Cursor | undefined) {
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
  return { entries, nextHref };
}

export const frontpageRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    cacheAs(c, [ALL_POSTS_TAG]);
    const posts = await postListModel(c, undefined);
    const { entries, nextHref } = await discussion(c.var.deps.db, undefined);
    const user = c.var.user;
    const inProgress = user ? await sequencesInProgress(c.var.deps.db, user.id) : [];
    return c.html(
      <FrontPage
        ctx={pageContext(c)}
        posts={posts}
        discussion={entries}
        discussionNext={nextHref}
        aside={<ContinueReading sequences={inProgress} />}
      />,
    );
  })
  .get('/posts', async (c) => {
    const { view, period } = listParams(c);
    const cursor = decodeCursor(c.req.query('after'), listName(view, period));
    cacheAs(c, [ALL_POSTS_TAG]);
    return c.html(<MorePostsPage ctx={pageContext(c)} posts={await postListModel(c, cursor)} />);
  })
  .get('/discussion', async (c) => {
    const cursor = decodeCursor(c.req.query('after'), 'discussion');
    cacheAs(c, [ALL_POSTS_TAG]);
    const { entries, nextHref } = await discussion(c.var.deps.db, cursor);
    return c.html(<MoreDiscussionPage ctx={pageContext(c)} entries={entries} nextHref={nextHref} />);
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
