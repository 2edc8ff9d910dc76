import { postNear, type Query } from './targets.js';

/** A post the mixes read, vote on and comment on, with whose content is whose (no one votes on their own). */
export interface MixPost {
  id: string;
  path: string;
  authorId: string;
  /** A sample of its visible comments, newest first. */
  comments: { id: string; authorId: string }[];
}

export interface MixTargets {
  /** The most active posts, most active first: the post pages of the forum day, drawn Zipf-like by rank. */
  active: MixPost[];
  /** The other pages a visit may reach, by kind: sequences, authors' profiles, the feed, Recent Discussion. */
  otherPages: string[][];
  /** One post with about HOT_THREAD_COMMENTS comments, all of them sampled. */
  hotThread: MixPost;
}

/** Posts whose page views follow a Zipf law (s = 1) in the forum day. */
const ACTIVE_POSTS = 2_000;
/** How far back "active" looks: comments in this window count. */
const ACTIVITY_WINDOW = '30 days';
/** Comments remembered per active post, as vote and reply targets. */
const COMMENTS_PER_ACTIVE_POST = 50;
const HOT_THREAD_COMMENTS = 200;
const OTHER_PAGES_EACH = 20;

/** The posts with their authors and up to perPost of their newest visible comments, in the order of postIds. */
async function mixPosts(query: Query, postIds: string[], perPost: number): Promise<MixPost[]> {
  const rows = await query<{
    id: string;
    slug: string;
    authorId: string;
    commentId: string | null;
    commenterId: string | null;
  }>(
    `SELECT p.id, p.slug, p.author_id AS "authorId", c.id AS "commentId", c.author_id AS "commenterId"
       FROM posts p
       LEFT JOIN LATERAL (
         SELECT id, author_id FROM comments
          WHERE post_id = p.id AND NOT deleted
          ORDER BY created_at DESC LIMIT $2) c ON true
      WHERE p.id = ANY($1::text[])`,
    [postIds, perPost],
  );
  const posts = new Map<string, MixPost>();
  for (const row of rows) {
    let post = posts.get(row.id);
    if (!post) {
      post = { id: row.id, path: `/posts/${row.id}/${row.slug}`, authorId: row.authorId, comments: [] };
      posts.set(row.id, post);
    }
    if (row.commentId && row.commenterId) post.comments.push({ id: row.commentId, authorId: row.commenterId });
  }
  return postIds.map((id) => posts.get(id)).filter((post): post is MixPost => post !== undefined);
}

/** Finds the posts and pages the forum day and the hot thread use. */
export async function findMixTargets(query: Query): Promise<MixTargets> {
  // "Most active": most comments in the forum's last month (before its newest comment, so an old dataset works
  // too), then most comments: the threads readers open on a given day, big ones at the head.
  const activeIds = await query<{ id: string }>(
    `SELECT p.id FROM posts p
       LEFT JOIN (
         SELECT post_id, count(*) AS recent FROM comments
          WHERE NOT deleted AND created_at > (SELECT max(created_at) FROM comments) - interval '${ACTIVITY_WINDOW}'
          GROUP BY post_id) r ON r.post_id = p.id
      WHERE p.status = 'published' AND p.deleted_at IS NULL
      ORDER BY coalesce(r.recent, 0) DESC, p.comment_count DESC, p.id LIMIT $1`,
    [ACTIVE_POSTS],
  );
  const active = await mixPosts(
    query,
    activeIds.map((r) => r.id),
    COMMENTS_PER_ACTIVE_POST,
  );
  // The hot thread is its own post, not one of the single-page workloads' (~50 and ~1,000 comments).
  const hot = await postNear(query, HOT_THREAD_COMMENTS);
  const [hotThread] = await mixPosts(query, [hot.id], HOT_THREAD_COMMENTS * 2);
  const sequences = await query<{ id: string }>(
    `SELECT id FROM sequences WHERE post_count > 0 ORDER BY post_count DESC, id LIMIT $1`,
    [OTHER_PAGES_EACH],
  );
  const authors = await query<{ username: string }>(
    `SELECT DISTINCT u.username FROM users u WHERE u.id = ANY($1::text[]) ORDER BY u.username LIMIT $2`,
    [active.map((p) => p.authorId), OTHER_PAGES_EACH],
  );
  const otherPages = [
    sequences.map((s) => `/s/${s.id}`),
    authors.map((a) => `/users/${encodeURIComponent(a.username)}`),
    ['/feed.xml'],
    // Recent Discussion's own page (src/frontpage/routes.tsx).
    ['/discussion'],
  ].filter((pages) => pages.length > 0);
  return { active, otherPages, hotThread: hotThread! };
}
