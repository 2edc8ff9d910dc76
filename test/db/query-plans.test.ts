import { beforeAll, describe, expect, it } from 'vitest';
import { sessionUser, userByLogin } from '../../src/accounts/queries.js';
import {
  commentBodies,
  commentById,
  commentRow,
  commentsOfPost,
  newCommentCounts,
} from '../../src/comments/queries.js';
import type { Queryable } from '../../src/db/database.js';
import {
  newestCommentsOfPost,
  newestPosts,
  newestPostsOfSequence,
  newestPostsOfUser,
} from '../../src/feeds/queries.js';
import { activePosts, newestComments, POST_VIEWS, postList, TOP_PERIODS } from '../../src/frontpage/queries.js';
import { adjustedMagicList } from '../../src/frontpage/tag-filter-queries.js';
import { type FilterMode, filterSet } from '../../src/frontpage/tag-filters.js';
import { postById } from '../../src/posts/queries.js';
import { newestMatchingPosts, searchTab } from '../../src/search/queries.js';
import { suggestions } from '../../src/search/suggest.js';
import { backlinksOf } from '../../src/sequences/links.js';
import { postPreview, postsAvailableFor, sequenceList, sequencesOfUser } from '../../src/sequences/list-queries.js';
import {
  sequenceById,
  sequenceContents,
  sequencePosition,
  sequencesInProgress,
  sequencesOfPost,
  sequencesOfPosts,
} from '../../src/sequences/queries.js';
import { loadSyntheticForum } from '../../src/synthetic/load.js';
import { commentsOfUser, draftsOfUser, profileByUsername, publishedPostsOfUser } from '../../src/users/queries.js';
import { readerOnPostPage } from '../../src/votes/queries.js';
import { useTestDatabase } from '../helpers/app.js';

// Every hot query of the app, planned against a generated forum with sequential scans disabled: a query that
// still reads all of posts, comments or votes has no index it can use, and fails here with its name. Priced out,
// a sequential scan is often swapped for a walk through a whole index with no condition, which is just as bad,
// so that counts too, unless rows stream from it in index order up to a LIMIT (the frontpage's ordered walks).

const BIG_TABLES = new Set(['posts', 'comments', 'votes']);
const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan']);
/** Nodes that pass their (outer) input's rows on as they come, so a LIMIT above them stops the scan below. */
const STREAMING = new Set([
  'Nested Loop',
  'Hash Join',
  'Merge Join',
  'Subquery Scan',
  'Result',
  'Append',
  'Merge Append',
  'Unique',
  'Incremental Sort',
  'Gather Merge',
]);

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** A Queryable that records each statement a query function sends and answers it with no rows. */
function recorder(statements: { sql: string; params: unknown[] }[]): Queryable {
  const q: Queryable = {
    async query<T>(sql: string, params: unknown[] = []) {
      // Session settings (SET LOCAL …) have no plan to check.
      if (!/^\s*SET\b/i.test(sql)) statements.push({ sql, params });
      return [] as T[];
    },
    async exec(sql: string) {
      statements.push({ sql, params: [] });
    },
    transaction: (fn) => fn(q),
  };
  return q;
}

/** The plan's reads of a whole large table, described; `limited`: a LIMIT above takes rows as they stream. */
function fullScans(node: PlanNode, limited = false, found: string[] = []): string[] {
  const type = node['Node Type'];
  const table = node['Relation Name'] ?? '';
  const filter = node.Filter ? ` (filter ${node.Filter})` : '';
  if (BIG_TABLES.has(table)) {
    if (type === 'Seq Scan') found.push(`Seq Scan on ${table}${filter}`);
    if (INDEX_SCANS.has(type) && !node['Index Cond'] && !limited) {
      found.push(`${type} on ${table} using ${node['Index Name']} without an index condition${filter}`);
    }
  }
  for (const child of node.Plans ?? []) {
    const outer = child['Parent Relationship'] !== 'Inner';
    fullScans(child, type === 'Limit' || (limited && STREAMING.has(type) && outer), found);
  }
  return found;
}

const { db } = useTestDatabase();
// Real ids from the generated data, so each plan is made for values the app would pass.
const ids = {
  bigPost: '',
  posts: [] as string[],
  comments: [] as string[],
  user: '',
  username: '',
  sequence: '',
  sequencePost: '',
  date: new Date(),
};

beforeAll(async () => {
  await loadSyntheticForum(db, {
    sizes: { users: 200, posts: 2_000, comments: 20_000, votes: 50_000, sequences: 20 },
    seed: 7,
    pool: { posts: 40, comments: 150, bios: 10, descriptions: 5 },
  });
  const [big] = await db.query<{ id: string }>(
    `SELECT id FROM posts WHERE status = 'published' AND deleted_at IS NULL ORDER BY comment_count DESC LIMIT 1`,
  );
  ids.bigPost = big!.id;
  ids.posts = (
    await db.query<{ id: string }>(
      `SELECT id FROM posts WHERE status = 'published' ORDER BY published_at DESC LIMIT 20`,
    )
  ).map((r) => r.id);
  ids.comments = (
    await db.query<{ id: string }>('SELECT id FROM comments WHERE post_id = $1 LIMIT 50', [ids.bigPost])
  ).map((r) => r.id);
  const [author] = await db.query<{ id: string; username: string }>(
    `SELECT u.id, u.username FROM users u ORDER BY (SELECT count(*) FROM posts p WHERE p.author_id = u.id) DESC LIMIT 1`,
  );
  ids.user = author!.id;
  ids.username = author!.username;
  const [entry] = await db.query<{ sequenceId: string; postId: string }>(
    'SELECT sequence_id AS "sequenceId", post_id AS "postId" FROM sequence_posts LIMIT 1',
  );
  ids.sequence = entry!.sequenceId;
  ids.sequencePost = entry!.postId;
}, 120_000);

type HotQuery = [name: string, run: (q: Queryable) => Promise<unknown>];

const cursor = (list: string, key: string | number) => ({ list, key, id: ids.posts[0]! });

const hotQueries: HotQuery[] = [
  ...POST_VIEWS.flatMap((view): HotQuery[] =>
    (view === 'top' ? TOP_PERIODS : (['all'] as const)).flatMap((period): HotQuery[] => [
      [`postList ${view} ${period}`, (q) => postList(q, view, period, 20)],
      [
        `postList ${view} ${period}, next page`,
        (q) => postList(q, view, period, 20, cursor(view, view === 'recent' ? ids.date.toISOString() : 3)),
      ],
    ]),
  ),
  ['activePosts', (q) => activePosts(q, 20)],
  ['activePosts, next page', (q) => activePosts(q, 20, cursor('active', ids.date.toISOString()))],
  ['newestComments', (q) => newestComments(q, ids.posts, 3)],
  ['commentsOfPost', (q) => commentsOfPost(q, ids.bigPost)],
  ['commentBodies', (q) => commentBodies(q, ids.comments.slice(0, 50))],
  ['commentBodies of a post', (q) => commentBodies(q, ids.comments.slice(0, 50), ids.bigPost)],
  ['commentRow', (q) => commentRow(q, ids.comments[0]!)],
  ['commentById', (q) => commentById(q, ids.comments[0]!)],
  ['newCommentCounts', (q) => newCommentCounts(q, ids.user, ids.posts)],
  ['readerOnPostPage', (q) => readerOnPostPage(q, ids.user, ids.bigPost)],
  ['sessionUser', (q) => sessionUser(q, 'a'.repeat(64))],
  ['userByLogin', (q) => userByLogin(q, ids.username)],
  ['postById', (q) => postById(q, ids.bigPost)],
  ['profileByUsername', (q) => profileByUsername(q, ids.username)],
  ['publishedPostsOfUser', (q) => publishedPostsOfUser(q, ids.user, 20)],
  [
    'publishedPostsOfUser, next page',
    (q) => publishedPostsOfUser(q, ids.user, 20, cursor('posts', ids.date.toISOString())),
  ],
  ['commentsOfUser', (q) => commentsOfUser(q, ids.user, 20)],
  ['commentsOfUser, next page', (q) => commentsOfUser(q, ids.user, 20, cursor('comments', ids.date.toISOString()))],
  ['draftsOfUser', (q) => draftsOfUser(q, ids.user, 20)],
  ['feeds: newestPosts', (q) => newestPosts(q, 20)],
  ['feeds: newestPostsOfUser', (q) => newestPostsOfUser(q, ids.user, 20)],
  ['feeds: newestCommentsOfPost', (q) => newestCommentsOfPost(q, ids.bigPost, 20)],
  ['feeds: newestPostsOfSequence', (q) => newestPostsOfSequence(q, ids.sequence, 20)],
  ['sequenceById', (q) => sequenceById(q, ids.sequence)],
  ['sequenceContents (anonymous)', (q) => sequenceContents(q, ids.sequence, null)],
  ['sequenceContents (reader)', (q) => sequenceContents(q, ids.sequence, ids.user)],
  ['sequencePosition', (q) => sequencePosition(q, ids.sequence, ids.sequencePost)],
  ['sequencesOfPost', (q) => sequencesOfPost(q, ids.sequencePost)],
  ['sequencesOfPosts', (q) => sequencesOfPosts(q, ids.posts)],
  ['sequencesInProgress', (q) => sequencesInProgress(q, ids.user)],
  ['sequenceList new', (q) => sequenceList(q, 'new', 20)],
  ['sequenceList top, next page', (q) => sequenceList(q, 'top', 20, { sort: 'top', karma: 10, id: ids.sequence })],
  ['sequencesOfUser', (q) => sequencesOfUser(q, ids.user, true)],
  ['postsAvailableFor', (q) => postsAvailableFor(q, ids.user, ids.sequence)],
  ['postPreview', (q) => postPreview(q, ids.bigPost)],
  ['backlinksOf', (q) => backlinksOf(q, ids.bigPost)],
  // Search (src/search): each tab's page, filtered and continued, the feed, suggestions and "did you mean".
  ...(['posts', 'comments'] as const).map(
    (tab): HotQuery => [`search ${tab}`, (q) => searchTab(q, tab, "'proof'", {}, 21)],
  ),
  ['search posts, phrase and formula', (q) => searchTab(q, 'posts', "'prove' <-> 'bound' & 'mathcal' <-> 'b'", {}, 21)],
  [
    'search posts, next page',
    (q) =>
      searchTab(q, 'posts', "'proof'", {}, 21, {
        search: 's',
        rank: 0.1,
        key: ids.date.toISOString(),
        id: ids.posts[0]!,
      }),
  ],
  [
    'search posts by author and date',
    (q) => searchTab(q, 'posts', "'proof'", { authorId: ids.user, from: new Date(0), until: ids.date }, 21),
  ],
  ['search comments by author', (q) => searchTab(q, 'comments', "'proof'", { authorId: ids.user }, 21)],
  ['search feed', (q) => newestMatchingPosts(q, "'proof'", 30)],
  ['search suggestions', (q) => suggestions(q, 'proo', { posts: 5, users: 3, tags: 3 })],
  ['search did you mean', (q) => suggestions(q, 'proff of bounds', { posts: 3, users: 2, tags: 2 }, 'correction')],
];

describe('hot queries on a generated forum', () => {
  it.each(hotQueries)('%s reads posts, comments and votes through an index', async (name, run) => {
    const statements: { sql: string; params: unknown[] }[] = [];
    await run(recorder(statements));
    expect(statements.length, `${name} sent no SQL`).toBeGreaterThan(0);
    await db.transaction(async (tx) => {
      // With sequential scans priced out, the planner picks one only when no index can serve the query.
      await tx.exec('SET LOCAL enable_seqscan = off');
      for (const { sql, params } of statements) {
        const [row] = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        const json = row!['QUERY PLAN'];
        const [plan] = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[];
        const scans = fullScans(plan!.Plan);
        expect(scans, `${name}: ${scans.join('; ')}\n${sql}`).toEqual([]);
      }
    });
  });
});

// Frontpage tag filters (src/frontpage/tag-filter-queries.ts): Hidden and Required as conditions on each order's
// walk, Reduced and Subscribed in Magic's bounded window. Links of three tags of different frequency are added
// here, so the plans do not depend on how the generator tags posts.
describe('tag-filtered frontpage lists on a generated forum', () => {
  const tags = { common: 'tagfiltercommon0', middling: 'tagfiltermiddle0', rare: 'tagfilterrare000' };
  beforeAll(async () => {
    for (const [i, id] of Object.values(tags).entries()) {
      await db.query(
        'INSERT INTO tags (id, name, slug, created_by) VALUES ($1, $2, $2, (SELECT id FROM users ORDER BY id LIMIT 1))',
        [`${id}0`, `filter-plan-${i}`],
      );
    }
    await db.query(
      `INSERT INTO post_tags (post_id, tag_id, relevance, applied_by)
       SELECT p.id, t.tag_id, 1, p.author_id
         FROM (SELECT id, author_id, row_number() OVER (ORDER BY id) AS n FROM posts) p
         JOIN (VALUES ($1, 3), ($2, 7), ($3, 97)) AS t (tag_id, every) ON p.n % t.every = 0`,
      [`${tags.common}0`, `${tags.middling}0`, `${tags.rare}0`],
    );
    await db.exec('ANALYZE post_tags');
  });

  const filters = (modes: [keyof typeof tags, FilterMode][]) =>
    filterSet(modes.map(([tag, mode]) => ({ tagId: `${tags[tag]}0`, name: tag, slug: tag, mode })));
  const asOf = new Date();
  const cases: HotQuery[] = [
    ...(['magic', 'recent', 'top'] as const).map(
      (view): HotQuery => [
        `postList ${view}, hidden and required`,
        (q) =>
          postList(
            q,
            view,
            'all',
            21,
            undefined,
            filters([
              ['common', 'hidden'],
              ['rare', 'required'],
            ]),
          ),
      ],
    ),
    [
      'adjustedMagicList, reduced and subscribed',
      (q) =>
        adjustedMagicList(
          q,
          filters([
            ['common', 'reduced'],
            ['middling', 'subscribed'],
          ]),
          21,
          asOf,
        ),
    ],
    [
      'adjustedMagicList, every mode, next page',
      (q) =>
        adjustedMagicList(
          q,
          filters([
            ['common', 'reduced'],
            ['middling', 'subscribed'],
            ['rare', 'hidden'],
          ]),
          21,
          asOf,
          { list: 'magic', key: 0.5, id: ids.posts[0]! },
        ),
    ],
  ];

  it.each(cases)('%s reads posts and post_tags through indexes', async (name, run) => {
    const statements: { sql: string; params: unknown[] }[] = [];
    await run(recorder(statements));
    expect(statements.length, `${name} sent no SQL`).toBeGreaterThan(0);
    await db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off');
      for (const { sql, params } of statements) {
        const [row] = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        const json = row!['QUERY PLAN'];
        const [plan] = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[];
        const scans = fullScans(plan!.Plan);
        expect(scans, `${name}: ${scans.join('; ')}\n${sql}`).toEqual([]);
        expect(JSON.stringify(plan), `${name} reads all of post_tags`).not.toMatch(
          /"Node Type":"Seq Scan"[^{}]*"Relation Name":"post_tags"/,
        );
      }
    });
  });
});
