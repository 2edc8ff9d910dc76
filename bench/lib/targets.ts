import { createHash, randomBytes } from 'node:crypto';
import { csrfTokenOf } from '../../src/accounts/sessions.js';
import { SCRIPT_COOKIE } from '../../src/comments/marks.js';
import type { Queryable } from '../../src/db/database.js';

/** Where the benchmark reads its targets: an open PostgreSQL pool or a PGlite directory opened in-process. */
export type Query = Queryable['query'];

/** A logged-in reader: session and CSRF cookies, and the token to echo. */
export interface Session {
  userId: string;
  cookie: string;
  csrf: string;
}

export interface Targets {
  frontpage: string;
  post50: string;
  post1000: string;
  sequence: string | undefined;
  profile: string;
  feed: string;
  /** Logged-in readers, the users with the most karma first. */
  sessions: Session[];
  /** Write targets for the mixed workload: another post of ~50 comments, so post50 stays the same size. */
  writePost: string;
  writePostId: string;
  writeCommentIds: string[];
}

/** Post whose comment count is closest to n (an index scan on each side would do; this runs once). */
export async function postNear(query: Query, n: number, skip = 0): Promise<{ id: string; path: string }> {
  const [row] = await query<{ id: string; slug: string }>(
    `SELECT id, slug FROM posts WHERE status = 'published' AND deleted_at IS NULL
      ORDER BY abs(comment_count - $1), id LIMIT 1 OFFSET $2`,
    [n, skip],
  );
  if (!row) throw new Error('The database has no published posts; load some with npm run bench:data.');
  return { id: row.id, path: `/posts/${row.id}/${row.slug}` };
}

/** Opens a 30-day session for each user, as logging in would. */
async function openSessions(query: Query, userIds: string[]): Promise<Session[]> {
  const sessions = userIds.map((userId) => {
    const token = randomBytes(32).toString('base64url');
    // A logged-in reader's CSRF token is bound to their session (src/web/middleware.ts).
    const csrf = csrfTokenOf(token);
    const hash = createHash('sha256').update(token).digest('hex');
    // As a browser running the page's script sends it (comments/marks.ts SCRIPT_COOKIE).
    const cookie = `lyceum_session=${token}; lyceum_csrf=${csrf}; ${SCRIPT_COOKIE}=1`;
    return { userId, hash, session: { userId, cookie, csrf } };
  });
  await query(
    `INSERT INTO sessions (token_hash, user_id, expires_at)
     SELECT hash, user_id, now() + interval '30 days' FROM unnest($1::text[], $2::text[]) AS s (hash, user_id)`,
    [sessions.map((s) => s.hash), sessions.map((s) => s.userId)],
  );
  return sessions.map((s) => s.session);
}

/** Finds representative pages in the loaded forum and opens sessions for sessionCount logged-in readers. */
export async function findTargets(query: Query, sessionCount: number): Promise<Targets> {
  const post50 = await postNear(query, 50);
  const post1000 = await postNear(query, 1000);
  const sequence = await query<{ id: string }>(
    `SELECT id FROM sequences WHERE post_count > 0 ORDER BY post_count DESC, id LIMIT 1`,
  )
    .then((rows) => (rows[0] ? `/s/${rows[0].id}` : undefined))
    .catch(() => undefined);
  const [author] = await query<{ username: string }>(
    `SELECT u.username FROM users u JOIN posts p ON p.author_id = u.id GROUP BY u.username ORDER BY count(*) DESC LIMIT 1`,
  );
  const users = await query<{ id: string }>(`SELECT id FROM users ORDER BY karma DESC, id LIMIT $1`, [sessionCount]);
  const sessions = await openSessions(
    query,
    users.map((u) => u.id),
  );
  const writePost = await postNear(query, 50, 1);
  // Comments none of the benchmark's readers wrote: voting on one's own comment is refused (403).
  const comments = await query<{ id: string }>(
    `SELECT id FROM comments WHERE post_id = $1 AND NOT deleted AND author_id <> ALL($2::text[]) LIMIT 20`,
    [writePost.id, users.map((u) => u.id)],
  );
  return {
    frontpage: '/',
    post50: post50.path,
    post1000: post1000.path,
    sequence,
    profile: `/users/${author?.username}`,
    feed: '/feed.xml',
    sessions,
    writePost: writePost.path,
    writePostId: writePost.id,
    writeCommentIds: comments.map((r) => r.id),
  };
}

/**
 * Turns off the karma-tier write limits, new members' link limit and the review of new members' first texts in
 * the benchmarked database (site settings, as test databases start: test/helpers/db.ts openWriteGates): the
 * mixes' readers, whatever their karma, comment many times a minute, which a forum's defaults refuse (429) or
 * hold for review. Returns the note the benchmark prints.
 */
export async function openWriteGates(query: Query): Promise<string> {
  await query(
    `INSERT INTO site_settings (key, value, updated_at) VALUES ('rateLimits', $1::jsonb, now()), ('review', $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [JSON.stringify({ tiers: [] }), JSON.stringify({ newMembers: false })],
  );
  return 'Note: karma-tier write limits and the review of new members are turned off in this database (its site settings), so the readers may comment as often as the mixes ask.';
}

/**
 * Forgets the readers' recent votes in the per-hour quota (src/limits/limits.ts VOTES_PER_HOUR), so a run is not refused
 * with 429 because of the runs before it.
 */
export async function resetVoteQuota(query: Query, sessions: Session[]): Promise<void> {
  await query('DELETE FROM vote_actions WHERE user_id = ANY($1::text[])', [sessions.map((s) => s.userId)]);
}
