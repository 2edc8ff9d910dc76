import type { Queryable } from '../db/database.js';
import { type PhaseTiming, recording, SyntheticLoadError } from './load.js';
import { poolJobs, poolLayout } from './plan.js';
import { defaultTagCount, planTagNames, planTags, TAGS_SALT, type TagStats, tagStats } from './plan-tags.js';
import { type Progress, silentProgress } from './progress.js';
import { Random } from './random.js';
import { renderBodies } from './render-pool.js';
import { verifyTags } from './verify.js';
import { disableTriggers, loadBodies } from './write.js';
import { writeTags } from './write-tags.js';

export interface TagLoadOptions {
  seed: number;
  /** Tags to create (default: defaultTagCount of the posts there). */
  tags?: number;
  now?: Date;
  renderWorkers?: number;
  batchSize?: number;
  /** VACUUM (ANALYZE) the tag tables after commit (default true). */
  analyze?: boolean;
  progress?: Progress;
  /** Fixed id generator (tests); by default ids are fresh per run. */
  ids?: Random;
}

export interface TagLoadReport {
  /** Posts and users found in the database. */
  posts: number;
  users: number;
  rows: Record<string, number>;
  stats: TagStats;
  triggersDisabled: boolean;
  warnings: string[];
  phases: PhaseTiming[];
  totalMs: number;
}

// Links first: the order other sessions analyze them in (post_tags, then tags), so two ANALYZEs never deadlock.
const TAG_TABLES = ['post_tags', 'tags', 'tag_revisions', 'post_tag_votes'];

interface PostRow {
  id: string;
  author: string;
  created: number;
  published: number | null;
  deleted: number | null;
}

/** The forum's users and posts in a stable order (creation time, then id), so a seed plans the same tags. */
async function readForum(db: Queryable) {
  const userRows = await db.query<{ id: string; karma: number; created: number }>(
    `SELECT id, karma, extract(epoch FROM created_at)::float8 * 1000 AS created FROM users ORDER BY created_at, id`,
  );
  const postRows = await db.query<PostRow>(
    `SELECT id, author_id AS author, extract(epoch FROM created_at)::float8 * 1000 AS created,
            CASE WHEN status = 'published' THEN extract(epoch FROM published_at)::float8 * 1000 END AS published,
            extract(epoch FROM deleted_at)::float8 * 1000 AS deleted
       FROM posts ORDER BY created_at, id`,
  );
  const userIndex = new Map(userRows.map((u, i) => [u.id, i]));
  const users = {
    count: userRows.length,
    ids: userRows.map((u) => u.id),
    karma: Int32Array.from(userRows, (u) => u.karma),
    createdAt: Float64Array.from(userRows, (u) => u.created),
  };
  const posts = {
    count: postRows.length,
    ids: postRows.map((p) => p.id),
    author: Int32Array.from(postRows, (p) => userIndex.get(p.author)!),
    createdAt: Float64Array.from(postRows, (p) => p.created),
    publishedAt: Float64Array.from(postRows, (p) => p.published ?? Number.NaN),
    deletedAt: Float64Array.from(postRows, (p) => p.deleted ?? Number.NaN),
  };
  return { users, posts };
}

/**
 * Adds tags to a forum already in the database (one loaded before tags existed): plans them from the seed over
 * its posts and users, as a whole load would, and writes them in one transaction, checked before commit.
 * Refuses a database that has tags.
 */
export async function loadSyntheticTags(db: Queryable, options: TagLoadOptions): Promise<TagLoadReport> {
  const started = performance.now();
  const phases: PhaseTiming[] = [];
  const progress = recording(options.progress ?? silentProgress, phases);
  const tagCount = async (q: Queryable) => (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM tags'))[0]!.n;
  const existing = await tagCount(db);
  if (existing > 0) {
    throw new SyntheticLoadError(
      `The database already has ${existing.toLocaleString('en')} tags; --only-tags adds tags to a forum without any.`,
    );
  }
  const readBar = progress.phase('read forum', 0);
  const { users, posts } = await readForum(db);
  readBar.done(`${posts.count.toLocaleString('en')} posts, ${users.count.toLocaleString('en')} users`);
  if (posts.count === 0) throw new SyntheticLoadError('The database has no posts to tag; load a forum first.');

  const count = options.tags ?? defaultTagCount(posts.count);
  const layout = poolLayout({ users: 0, posts: 0, comments: 0, votes: 0, sequences: 0, tags: count });
  const names = planTagNames(options.seed, count);
  const planBar = progress.phase('plan+render', 0);
  const rendering = renderBodies(poolJobs(layout, options.seed, names), options.renderWorkers ?? 0);
  rendering.catch(() => {});
  let start = Number.POSITIVE_INFINITY;
  let now = options.now?.getTime() ?? Date.now();
  for (const times of [posts.createdAt, users.createdAt]) {
    for (const t of times) {
      if (t < start) start = t;
      if (t > now) now = t;
    }
  }
  const ids = options.ids ?? Random.unseeded();
  const tags = planTags(new Random(options.seed ^ TAGS_SALT), ids, posts, users, {
    names,
    bodies: layout.tags,
    start,
    now,
  });
  const bodies = await rendering;
  planBar.done(`(${bodies.length.toLocaleString('en')} tag descriptions rendered with renderContent)`);

  const { rows, triggersDisabled } = await db.transaction(async (tx) => {
    if ((await tagCount(tx)) > 0) {
      throw new SyntheticLoadError('Another process added tags meanwhile; nothing was loaded.');
    }
    const triggersDisabled = await disableTriggers(tx);
    await tx.exec(`SET LOCAL work_mem = '256MB'`);
    await loadBodies(tx, bodies, progress);
    const targets = { postIds: posts.ids, userIds: users.ids, start, now };
    const rows = await writeTags(tx, tags, targets, {
      ids,
      batchSize: options.batchSize ?? 5_000,
      progress,
      triggersDisabled,
    });
    const bar = progress.phase('verify', 0);
    for (const table of TAG_TABLES) await tx.exec(`ANALYZE ${table}`);
    await verifyTags(tx, triggersDisabled).catch((error: unknown) => {
      throw new SyntheticLoadError(`${(error as Error).message}; rolled back, nothing was loaded.`);
    });
    bar.done('post counts, relevance, vote counts and references checked');
    return { rows, triggersDisabled };
  });

  const warnings: string[] = [];
  if (options.analyze ?? true) {
    const bar = progress.phase('analyze', TAG_TABLES.length, 'tables');
    try {
      for (const table of TAG_TABLES) {
        await db.exec(`VACUUM (ANALYZE) ${table}`);
        bar.add(1);
      }
    } catch (error) {
      warnings.push(`VACUUM (ANALYZE) failed (${(error as Error).message}); run ANALYZE before benchmarking.`);
    }
    bar.done();
  }
  return {
    posts: posts.count,
    users: users.count,
    rows,
    stats: tagStats(tags),
    triggersDisabled,
    warnings,
    phases,
    totalMs: performance.now() - started,
  };
}
