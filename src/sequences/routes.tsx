import { Hono } from 'hono';
import { z } from 'zod';
import { cacheAs, changedHere } from '../cache/middleware.js';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { isId } from '../db/ids.js';
import { Invalid, NotFound } from '../errors.js';
import { canEditSequence, canViewPost } from '../policy/policy.js';
import { showPostPage } from '../posts/page.js';
import { postPath } from '../posts/paths.js';
import { postById } from '../posts/queries.js';
import { visitLog } from '../posts/visits.js';
import type { AppEnv } from '../web/context.js';
import { parseNamingFields } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import { sequenceEditorRoutes } from './editor-routes.js';
import { backlinksOf } from './links.js';
import { postPreview, type SequenceCursor, type SequenceSort, sequenceList } from './list-queries.js';
import { sequencePath } from './paths.js';
import { Backlinks, SequenceBanner, SequenceNav } from './post-views.js';
import { sequenceById, sequenceContents, sequencePosition } from './queries.js';
import { NO_SEQUENCE, recordSequenceRead } from './service.js';
import { readerView, SequenceListPage, SequencePage } from './views.js';

const SEQUENCES_PAGE_SIZE = 30;
// Previews change rarely and are the same for every reader; a short cache spares repeated hovers.
const PREVIEW_CACHE = 'public, max-age=60';

const listQuery = z.object({
  sort: z.enum(['new', 'top'], { error: 'sort must be new or top.' }).default('new'),
  after: z.string().optional(),
});

/** "?after=" of /sequences: the last item's sort key (its creation time or karma) and id. */
function sequenceCursor(sort: SequenceSort, after: string | undefined): SequenceCursor | undefined {
  const cursor = decodeCursor(after, `sequences-${sort}`);
  if (!cursor) return undefined;
  if (sort === 'new' && typeof cursor.key === 'string') return { sort, createdAt: new Date(cursor.key), id: cursor.id };
  if (sort === 'top' && typeof cursor.key === 'number') return { sort, karma: cursor.key, id: cursor.id };
  throw new Invalid('That "Load more" link is broken; start again from the first page.', {
    after: 'Malformed cursor.',
  });
}

const readerRoutes = new Hono<AppEnv>()
  .get('/sequences', async (c) => {
    const query = parseNamingFields(listQuery, c.req.query());
    const sort = query.sort;
    const after = sequenceCursor(sort, query.after);
    const rows = await sequenceList(c.get('deps').db, sort, SEQUENCES_PAGE_SIZE + 1, after);
    const sequences = rows.slice(0, SEQUENCES_PAGE_SIZE);
    const last = sequences.at(-1);
    // createSequence stores created_at from a JS Date, so the ISO time (milliseconds) identifies it exactly.
    const nextHref =
      rows.length > SEQUENCES_PAGE_SIZE && last
        ? `/sequences?sort=${sort}&after=${encodeCursor({ list: `sequences-${sort}`, key: sort === 'new' ? last.createdAt.toISOString() : last.karma, id: last.id })}`
        : undefined;
    // Page-cache tags (for logged-out readers) name what the page shows; migration 0005 announces their changes.
    cacheAs(c, ['sequences']);
    return c.html(<SequenceListPage ctx={pageContext(c)} sort={sort} sequences={sequences} nextHref={nextHref} />);
  })
  .get('/s/:sequenceId', async (c) => {
    const sequenceId = c.req.param('sequenceId');
    const db = c.get('deps').db;
    const sequence = isId(sequenceId) ? await sequenceById(db, sequenceId) : undefined;
    if (!sequence) throw new NotFound(NO_SEQUENCE);
    // Which posts the reader has opened: their visits waiting in this process are written first.
    const user = c.get('user');
    if (user) await visitLog(db).settle(user.id);
    const contents = await sequenceContents(db, sequence.id, user?.id ?? null);
    const postIds = contents.flatMap((chapter) => chapter.posts.map((post) => post.id));
    cacheAs(c, [`sequence:${sequence.id}`, ...postIds.map((id) => `post:${id}`)]);
    return c.html(
      <SequencePage
        ctx={pageContext(c)}
        sequence={sequence}
        view={readerView(contents)}
        canEdit={canEditSequence(c.get('user'), sequence)}
        canonicalUrl={c.get('deps').config.baseUrl + sequencePath(sequence.id)}
      />,
    );
  })
  .get('/s/:sequenceId/p/:postId', async (c) => {
    const { sequenceId, postId } = c.req.param();
    const db = c.get('deps').db;
    if (!isId(sequenceId)) throw new NotFound(NO_SEQUENCE);
    const [position, post, links] = isId(postId)
      ? await Promise.all([sequencePosition(db, sequenceId, postId), postById(db, postId), backlinksOf(db, postId)])
      : [undefined, undefined, []];
    if (!position || !post || !canViewPost(c.get('user'), post)) {
      if (!(await sequenceById(db, sequenceId))) throw new NotFound(NO_SEQUENCE);
      throw new NotFound('That post is not part of this sequence. It may have been removed from it.');
    }
    const user = c.get('user');
    if (user) {
      await recordSequenceRead(db, user.id, sequenceId);
      changedHere(c, `reader:${user.id}`);
    }
    const page = await showPostPage(c, post, {
      banner: <SequenceBanner position={position} />,
      afterBody: (
        <>
          <SequenceNav position={position} />
          <Backlinks links={links} />
        </>
      ),
    });
    // Besides the post (showPostPage's tag): its place in the sequence and its neighbours' titles.
    const neighbours = [position.previous, position.next].flatMap((p) => (p ? [`post:${p.id}`] : []));
    cacheAs(c, [`post:${post.id}`, `sequence:${sequenceId}`, ...neighbours]);
    return page;
  })
  .get('/api/posts/:postId/preview', async (c) => {
    const postId = c.req.param('postId');
    const preview = isId(postId) ? await postPreview(c.get('deps').db, postId) : undefined;
    if (!preview) throw new NotFound('There is no published post with that id.');
    c.header('Cache-Control', PREVIEW_CACHE);
    return c.json({
      id: preview.id,
      title: preview.title,
      excerpt: preview.excerpt,
      excerptHtml: preview.excerptHtml,
      author: preview.authorDisplayName,
      readingMinutes: preview.readingMinutes,
      url: postPath(preview),
    });
  });

/** Every sequence route: reading (/sequences, /s/…), writing (/sequences/new, /s/:id/edit …) and link previews. */
export const sequenceRoutes = new Hono<AppEnv>().route('/', readerRoutes).route('/', sequenceEditorRoutes);
