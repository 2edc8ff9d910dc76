// `npm run bench:crash`: writes comments and votes against a running server, kills it with SIGKILL at random
// moments, starts it again, and at the end checks that every write the server acknowledged (2xx/3xx) is there
// exactly once, that every counter and karma matches what `npm run recount` computes, and that nothing is
// half-written. On the embedded database (a new DATA_DIR: each restart takes over the killed server's stale lock)
// and, with --database-url, on a new database on that PostgreSQL server.
// Usage: npm run bench:crash -- [--database-url postgres://…] [--kills 12] [--writers 8] [--skip-pglite]
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { csrfTokenOf } from '../src/accounts/sessions.js';
import { type Database, openPostgres } from '../src/db/database.js';
import { newId } from '../src/db/ids.js';
import { openDatabase } from '../src/db/open.js';
import { formatCount } from '../src/synthetic/progress.js';
import { recountVotes } from '../src/votes/recount.js';
import { type StartedLyceum, startLyceum } from './lib/lyceum.js';

const USERS = 60;
const POSTS = 6;

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    kills: { type: 'string', default: '12' },
    writers: { type: 'string', default: '8' },
    'skip-pglite': { type: 'boolean' },
  },
});
const kills = Number(values.kills);
const writers = Number(values.writers);
if (!(kills >= 1 && writers >= 1)) {
  console.error('--kills and --writers must be positive numbers.');
  process.exit(2);
}

interface Writer {
  userId: string;
  cookie: string;
  csrf: string;
}

interface Forum {
  users: Writer[];
  posts: { id: string; authorId: string }[];
}

/** Users with sessions and published posts, written straight into the new database before the server starts. */
async function prepare(db: Database): Promise<Forum> {
  const users: Writer[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = newId();
    const token = randomBytes(32).toString('base64url');
    await db.query(
      `INSERT INTO users (id, username, display_name, email, password_hash, karma) VALUES ($1, $2, $2, $3, '!', 0)`,
      [id, `crash_${i}`, `crash_${i}@example.org`],
    );
    await db.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [
      createHash('sha256').update(token).digest('hex'),
      id,
    ]);
    const csrf = csrfTokenOf(token);
    users.push({ userId: id, cookie: `lyceum_session=${token}; lyceum_csrf=${csrf}`, csrf });
  }
  const posts = [];
  for (let i = 0; i < POSTS; i++) {
    const id = newId();
    const authorId = users[i]!.userId;
    await db.query(
      `INSERT INTO posts (id, author_id, title, slug, body_markdown, body_html, excerpt, status, published_at)
       VALUES ($1, $2, $3, $4, 'Crash test post.', '<p>Crash test post.</p>', 'Crash test post.', 'published', now())`,
      [id, authorId, `Crash test post ${i}`, `crash-test-post-${i}`],
    );
    posts.push({ id, authorId });
  }
  // As the benchmarks do: no karma-tier limits or review queue for these writers (bench/lib/targets.ts).
  await db.query(
    `INSERT INTO site_settings (key, value) VALUES ('rateLimits', '{"tiers": []}'), ('review', '{"newMembers": false}')
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
  );
  return { users, posts };
}

interface Acknowledged {
  comments: Map<string, string>; // marker → post id
  votes: Set<string>; // "user target"
  commentIds: { id: string; authorId: string }[];
}

/** One writer: comments and votes in a loop, recording what the server acknowledged, until told to stop. */
async function write(
  base: () => string | undefined,
  forum: Forum,
  ack: Acknowledged,
  stop: { now: boolean },
  counts: { sent: number; failed: number },
  voted: Set<string>,
) {
  while (!stop.now) {
    const url = base();
    const writer = forum.users[Math.floor(Math.random() * forum.users.length)]!;
    const headers = {
      cookie: writer.cookie,
      'x-csrf-token': writer.csrf,
      origin: url ?? '',
      accept: 'application/json',
    };
    try {
      if (!url) throw new Error('down');
      counts.sent++;
      if (Math.random() < 0.5 || ack.commentIds.length === 0) {
        const post = forum.posts[Math.floor(Math.random() * forum.posts.length)]!;
        const marker = `crash-${randomUUID()}`;
        const response = await fetch(`${url}/posts/${post.id}/comments`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ body: `${marker} with $x^2$.`, intent: 'submit' }).toString(),
          redirect: 'manual',
        });
        const answer = (await response.json().catch(() => ({}))) as { id?: string };
        if (response.status < 400) {
          ack.comments.set(marker, post.id);
          if (answer.id) ack.commentIds.push({ id: answer.id, authorId: writer.userId });
        } else counts.failed++;
      } else {
        const useComment = Math.random() < 0.7;
        const target = useComment
          ? ack.commentIds[Math.floor(Math.random() * ack.commentIds.length)]!
          : forum.posts[Math.floor(Math.random() * forum.posts.length)]!;
        const key = `${writer.userId} ${target.id}`;
        if (target.authorId === writer.userId || voted.has(key)) continue;
        voted.add(key);
        const response = await fetch(`${url}/api/votes`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ targetType: useComment ? 'comment' : 'post', targetId: target.id, kind: 'up' }),
        });
        await response.arrayBuffer();
        if (response.status < 400) ack.votes.add(key);
        else counts.failed++;
      }
    } catch {
      // The server is down (killed, or starting): not acknowledged, so not counted; try again shortly.
      counts.failed++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function verify(db: Database, ack: Acknowledged) {
  const markers = [...ack.comments.keys()];
  const found = await db.query<{ marker: string; n: number }>(
    `SELECT split_part(body_markdown, ' ', 1) AS marker, count(*)::int AS n FROM comments
      WHERE split_part(body_markdown, ' ', 1) = ANY($1::text[]) GROUP BY 1`,
    [markers],
  );
  const foundComments = new Map(found.map((row) => [row.marker, row.n]));
  const lostComments = markers.filter((marker) => !foundComments.has(marker)).length;
  const doubled = found.filter((row) => row.n > 1).length;
  const votes = await db.query<{ key: string }>(
    `SELECT user_id || ' ' || target_id AS key FROM votes WHERE axis = 'karma'`,
  );
  const voteKeys = new Set(votes.map((v) => v.key));
  const lostVotes = [...ack.votes].filter((key) => !voteKeys.has(key)).length;
  const repairs = await recountVotes(db);
  const [half] = await db.query<{ counts: number; html: number; activity: number }>(
    `SELECT (SELECT count(*)::int FROM posts p
              WHERE p.comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND NOT c.deleted)) AS counts,
            (SELECT count(*)::int FROM comments WHERE NOT deleted AND (body_html = '' OR excerpt = '')) AS html,
            (SELECT count(*)::int FROM comments c JOIN posts p ON p.id = c.post_id
              WHERE c.created_at > p.last_activity_at) AS activity`,
  );
  return {
    acknowledged: markers.length + ack.votes.size,
    found: markers.length - lostComments + ack.votes.size - lostVotes,
    lost: lostComments + lostVotes,
    lostComments,
    lostVotes,
    doubled,
    repairs: repairs.length,
    halfWritten: half!.counts + half!.html + half!.activity,
  };
}

async function crashRun(label: string, options: { dataDir?: string; databaseUrl?: string }) {
  const open = () =>
    options.databaseUrl
      ? openPostgres({ connectionString: options.databaseUrl })
      : openDatabase({ dataDir: options.dataDir! }).then((opened) => opened.db);
  const setup = await open();
  if (options.databaseUrl) await import('../src/db/migrate.js').then(({ migrate }) => migrate(setup));
  const forum = await prepare(setup);
  await setup.close();

  const ack: Acknowledged = { comments: new Map(), votes: new Set(), commentIds: [] };
  const stop = { now: false };
  const counts = { sent: 0, failed: 0 };
  let server: StartedLyceum | undefined = await startLyceum(options);
  let up = true;
  const base = () => (up ? server?.base : undefined);
  // Shared by the writers: a user votes on a target once (a second "up" would cancel the first).
  const voted = new Set<string>();
  const loops = Array.from({ length: writers }, () => write(base, forum, ack, stop, counts, voted));
  const restarts: number[] = [];
  for (let kill = 1; kill <= kills; kill++) {
    await new Promise((resolve) => setTimeout(resolve, 1500 + Math.random() * 4000));
    const child = server!.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    up = false;
    await exited;
    const started = performance.now();
    server = await startLyceum(options);
    restarts.push(performance.now() - started);
    up = true;
    process.stdout.write(
      `\r  ${label}: killed ${kill} of ${kills} times, ${formatCount(ack.comments.size + ack.votes.size)} writes acknowledged`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  stop.now = true;
  await Promise.all(loops);
  server!.child.kill('SIGTERM');
  await new Promise((resolve) => server!.child.once('exit', resolve));
  process.stdout.write('\n');

  const db = await open();
  try {
    const result = await verify(db, ack);
    const slowest = Math.max(...restarts);
    console.log(
      `  ${label}: ${kills} kills (restarts took up to ${(slowest / 1000).toFixed(1)} s); ${formatCount(counts.sent)} writes sent, ` +
        `${formatCount(result.acknowledged)} acknowledged (${formatCount(ack.comments.size)} comments, ${formatCount(ack.votes.size)} votes), ` +
        `${formatCount(result.found)} found, ${result.lost} lost (${result.lostComments} comments, ${result.lostVotes} votes), ${result.doubled} stored twice; ` +
        `recount repaired ${result.repairs} counters; ${result.halfWritten} half-written rows.`,
    );
    return result.lost === 0 && result.doubled === 0 && result.repairs === 0 && result.halfWritten === 0;
  } finally {
    await db.close();
  }
}

console.log(`Crash test: ${writers} writers, ${kills} SIGKILLs per database, ${USERS} users on ${POSTS} posts.`);
let ok = true;
if (!values['skip-pglite']) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-crash-'));
  try {
    ok = (await crashRun('PGlite', { dataDir })) && ok;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
const serverUrl = values['database-url'] ?? process.env.DATABASE_URL;
if (serverUrl) {
  const name = `lyceum_crash_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    ok = (await crashRun('PostgreSQL', { databaseUrl: url.toString() })) && ok;
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
} else {
  console.log('  PostgreSQL: skipped (give --database-url or DATABASE_URL: a new database is made on that server).');
}
console.log(ok ? 'Nothing acknowledged was lost.' : 'FAILED: see above.');
process.exit(ok ? 0 : 1);
