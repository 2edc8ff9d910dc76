import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { cookieValue } from '../cache/answer.js';
import { cacheAs, cachedFragment, cachesOf, changedHere } from '../cache/middleware.js';
import { remembered } from '../cache/tagged-cache.js';
import { currentCommentScores, readDiscussion, readPageBodies } from '../comments/discussion.js';
import { sharedCommentBytes } from '../comments/heads.js';
import { readerMarksJson, SCRIPT_COOKIE } from '../comments/marks.js';
import { commentPageParameter, requireCommentPage } from '../comments/pager.js';
import { paginateThreads } from '../comments/paging.js';
import {
  controlsForScript,
  deflatedCommentSection,
  scoresForScript,
  wholeCommentSection,
} from '../comments/segments.js';
import { rememberCommentSort } from '../comments/service.js';
import { type CommentSort, commentComparator, DEFAULT_COMMENT_SORT, isCommentSort } from '../comments/sort.js';
import { buildCommentTree, inReadingOrder } from '../comments/tree.js';
import {
  assembleSharedCommentTree,
  fillCommentSlots,
  newCommentsOf,
  type SharedCommentTree,
  type ThreadContext,
} from '../comments/views.js';
import { cursorId, newestCursorId } from '../live/hub.js';
import {
  canCommentOn,
  canDeletePost,
  canEditPost,
  canModerate,
  canReport,
  canVote,
  commentsOpen,
} from '../policy/policy.js';
import { pendingCommentsOfReader } from '../review/queries.js';
import { postTagsCacheTag, postTagsOnPage } from '../tags/links-page.js';
import { lastVisitOf, type ReaderOnPostPage, readerOnPostPage } from '../votes/queries.js';
import { acceptsGzip } from '../web/compression.js';
import type { AppEnv } from '../web/context.js';
import { pageContext, sendGzipPieces, sendHtmlAround, sendSplicedHtml } from '../web/page.js';
import { framedPostPage, type PostPageProps } from './frame.js';
import { commentPath, postPath } from './paths.js';
import type { PostRow } from './queries.js';
import { PostPage } from './views.js';
import { visitLog } from './visits.js';

/** Extra parts other features put on a post page (a sequence banner, navigation, backlinks). */
export interface PostPageSlots {
  /** Shown above the title. */
  banner?: Child;
  /** Shown after the body, before the comments. */
  afterBody?: Child;
}

/**
 * The post's comments in one order, rendered for every reader with their parts left as slots, and kept until a
 * comment or the post changes ("post:<id>"), or for good when caching is off. Made from the post's discussion as
 * read for every order and page (readDiscussion), and when that did not hold the page's text, one query for it.
 */
async function sharedCommentTree(
  c: Context<AppEnv>,
  post: PostRow,
  sort: CommentSort,
  page: number,
): Promise<SharedCommentTree> {
  const build = async () => {
    const read = await readDiscussion(c, post.id);
    const tree = buildCommentTree(read.rows, commentComparator(sort));
    const threads = paginateThreads(tree.roots, page);
    requireCommentPage(page, threads.pageCount);
    // Taken before the page's text is read in: the tree keeps these rows, without it.
    const readingOrder = inReadingOrder(tree.roots);
    await readPageBodies(c, post.id, read, threads.nodes);
    const html = await sharedCommentBytes(threads, post, cachesOf(c)?.commentHeads);
    return assembleSharedCommentTree(html, threads, readingOrder);
  };
  return remembered(cachesOf(c)?.commentTrees, `${post.id}:${sort}:${page}`, [`comments:${post.id}`], build);
}

/** The later of two times, either of which may be missing. */
const later = (a: Date | undefined, b: Date | undefined) => (a && b && b > a ? b : (a ?? b));

/**
 * The reader's last visit to the post, their votes on it and on its comments, and their relevance votes on its
 * tags. The votes are kept until the reader votes anywhere ("voter:<id>", migration 0026) or one of the post's
 * tag links changes ("post-tags:<id>", 0018), so a reader opening a busy thread again costs one probe for their
 * visit. A comment written since they were read needs no probe: the reader cannot have voted on it without
 * dropping them.
 */
async function readerOnPage(c: Context<AppEnv>, userId: string, postId: string): Promise<ReaderOnPostPage> {
  const db = c.get('deps').db;
  // One lookup: the build runs only on a miss (or is shared with a request already making it), and only the
  // request that ran it has the last visit its query read.
  let read: ReaderOnPostPage | undefined;
  const kept = await cachedFragment(
    c,
    `voter:${userId}:${postId}`,
    [`voter:${userId}`, postTagsCacheTag(postId)],
    async () => {
      read = await readerOnPostPage(db, userId, postId);
      return { votes: read.votes, tagVotes: read.tagVotes };
    },
  );
  return read ?? { lastVisit: await lastVisitOf(db, userId, postId), ...kept };
}

/**
 * Renders a post with its discussion: the post, its comments (one query), and for a logged-in reader the visit
 * record that marks comments new. Used by /posts/:id/:slug and by routes that show a post in another context.
 */
export async function showPostPage(c: Context<AppEnv>, post: PostRow, slots: PostPageSlots = {}) {
  cacheAs(c, [`post:${post.id}`, `comments:${post.id}`, `comment-scores:${post.id}`, postTagsCacheTag(post.id)]);
  const db = c.get('deps').db;
  const user = c.get('user');
  const asked = c.req.query('sort');
  const sort = isCommentSort(asked) ? asked : (user?.commentSort ?? DEFAULT_COMMENT_SORT);
  const page = commentPageParameter(c.req.query('page'));
  if (user && isCommentSort(asked) && asked !== user.commentSort) {
    await rememberCommentSort(db, user.id, asked);
    changedHere(c, `user:${user.id}`);
  }
  // The comments first (cached on a busy post), then the reader's last visit and votes on the comments shown,
  // with the scores and the post's tags.
  const comments = await sharedCommentTree(c, post, sort, page);
  const onPage = user ? readerOnPage(c, user.id, post.id) : undefined;
  const [scores, reader, tags, pending] = await Promise.all([
    currentCommentScores(c, post.id),
    onPage,
    postTagsOnPage(c, post, onPage),
    // The reader's own comments held for review: looked for only when their session says they have some.
    user?.pendingCommentCount ? pendingCommentsOfReader(db, user.id, post.id) : undefined,
  ]);
  // This visit is written with others shortly (posts/visits.ts); one still waiting is newer than the database's.
  const waiting = user ? visitLog(db).record(user.id, post.id) : undefined;
  const lastVisit = later(waiting, reader?.lastVisit);
  const votes = reader?.votes;
  if (user) changedHere(c, `reader:${user.id}`);
  const postVote = votes?.get(post.id)?.karma ?? null;
  const thread: ThreadContext = { post, user, csrfToken: c.get('csrfToken'), newSince: lastVisit, votes };
  const fresh = newCommentsOf(comments, thread);
  const firstNew = fresh[0]?.id;
  // The first new comment may be on another page of a long discussion: its permalink shows it wherever it is.
  const firstNewHref =
    firstNew === undefined
      ? undefined
      : comments.shownIds.has(firstNew)
        ? `#comment-${firstNew}`
        : commentPath(post, firstNew);
  const pageHref = (n: number) => `${postPath(post)}?${isCommentSort(asked) ? `sort=${asked}&` : ''}page=${n}#comments`;
  // A logged-in reader's comment section is mostly compressed once for everyone (comments/segments.ts); until
  // that is ready for this tree, the page is compressed whole as before.
  // Where the page's script runs, the reader's votes, "new" marks and own comments' controls go beside the section
  // for it to put in (comments/marks.ts), and so do the scores changed since this tree's first such view
  // (segments.ts scoresForScript): they leave the pieces every reader shares alone.
  const marksByScript = Boolean(user) && cookieValue(c.req.header('cookie'), SCRIPT_COOKIE) === '1';
  const spliced = Boolean(user) && acceptsGzip(c.req.header('accept-encoding'));
  const forScript = spliced && marksByScript ? scoresForScript(comments, scores) : undefined;
  const shownScores = forScript ? forScript.shown : scores;
  const section = spliced
    ? ((await wholeCommentSection(comments, thread, shownScores, marksByScript)) ??
      deflatedCommentSection(comments, thread, shownScores, cachesOf(c)?.commentSegments, marksByScript))
    : undefined;
  const props: PostPageProps = {
    ctx: pageContext(c),
    post,
    readerMarks:
      section && forScript
        ? readerMarksJson(
            comments.shownIds,
            votes,
            fresh,
            controlsForScript(comments, thread, scores),
            forScript.changed,
          )
        : undefined,
    commentCount: post.commentCount,
    thread,
    sort,
    newCount: fresh.length,
    firstNewHref,
    commentPages: { page: comments.page, pageCount: comments.pageCount, href: pageHref },
    canonicalUrl: c.get('deps').config.baseUrl + postPath(post),
    canEdit: canEditPost(user, post),
    canDelete: canDeletePost(user, post),
    canModerate: canModerate(user),
    canVote: canVote(user, post),
    // Logged-out readers are offered the comment box's and the report page's way to log in.
    commentBox: user ? (canCommentOn(user, post) ? 'form' : 'none') : commentsOpen(post) ? 'login' : 'none',
    canReport: post.status === 'published' && (!user || canReport(user, post)),
    slots,
    postVote,
    tags,
    pendingComments: pending,
    liveSince:
      newestCursorId(comments.readingOrder) ?? cursorId({ at: post.publishedAt ?? post.createdAt, id: '0'.repeat(17) }),
  };
  if (section) {
    const framed = await framedPostPage(c, props, isCommentSort(asked) ? asked : undefined, section);
    if (framed) return sendGzipPieces(c, framed);
  }
  return section
    ? sendSplicedHtml(c, <PostPage {...props} />, section)
    : sendHtmlAround(c, <PostPage {...props} />, fillCommentSlots(comments, thread, scores));
}
