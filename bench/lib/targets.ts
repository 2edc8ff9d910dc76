import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { csrfTokenOf } from '../../src/accounts/sessions.js';

export interface Targets {
  frontpage: string;
  post50: string;
  post1000: string;
  sequence: string | undefined;
  profile: string;
  feed: string;
  /** A logged-in reader: session and CSRF cookies, and the token to echo. */
  sessions: { cookie: string; csrf: string }[];
  /** Write targets for the mixed workload: another post of ~50 comments, so post50 stays the same size. */
  writePost: string;
  writePostId: string;
  writeCommentIds: string[];
}

/** Post whose comment count is closest to n (an index scan on each side would do; this runs once). */
async function postNear(client: pg.Client, n: number, skip = 0): Promise<string> {
  const { rows } = await client.query(
    `SELECT id, slug FROM posts WHERE status = 'published' AND deleted_at IS NULL
      ORDER BY abs(comment_count - $1), id LIMIT 1 OFFSET $2`,
    [n, skip],
  );
  if (!rows[0]) throw new Error('The database has no published posts; load some with npm run bench:data.');
  return `/posts/${rows[0].id}/${rows[0].slug}`;
}

/** Finds representative pages in the loaded forum and opens sessions for logged-in readers. */
export async function findTargets(databaseUrl: string, sessionCount: number): Promise<Targets> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const post50 = await postNear(client, 50);
    const post1000 = await postNear(client, 1000);
    const sequence = await client
      .query(`SELECT id FROM sequences WHERE post_count > 0 ORDER BY post_count DESC, id LIMIT 1`)
      .then((r) => (r.rows[0] ? `/s/${r.rows[0].id}` : undefined))
      .catch(() => undefined);
    const author = await client.query(
      `SELECT u.username FROM users u JOIN posts p ON p.author_id = u.id GROUP BY u.username ORDER BY count(*) DESC LIMIT 1`,
    );
    const users = await client.query(`SELECT id FROM users ORDER BY karma DESC LIMIT $1`, [sessionCount]);
    const sessions: Targets['sessions'] = [];
    for (const user of users.rows) {
      const token = randomBytes(32).toString('base64url');
      const hash = createHash('sha256').update(token).digest('hex');
      await client.query(
        `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '30 days')`,
        [hash, user.id],
      );
      // A logged-in reader's CSRF token is bound to their session (src/web/middleware.ts).
      const csrf = csrfTokenOf(token);
      sessions.push({ cookie: `lyceum_session=${token}; lyceum_csrf=${csrf}`, csrf });
    }
    const writePost = await postNear(client, 50, 1);
    const writePostId = writePost.split('/')[2]!;
    // Comments none of the benchmark's readers wrote: voting on one's own comment is refused (403).
    const comments = await client.query(
      `SELECT id FROM comments WHERE post_id = $1 AND NOT deleted AND author_id <> ALL($2::text[]) LIMIT 20`,
      [writePostId, users.rows.map((u) => u.id as string)],
    );
    return {
      frontpage: '/',
      post50,
      post1000,
      sequence,
      profile: `/users/${author.rows[0]?.username}`,
      feed: '/feed.xml',
      sessions,
      writePost,
      writePostId,
      writeCommentIds: comments.rows.map((r) => r.id as string),
    };
  } finally {
    await client.end();
  }
}
