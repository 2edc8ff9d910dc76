import { gunzipSync } from 'node:zlib';
import type { Queryable } from '../../src/db/database.js';
import { actorFor } from '../../src/policy/actor.js';
import { TestClient } from '../helpers/app.js';
import { makeUser, type TestUser } from '../helpers/factories.js';

type App = ConstructorParameters<typeof TestClient>[0];

/** A logged-in browser for a new user of this role. */
export async function clientAs(app: App, db: Queryable, role: 'admin' | 'moderator' | 'member' = 'member') {
  const user = await makeUser(db, { role });
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { client, user, actor: actorFor(user.id, { role }) };
}

export async function logEntries(db: Queryable, targetId: string) {
  return db.query<{ action: string; reason: string; moderator_id: string; target_label: string }>(
    'SELECT action, reason, moderator_id, target_label FROM moderation_log WHERE target_id = $1 ORDER BY id',
    [targetId],
  );
}

export async function postState(db: Queryable, postId: string) {
  const [row] = await db.query<{
    deleted: boolean;
    removed_reason: string | null;
    comment_count: number;
    live_comments: number;
    comments_locked: boolean;
    frontpage: boolean;
  }>(
    `SELECT p.deleted_at IS NOT NULL AS deleted, p.removed_reason, p.comment_count, p.comments_locked, p.frontpage,
            (SELECT count(*)::int FROM comments c WHERE c.post_id = p.id AND NOT c.deleted) AS live_comments
       FROM posts p WHERE p.id = $1`,
    [postId],
  );
  return row!;
}

/** A page's text, gunzipped when it came compressed (a logged-in reader's spliced comment section). */
export async function pageText(response: Response): Promise<string> {
  const body = Buffer.from(await response.arrayBuffer());
  return (response.headers.get('content-encoding') === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}

export type { TestUser };
