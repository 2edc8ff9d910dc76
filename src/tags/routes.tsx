import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { cacheAs, cachedFragment } from '../cache/middleware.js';
import { ALL_POSTS_TAG } from '../cache/page-cache.js';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { NotFound } from '../errors.js';
import { readersFilters } from '../frontpage/routes.js';
import { TagFilterControl } from '../frontpage/tag-filter-views.js';
import { fillNewMarks, PostList } from '../frontpage/views.js';
import { canCreateTag, canEditTag } from '../policy/policy.js';
import { RevisionHistoryPage, RevisionShownPage, revisionDiffShown } from '../posts/history.js';
import { revisionsOf, revisionWithPrevious } from '../posts/revisions.js';
import type { AppEnv } from '../web/context.js';
import { parseNamingFields } from '../web/forms.js';
import { pageContext, renderToString } from '../web/page.js';
import { splitSlots } from '../web/slots.js';
import { tagEditorRoutes } from './editor-routes.js';
import { tagAtAddress } from './lookup.js';
import { tagPath } from './paths.js';
import { type TagRow, tagList, tagPostCursorKey, tagPostListName, tagPosts } from './queries.js';
import { TAG_LIST_SORTS, TAG_POST_SORTS, type TagPostSort } from './validation.js';
import { TAG_HISTORY_WORDS, TagListPage, TagPage, tagPostsHref } from './views.js';

/** Tags per page of /tags, and posts per page of a tag. */
const TAGS_PER_PAGE = 50;
const POSTS_PER_PAGE = 20;

const listQuery = z.object({
  sort: z.enum(TAG_LIST_SORTS, { error: 'sort must be posts or name.' }).default('posts'),
  after: z.string().optional(),
});

const tagQuery = z.object({
  sort: z.enum(TAG_POST_SORTS, { error: 'sort must be relevance, new or top.' }).default('relevance'),
  after: z.string().optional(),
});

/**
 * The live tag named by :slug, or a 301 to where the address now leads (old slug, other case, merged tag),
 * keeping the rest of the path and the query: `/tags/old/history/2` → `/tags/new/history/2`.
 */
async function tagOrRedirect(c: Context<AppEnv>): Promise<TagRow | Response> {
  const slug = c.req.param('slug') ?? '';
  const { tag, redirectTo } = await tagAtAddress(c.get('deps').db, slug);
  if (tag) return tag;
  // The path's segments after /tags/<slug> (counted, not measured: the slug may have come percent-encoded).
  const rest = c.req.path
    .split('/')
    .slice(3)
    .map((segment) => `/${segment}`)
    .join('');
  const url = new URL(c.req.url);
  return c.redirect(`${tagPath({ slug: redirectTo })}${rest}${url.search}`, 301);
}

/** One page of a tag's posts, rendered once for every reader until the tag or any post changes. */
async function sharedTagPosts(c: Context<AppEnv>, tag: TagRow, sort: TagPostSort, after: string | undefined) {
  const list = tagPostListName(tag.id, sort);
  const cursor = after === undefined ? undefined : decodeCursor(after, list);
  return cachedFragment(c, `tag-posts:${tag.id}:${sort}:${after ?? ''}`, [`tag:${tag.id}`, ALL_POSTS_TAG], async () => {
    const rows = await tagPosts(c.get('deps').db, tag.id, sort, POSTS_PER_PAGE + 1, cursor);
    const posts = rows.slice(0, POSTS_PER_PAGE);
    const last = posts.at(-1);
    const next =
      last && rows.length > POSTS_PER_PAGE && encodeCursor({ list, key: tagPostCursorKey(sort, last), id: last.id });
    const separator = sort === 'relevance' ? '?' : '&';
    const nextHref = next ? `${tagPostsHref(tag, sort)}${separator}after=${next}` : undefined;
    const extras = new Map(posts.map((post) => [post.id, <> · relevance {post.relevance}</>]));
    const html = await renderToString(<PostList model={{ view: 'recent', period: 'all', posts, extras, nextHref }} />);
    // The frontpage's list marks each row for the reader's "(N new)"; a tag page leaves those out.
    return fillNewMarks({ pieces: splitSlots(html), postIds: [] }, new Map());
  });
}

export const tagRoutes = new Hono<AppEnv>()
  .route('/', tagEditorRoutes)
  .get('/tags', async (c) => {
    const { sort, after } = parseNamingFields(listQuery, c.req.query());
    const list = `tags-${sort}`;
    const cursor = after === undefined ? undefined : decodeCursor(after, list);
    cacheAs(c, ['tags']);
    const rows = await tagList(c.get('deps').db, sort, TAGS_PER_PAGE + 1, cursor);
    const tags = rows.slice(0, TAGS_PER_PAGE);
    const last = tags.at(-1);
    const nextHref =
      last && rows.length > TAGS_PER_PAGE
        ? `/tags?sort=${sort}&after=${encodeCursor({ list, key: sort === 'posts' ? last.postCount : 0, id: last.id })}`
        : undefined;
    return c.html(
      <TagListPage
        ctx={pageContext(c)}
        sort={sort}
        tags={tags}
        nextHref={nextHref}
        continued={after !== undefined}
        canCreate={canCreateTag(c.get('user'))}
      />,
    );
  })
  .get('/tags/:slug', async (c) => {
    const tag = await tagOrRedirect(c);
    if (tag instanceof Response) return tag;
    const { sort, after } = parseNamingFields(tagQuery, c.req.query());
    const postsHtml = await sharedTagPosts(c, tag, sort, after);
    cacheAs(c, [`tag:${tag.id}`, ALL_POSTS_TAG]);
    const ctx = pageContext(c);
    // A logged-in reader sets their frontpage filter for this tag here (the frontpage offers only common tags).
    const filterMode = c.get('user')
      ? ((await readersFilters(c)).find((filter) => filter.tagId === tag.id)?.mode ?? 'default')
      : undefined;
    return c.html(
      <TagPage
        ctx={ctx}
        filterControl={
          filterMode && !after ? (
            <TagFilterControl ctx={ctx} tagId={tag.id} tagName={tag.name} mode={filterMode} />
          ) : undefined
        }
        tag={tag}
        sort={sort}
        postsHtml={postsHtml}
        continued={after !== undefined}
        canEdit={canEditTag(c.get('user'))}
        canonicalUrl={c.get('deps').config.baseUrl + tagPath(tag)}
      />,
    );
  })
  .get('/tags/:slug/history', async (c) => {
    const tag = await tagOrRedirect(c);
    if (tag instanceof Response) return tag;
    cacheAs(c, [`tag:${tag.id}`]);
    const revisions = await revisionsOf(c.get('deps').db, 'tag', tag.id);
    return c.html(
      <RevisionHistoryPage
        ctx={pageContext(c)}
        subject={{ title: tag.name, path: tagPath(tag) }}
        words={TAG_HISTORY_WORDS}
        revisions={revisions}
      />,
    );
  })
  .get('/tags/:slug/history/:number', async (c) => {
    const raw = c.req.param('number');
    const number = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(number)) throw new NotFound(`This tag has no revision ${raw.slice(0, 20)}.`);
    const tag = await tagOrRedirect(c);
    if (tag instanceof Response) return tag;
    const found = await revisionWithPrevious(c.get('deps').db, tag.id, number, 'tag');
    if (!found) throw new NotFound(`This tag has no revision ${number}.`);
    cacheAs(c, [`tag:${tag.id}`]);
    const diff = await revisionDiffShown(c, `revision-diff:tag:${tag.id}:${number}`, [`tag:${tag.id}`], found);
    return c.html(
      <RevisionShownPage
        ctx={pageContext(c)}
        subject={{ title: tag.name, path: tagPath(tag) }}
        words={TAG_HISTORY_WORDS}
        revision={found.revision}
        previous={found.previous}
        diff={diff}
        latest={tag.revisionCount}
      />,
    );
  });
