// `npm run bench:data`: generate a realistic forum (users, posts, deep comment threads, votes, sequences, tags) and
// load it in one transaction into PostgreSQL or PGlite, for benchmarks; `--only-tags` adds tags to a forum loaded
// before. `npm run bench:data -- --help` for options.
import { ConfigError, loadConfig } from '../src/config.js';
import { type Database, openPostgres } from '../src/db/database.js';
import { openDatabase } from '../src/db/open.js';
import { type LoadReport, loadSyntheticForum, SyntheticLoadError } from '../src/synthetic/load.js';
import { loadSyntheticTags, type TagLoadReport } from '../src/synthetic/load-tags.js';
import { type BenchDataOptions, parseBenchDataArgs, USAGE, UsageError } from '../src/synthetic/options.js';
import type { TagStats } from '../src/synthetic/plan-tags.js';
import { formatCount, formatDuration, streamProgress } from '../src/synthetic/progress.js';

const CONNECT_TIMEOUT_MS = 20_000;
/** Above this many rows PGlite is slow (one WASM thread); say so before starting. */
const PGLITE_COMFORTABLE_ROWS = 1_000_000;
// One worker renders the body pool while the main thread plans: both cores busy (a second worker only competes).
const RENDER_WORKERS = 1;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

/** The URL without its password, for messages. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

let options: BenchDataOptions;
try {
  options = parseBenchDataArgs(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) fail(`${error.message}\n\n${USAGE}`, 2);
  throw error;
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

let dataDir: string;
let databaseUrl: string | undefined;
try {
  const config = loadConfig();
  dataDir = config.dataDir;
  databaseUrl = options.databaseUrl ?? config.databaseUrl;
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  throw error;
}
const target = databaseUrl ? `PostgreSQL at ${shownUrl(databaseUrl)}` : `PGlite in ${dataDir}`;
const { sizes } = options;
if (!options.onlyTags && !databaseUrl && sizes.comments + sizes.votes > PGLITE_COMFORTABLE_ROWS) {
  console.error(
    `Note: PGlite runs on one thread; ${formatCount(sizes.comments + sizes.votes)} comments and votes will take a ` +
      'while. PostgreSQL (--database-url) suits loads this size.',
  );
}

/** Whether PostgreSQL answers at all, within CONNECT_TIMEOUT_MS (migrations, which may take minutes, come after). */
async function reachPostgres(url: string): Promise<void> {
  const probe = await openPostgres({ connectionString: url, max: 1 });
  try {
    const answer = probe.query('SELECT 1');
    answer.catch(() => {});
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
        CONNECT_TIMEOUT_MS,
      ).unref(),
    );
    await Promise.race([answer, timeout]);
  } finally {
    await probe.close().catch(() => {});
  }
}

let db: Database;
try {
  if (databaseUrl) await reachPostgres(databaseUrl);
} catch (error) {
  fail(`Could not open ${target}: ${(error as Error).message}. Nothing was loaded.`, 1);
}
try {
  console.error(`Opening ${target} and applying pending migrations (minutes for some on a large forum)…`);
  let applied: string[];
  ({ db, applied } = await openDatabase({ dataDir, databaseUrl }));
  if (applied.length > 0) {
    console.error(`Applied migrations: ${applied.join(', ')}; analyzing (new columns have no statistics yet)…`);
    // A column a migration adds has no planner statistics until ANALYZE: plans on it (a search) go wrong meanwhile.
    await db.exec('ANALYZE');
  }
} catch (error) {
  fail(`Could not open ${target}: ${(error as Error).message}. Nothing was loaded.`, 1);
}

// Ctrl-C: the open transaction dies with the connection (or the process), so nothing is kept.
process.once('SIGINT', () =>
  fail('\nInterrupted: the load transaction is abandoned and rolls back; nothing was kept.', 130),
);

if (options.onlyTags) await addTags(db);

console.error(
  `Loading ${formatCount(sizes.users)} users, ${formatCount(sizes.posts)} posts, ${formatCount(sizes.comments)} comments, ` +
    `${formatCount(sizes.votes)} votes, ${formatCount(sizes.sequences)} sequences and ${formatCount(sizes.tags ?? 0)} tags (seed ${options.seed}) into ${target}…`,
);
let report: LoadReport;
try {
  report = await loadSyntheticForum(db, {
    sizes,
    seed: options.seed,
    append: options.append,
    renderWorkers: RENDER_WORKERS,
    progress: streamProgress(),
  });
} catch (error) {
  await db.close().catch(() => {});
  if (error instanceof SyntheticLoadError) fail(error.message, 1);
  fail(`The load failed and was rolled back; nothing was loaded. ${(error as Error).stack ?? error}`, 1);
}
await db.close();
printReport(report);

/** --only-tags: tags for the forum already there, then exit. */
async function addTags(db: Database): Promise<never> {
  console.error(`Adding tags (seed ${options.seed}) to the forum in ${target}…`);
  let report: TagLoadReport;
  try {
    report = await loadSyntheticTags(db, {
      seed: options.seed,
      ...(sizes.tags !== undefined ? { tags: sizes.tags } : {}),
      renderWorkers: RENDER_WORKERS,
      progress: streamProgress(),
    });
  } catch (error) {
    await db.close().catch(() => {});
    if (error instanceof SyntheticLoadError) fail(error.message, 1);
    fail(`Adding tags failed and was rolled back; nothing was kept. ${(error as Error).stack ?? error}`, 1);
  }
  await db.close();
  console.log(
    `\nAdded tags to ${formatCount(report.posts)} posts of ${formatCount(report.users)} users in ${target} in ` +
      `${formatDuration(report.totalMs)} (seed ${options.seed}).`,
  );
  printTagLines(report.rows, report.stats);
  console.log(
    report.triggersDisabled
      ? 'Per-row triggers were off during the load; every reference was checked afterwards.'
      : 'Per-row triggers stayed on (the role may not set session_replication_role).',
  );
  console.log('Checked before commit: post counts, relevance and vote counts agree with the rows.');
  for (const warning of report.warnings) console.log(`Warning: ${warning}`);
  process.exit(0);
}

function printTagLines(rows: Record<string, number>, s: TagStats): void {
  const line = (label: string, n: number | undefined, note = '') =>
    console.log(`  ${label.padEnd(17)} ${formatCount(n ?? 0).padStart(11)}${note ? `  ${note}` : ''}`);
  line(
    'tags',
    rows.tags,
    `posts per tag: most ${formatCount(s.maxPostCount)}, median ${formatCount(s.medianPostCount)}; ` +
      `${formatCount(s.tagsOver1000)} on more than 1,000, ${formatCount(s.tagsUnder10)} on fewer than 10`,
  );
  line('post tags', rows.post_tags, `${formatCount(s.hiddenLinks)} below 0 relevance (hidden from tag pages)`);
  line('tag votes', rows.post_tag_votes, 'relevance votes, each link carrying its applier’s');
}

function printReport(r: LoadReport): void {
  const s = r.stats;
  const line = (label: string, rows: number | undefined, note = '') =>
    console.log(`  ${label.padEnd(17)} ${formatCount(rows ?? 0).padStart(11)}${note ? `  ${note}` : ''}`);
  console.log(`\nLoaded into ${target} in ${formatDuration(r.totalMs)} (seed ${options.seed}).`);
  line(
    'users',
    r.rows.users,
    `karma above 1,000: ${formatCount(s.usersAbove1000)}, above 10,000: ${formatCount(s.usersAbove10000)}, highest ${formatCount(s.maxKarma)}`,
  );
  line(
    'posts',
    r.rows.posts,
    `${formatCount(s.publishedPosts)} published (${formatCount(s.deletedPosts)} of them deleted), ${formatCount(s.draftPosts)} drafts`,
  );
  line('post revisions', r.rows.post_revisions);
  line(
    'comments',
    r.rows.comments,
    `${formatCount(s.deletedComments)} deleted; per post: median ${s.medianCommentsPerPublishedPost}, most ` +
      `${formatCount(s.maxCommentsOnPost)}, nearest 50 and 1,000: ${s.nearest50} and ${formatCount(s.nearest1000)}; ` +
      `replies up to ${s.maxReplyDepth} deep`,
  );
  line(
    'votes',
    r.rows.votes,
    `${formatCount(sizes.votes)} cast (up to ${formatCount(s.maxVotesOnTarget)} on one target) + ` +
      `${formatCount(sizes.posts + sizes.comments)} authors' own upvotes`,
  );
  line('post visits', r.rows.post_visits);
  line(
    'sequences',
    r.rows.sequences,
    `${formatCount(r.rows.sequence_chapters ?? 0)} chapters, ${formatCount(r.rows.sequence_posts ?? 0)} posts, ` +
      `${formatCount(r.rows.sequence_reads ?? 0)} readers`,
  );
  printTagLines(r.rows, r.tagStats);
  console.log(
    `Bodies: ${formatCount(r.renderedBodies)} distinct generated Markdown bodies were rendered with renderContent ` +
      '(the app pipeline) and their HTML, excerpts and word counts reused across the rows.',
  );
  console.log(
    r.triggersDisabled
      ? 'Per-row triggers (cache notifications, foreign key checks) were off during the load ' +
          '(session_replication_role = replica); every reference was checked afterwards.'
      : 'Per-row triggers stayed on (the role may not set session_replication_role); the load is slower, not different.',
  );
  console.log('Checked before commit: recountVotes finds nothing to repair; comment counts and last activity match.');
  if (r.databaseBytes !== undefined) console.log(`Database size: ${(r.databaseBytes / 1024 ** 3).toFixed(2)} GB`);
  console.log('Phases:');
  for (const phase of r.phases) {
    console.log(`  ${phase.name.padEnd(13)} ${formatDuration(phase.ms).padStart(8)}  ${formatCount(phase.rows)}`);
  }
  for (const warning of r.warnings) console.log(`Warning: ${warning}`);
  const best = r.sampleUsers[0];
  console.log(
    `Every generated user's password: ${r.password}` +
      (best ? `  (e.g. log in as ${best.username}, karma ${formatCount(best.karma)})` : ''),
  );
}
