import { randomBytes } from 'node:crypto';
import { hashPassword } from '../accounts/passwords.js';
import type { Queryable } from '../db/database.js';
import { describeRepair, recountVotes } from '../votes/recount.js';
import type { ForumPlan, PlanStats, Sizes } from './model.js';
import { DEFAULT_POOL_SIZES, type PoolSizes, planForum, poolJobs, poolLayout } from './plan.js';
import { planTagNames, type TagStats, tagStats } from './plan-tags.js';
import { VoteCapacityError } from './plan-votes.js';
import { type PhaseProgress, type Progress, silentProgress } from './progress.js';
import { Random } from './random.js';
import { renderBodies } from './render-pool.js';
import { writeForum } from './write.js';

export interface LoadOptions {
  sizes: Sizes;
  seed: number;
  /** Add to a database that already has users or posts (refused otherwise). */
  append?: boolean;
  now?: Date;
  /** The one password every generated user logs in with; random when omitted. */
  password?: string;
  pool?: Partial<PoolSizes>;
  /** Worker threads rendering the body pool while the main thread plans (0: render in this thread). */
  renderWorkers?: number;
  /** Rows per INSERT statement. */
  batchSize?: number;
  /** VACUUM (ANALYZE) the loaded tables after commit, so the planner has statistics (default true). */
  analyze?: boolean;
  progress?: Progress;
  /** Called as each write phase starts, inside the transaction (tests make a phase fail with it). */
  onPhase?: (phase: string) => void | Promise<void>;
  /** Fixed id generator (tests); by default ids are fresh per run so appending never repeats one. */
  ids?: Random;
}

export interface PhaseTiming {
  name: string;
  rows: number;
  ms: number;
}

export interface LoadReport {
  password: string;
  /** A few generated users to log in as: the highest karma first. */
  sampleUsers: { username: string; karma: number }[];
  rows: Record<string, number>;
  renderedBodies: number;
  stats: PlanStats;
  tagStats: TagStats;
  /** Whether the per-row triggers (cache notifications, foreign keys) were off during the load. */
  triggersDisabled: boolean;
  /** Size of the whole database after the load (pg_database_size), when the database reports it. */
  databaseBytes: number | undefined;
  /** Problems after commit (the data is loaded). */
  warnings: string[];
  phases: PhaseTiming[];
  totalMs: number;
}

/** A load refused or undone for a reason the user can act on (the message says which); nothing was kept. */
export class SyntheticLoadError extends Error {}

const LOADED_TABLES = [
  'users',
  'posts',
  'post_revisions',
  'comments',
  'votes',
  'post_visits',
  'sequences',
  'sequence_chapters',
  'sequence_posts',
  'sequence_reads',
  'tags',
  'tag_revisions',
  'post_tags',
  'post_tag_votes',
];

/** Wraps a Progress to keep each phase's rows and duration for the report. */
export function recording(progress: Progress, phases: PhaseTiming[]): Progress {
  return {
    phase(name, total, unit) {
      const inner = progress.phase(name, total, unit);
      let rows = 0;
      const outer: PhaseProgress = {
        add(n) {
          rows += n;
          inner.add(n);
        },
        done(note) {
          const ms = inner.done(note);
          phases.push({ name, rows, ms });
          return ms;
        },
      };
      return outer;
    },
  };
}

/** Lower-cased names and slugs of the tags already in the database. */
export async function takenTagNames(db: Queryable): Promise<Set<string>> {
  const rows = await db.query<{ name: string; slug: string }>('SELECT lower(name) AS name, slug FROM tags');
  return new Set(rows.flatMap((row) => [row.name, row.slug]));
}

async function existingCounts(db: Queryable): Promise<{ users: number; posts: number; nextUserIndex: number }> {
  const [row] = await db.query<{ users: number; posts: number; nextUserIndex: number }>(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts,
            (SELECT coalesce(max(substring(username FROM '[0-9]+$')::numeric), -1) + 1 FROM users)::float8
              AS "nextUserIndex"`,
  );
  return row!;
}

/**
 * Generates a forum of the given sizes and loads it in one transaction: it commits complete and consistent
 * (every counter checked against the rows by recountVotes and the checks in verify.ts) or rolls back, leaving
 * the database as it was.
 */
export async function loadSyntheticForum(db: Queryable, options: LoadOptions): Promise<LoadReport> {
  const started = performance.now();
  const phases: PhaseTiming[] = [];
  const progress = recording(options.progress ?? silentProgress, phases);
  const before = await existingCounts(db);
  if (!options.append && (before.users > 0 || before.posts > 0)) {
    throw new SyntheticLoadError(
      `The database is not empty (${before.users.toLocaleString('en')} users, ${before.posts.toLocaleString('en')} posts). ` +
        'Load into a fresh database, or pass --append to add to this one.',
    );
  }
  const password = options.password ?? randomBytes(9).toString('base64url');
  const passwordHash = hashPassword(password);
  passwordHash.catch(() => {});
  const layout = poolLayout(options.sizes, { ...DEFAULT_POOL_SIZES, ...options.pool });
  // Appended tags take names the database does not have yet.
  const tagNames = planTagNames(options.seed, layout.tags.size, options.append ? await takenTagNames(db) : undefined);

  // The pool renders in a worker thread while this thread plans; both finish before anything is written.
  const planBar = progress.phase('plan+render', 7, 'steps');
  const rendering = renderBodies(poolJobs(layout, options.seed, tagNames), options.renderWorkers ?? 0);
  rendering.catch(() => {});
  let plan: ForumPlan;
  try {
    plan = planForum(options.sizes, {
      seed: options.seed,
      now: options.now ?? new Date(),
      firstUserIndex: before.nextUserIndex,
      pool: layout,
      tagNames,
      ...(options.ids ? { ids: options.ids } : {}),
      onStep: () => planBar.add(1),
    });
  } catch (error) {
    if (error instanceof VoteCapacityError) throw new SyntheticLoadError(error.message);
    throw error;
  }
  const bodies = await rendering;
  planBar.done(`(${bodies.length.toLocaleString('en')} distinct bodies rendered with renderContent)`);

  const ids = options.ids ?? Random.unseeded();
  const { rows, triggersDisabled } = await db.transaction(async (tx) => {
    if (!options.append) {
      const now = await existingCounts(tx);
      if (now.users > 0 || now.posts > 0) {
        throw new SyntheticLoadError('Another process wrote to the database meanwhile; nothing was loaded.');
      }
    }
    const result = await writeForum(tx, plan, bodies, {
      passwordHash: await passwordHash,
      ids,
      progress,
      batchSize: options.batchSize ?? 5_000,
      onPhase: options.onPhase ?? (() => {}),
    });
    const bar = progress.phase('verify', 0);
    await options.onPhase?.('verify');
    // Statistics first, so the checks below get hash joins rather than plans for empty tables.
    for (const table of LOADED_TABLES) await tx.exec(`ANALYZE ${table}`);
    const repairs = await recountVotes(tx);
    if (repairs.length > 0) {
      throw new SyntheticLoadError(
        `recountVotes found ${repairs.length} counters that disagree with the votes (e.g. ` +
          `${repairs.slice(0, 3).map(describeRepair).join('; ')}); rolled back, nothing was loaded.`,
      );
    }
    await result.verify().catch((error: unknown) => {
      throw new SyntheticLoadError(`${(error as Error).message}; rolled back, nothing was loaded.`);
    });
    bar.done('recountVotes: nothing to repair; comment counts, last activity and references checked');
    return result;
  });

  // Committed: from here on a failure is a warning, never a reason to say nothing was loaded.
  const warnings: string[] = [];
  if (options.analyze ?? true) {
    const bar = progress.phase('analyze', LOADED_TABLES.length, 'tables');
    try {
      for (const table of LOADED_TABLES) {
        await db.exec(`VACUUM (ANALYZE) ${table}`);
        bar.add(1);
      }
    } catch (error) {
      warnings.push(`VACUUM (ANALYZE) failed (${(error as Error).message}); run ANALYZE before benchmarking.`);
    }
    bar.done('(VACUUM ANALYZE: planner statistics and visibility maps)');
  }
  const databaseBytes = await db
    .query<{ bytes: number }>('SELECT pg_database_size(current_database())::float8 AS bytes')
    .then((r) => r[0]?.bytes)
    .catch(() => undefined);

  const byKarma = Array.from(plan.users.karma.keys())
    .sort((a, b) => plan.users.karma[b]! - plan.users.karma[a]!)
    .slice(0, 5);
  return {
    password,
    sampleUsers: byKarma.map((u) => ({ username: plan.users.usernames[u]!, karma: plan.users.karma[u]! })),
    rows,
    renderedBodies: bodies.length,
    stats: plan.stats,
    tagStats: tagStats(plan.tags),
    triggersDisabled,
    databaseBytes,
    warnings,
    phases,
    totalMs: performance.now() - started,
  };
}
