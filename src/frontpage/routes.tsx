import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { cacheAs, cachedFragment, changedHere } from '../cache/middleware.js';
import { ALL_POSTS_TAG } from '../cache/page-cache.js';
import { newCommentCounts } from '../comments/queries.js';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { isId } from '../db/ids.js';
import { AppError, Forbidden, NotFound } from '../errors.js';
import { canChangeTagFilters } from '../policy/policy.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';
import { visitLog } from '../posts/visits.js';
import { ContinueReading } from '../sequences/post-views.js';
import { sequencesInProgress } from '../sequences/queries.js';
import { postListExtras } from '../sequences/slots.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput, parseNamingFields } from '../web/forms.js';
import { pageContext, renderToString, safeNext, sendHtml } from '../web/page.js';
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
import { adjustedListName, adjustedMagicList, asOfInListName, cursorList } from './tag-filter-queries.js';
import { TagFilterBar, type TagFilterError } from './tag-filter-views.js';
import {
  adjustsScores,
  type FilterSet,
  FORM_MODES,
  filterSet,
  setTagFilter,
  siteTagFilters,
  type TagFilter,
  tagOptions,
  userTagFilters,
} from './tag-filters.js';
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
 * One page of a post list, rendered once for every reader with the same tag filters (see SharedPostList): the
 * list query, its sequence tags and the markup come from the fragment cache until a post changes (and, for a
 * filtered list, until a tag link starts or stops counting). Without filters, key and query are the unfiltered
 * list's.
 */
async function sharedPostList(
  c: Context<AppEnv>,
  view: PostView,
  period: TopPeriod,
  after: string | undefined,
  filters: FilterSet,
): Promise<SharedPostList> {
  // Magic under Reduced or Subscribed ranks by an adjusted score whose boosts are computed as of the first page.
  const adjusted = view === 'magic' && adjustsScores(filters);
  const asOf = adjusted ? (asOfInListName(cursorList(after) ?? '', filters) ?? new Date()) : undefined;
  const list = asOf ? adjustedListName(filters, asOf) : listName(view, period);
  const cursor = after === undefined ? undefined : decodeCursor(after, list);
  const key = `posts:${view}:${period}:${after ?? ''}${filters.key ? `:filters=${filters.key}` : ''}`;
  const tags = filters.key ? [ALL_POSTS_TAG, TAG_LINKS] : [ALL_POSTS_TAG];
  return cachedFragment(c, key, tags, async () => {
    const db = c.get('deps').db;
    const rows = asOf
      ? await adjustedMagicList(db, filters, FRONTPAGE_SIZE + 1, asOf, cursor)
      : await postList(db, view, period, FRONTPAGE_SIZE + 1, cursor, filters);
    const posts = rows.slice(0, FRONTPAGE_SIZE);
    const last = posts.at(-1);
    const nextHref =
      rows.length > FRONTPAGE_SIZE && last
        ? `/posts?view=${view}&period=${period}&after=${encodeCursor({ list, key: cursorKey(view, last), id: last.id })}`
        : undefined;
    const extras = await postListExtras(
      db,
      posts.map((p) => p.id),
    );
    const html = await renderToString(<PostList model={{ view, period, posts, extras, nextHref }} />);
    return { pieces: splitSlots(html), postIds: posts.map((p) => p.id) };
  });
}

/** Announced when a tag link starts or stops counting (migration 0017): only filtered lists depend on links. */
const TAG_LINKS = 'tag-links';
/** Announced when a tag is created, renamed, deleted or merged (migration 0017): chips and the add form name tags. */
const TAG_NAMES = 'tag-names';

/**
 * The reader's tag filters: their own when logged in (none until they add one), else the site's defaults.
 * Cached until they change them ("user:<id>") or the site's change ("front").
 */
export function readersFilters(c: Context<AppEnv>): Promise<TagFilter[]> {
  const user = c.get('user');
  const db = c.get('deps').db;
  return user
    ? cachedFragment(c, `tag-filters:${user.id}`, [`user:${user.id}`, TAG_NAMES], () => userTagFilters(db, user.id))
    : cachedFragment(c, 'tag-filters:site', [ALL_POSTS_TAG, TAG_NAMES], () => siteTagFilters(db));
}

/** What the page's cache entry must be dropped by, beyond what the lists themselves show. */
function filterTags(c: Context<AppEnv>, filters: FilterSet): string[] {
  return [...(filters.key ? [TAG_LINKS] : []), ...(filters.key || c.get('user') ? [TAG_NAMES] : [])];
}

/**
 * The list as this reader sees it: with "(N new)" on posts that gained comments since their last visit. The
 * counts are cached per reader until they open a post ("reader:<id>") or any post changes.
 */
async function readersPostList(c: Context<AppEnv>, list: SharedPostList): Promise<string> {
  const user = c.get('user');
  if (!user) return fillNewMarks(list, new Map());
  const newCounts = await cachedFragment(
    c,
    `reader:${user.id}:new:${list.postIds.join(',')}`,
    [`reader:${user.id}`, ALL_POSTS_TAG],
    // Visits still waiting in this process are written first (posts/visits.ts): the reader's own count is exact.
    async () => {
      await visitLog(c.get('deps').db).settle(user.id);
      return newCommentCounts(c.get('deps').db, user.id, list.postIds);
    },
  );
  return fillNewMarks(list, newCounts);
}

/** "Continue reading": the reader's sequences in progress, cached like their new-comment counts. */
function readersSequences(c: Context<AppEnv>, userId: string) {
  return cachedFragment(c, `reader:${userId}:continue`, [`reader:${userId}`, ALL_POSTS_TAG, 'sequences'], async () => {
    await visitLog(c.get('deps').db).settle(userId);
    return sequencesInProgress(c.get('deps').db, userId);
  });
}

/** One page of Recent Discussion, rendered once for every reader. */
async function sharedDiscussion(c: Context<AppEnv>, after: string | undefined): Promise<string> {
  const cursor = after === undefined ? undefined : decodeCursor(after, 'discussion');
  return cachedFragment(c, `discussion:${after ?? ''}`, [ALL_POSTS_TAG, 'discussion'], async () => {
    const db = c.get('deps').db;
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

/** The frontpage: the reader's filters above the list they shape, Recent Discussion, "Continue reading". */
async function frontPage(
  c: Context<AppEnv>,
  options: { view: PostView; period: TopPeriod; returnTo: string; error?: TagFilterError },
) {
  const { view, period } = options;
  const user = c.get('user');
  const db = c.get('deps').db;
  const filters = await readersFilters(c);
  const set = filterSet(filters);
  cacheAs(c, [ALL_POSTS_TAG, 'sequences', 'discussion', ...filterTags(c, set)], { forReaders: true });
  const [postsHtml, discussionHtml, inProgress, tagChoices] = await Promise.all([
    sharedPostList(c, view, period, undefined, set).then((list) => readersPostList(c, list)),
    sharedDiscussion(c, undefined),
    user ? readersSequences(c, user.id) : [],
    user ? cachedFragment(c, 'tag-filters:options', [TAG_NAMES], () => tagOptions(db)) : [],
  ]);
  const ctx = pageContext(c);
  return (
    <FrontPage
      ctx={ctx}
      view={view}
      period={period}
      postsHtml={postsHtml}
      discussionHtml={discussionHtml}
      aside={<ContinueReading sequences={inProgress} />}
      filters={
        <TagFilterBar
          ctx={ctx}
          filters={filters}
          options={tagChoices}
          returnTo={options.returnTo}
          error={options.error}
        />
      }
    />
  );
}

const tagFilterInput = z.object({
  tagId: z.string().max(100, 'tagId is too long.').refine(isId, 'tagId is not a tag id.'),
  mode: z.enum(FORM_MODES, { error: 'mode must be hidden, reduced, default, subscribed or required.' }),
  userId: z.string().max(100, 'userId is too long.').optional(),
  returnTo: z.string().max(2000, 'returnTo is too long.').optional(),
});

export const frontpageRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const { view, period } = listParams(c);
    return sendHtml(c, await frontPage(c, { view, period, returnTo: pageContext(c).url ?? '/' }));
  })
  // A reader sets one of their own tag filters ("default" removes it), then sees the page they came from. A
  // refusal shows the frontpage again with the message and what they chose.
  .post('/tag-filters', async (c) => {
    const form = formStrings(await c.req.parseBody());
    const user = c.get('user');
    try {
      if (!user) throw new Forbidden('Log in to choose your own tag filters.');
      const input = parseInput(tagFilterInput, form);
      if (input.userId !== undefined && !canChangeTagFilters(user, { id: input.userId })) {
        throw new AppError(403, 'You can only change your own tag filters.', {
          userId: 'userId is not yours: you can only change your own tag filters.',
        });
      }
      await setTagFilter(c.get('deps').db, { userId: user.id, tagId: input.tagId, mode: input.mode });
      // This process drops the reader's cached filters and pages now; others hear "user:<id>" from the trigger.
      changedHere(c, `user:${user.id}`);
      return c.redirect(safeNext(c, input.returnTo), 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const values = { tagId: form.tagId ?? '', mode: form.mode ?? '' };
      const returnTo = safeNext(c, form.returnTo?.slice(0, 2000));
      const page = await frontPage(c, {
        view: 'magic',
        period: 'week',
        returnTo,
        error: { message: error.message, fields: error.fields, values },
      });
      return c.html(page, error.status);
    }
  })
  .get('/posts', async (c) => {
    const { view, period, after } = listParams(c);
    const set = filterSet(await readersFilters(c));
    const list = await sharedPostList(c, view, period, after, set);
    cacheAs(c, [ALL_POSTS_TAG, ...filterTags(c, set)], { forReaders: true });
    const postsHtml = await readersPostList(c, list);
    return c.html(<MorePostsPage ctx={pageContext(c)} view={view} period={period} postsHtml={postsHtml} />);
  })
  .get('/discussion', async (c) => {
    const { after } = parseNamingFields(z.object({ after: z.string().optional() }), c.req.query());
    const discussionHtml = await sharedDiscussion(c, after);
    cacheAs(c, [ALL_POSTS_TAG, 'discussion'], { forReaders: true });
    return sendHtml(c, <MoreDiscussionPage ctx={pageContext(c)} discussionHtml={discussionHtml} />);
  })
  .get('/api/content/:kind/:id', async (c) => {
    // "Read more" in Recent Discussion: the full stored HTML of one post or comment.
    const { kind, id } = c.req.param();
    if ((kind !== 'post' && kind !== 'comment') || !isId(id)) throw new NotFound('Nothing to show here.');
    const rows = await c.get('deps').db.query<{ html: string }>(
      kind === 'post'
        ? `SELECT body_html AS html FROM posts WHERE id = $1 AND ${visiblePost()}`
        : `SELECT c.body_html AS html FROM comments c JOIN posts p ON p.id = c.post_id
            WHERE c.id = $1 AND ${visibleComment('c')} AND ${visiblePost('p')}`,
      [id],
    );
    if (!rows[0]) throw new NotFound('That post or comment does not exist or has been deleted.');
    return c.json({ html: rows[0].html });
  });
