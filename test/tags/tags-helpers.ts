import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../src/db/database.js';
import { createTag } from '../../src/tags/service.js';
import { type makeTestApp, TestClient } from '../helpers/app.js';
import { actorOf, makeUser } from '../helpers/factories.js';

type TestApp = Awaited<ReturnType<typeof makeTestApp>>['app'];

/** A user with this much karma (enough to create and edit tags by default). */
export async function makeTagger(db: Queryable, karma = 20) {
  const user = await makeUser(db);
  await db.query('UPDATE users SET karma = $2 WHERE id = $1', [user.id, karma]);
  return { ...user, karma };
}

/** A logged-in browser stand-in for a user with this much karma. */
export async function taggerClient(app: TestApp, db: Queryable, karma = 20) {
  const user = await makeTagger(db, karma);
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { client, user };
}

/** A tag made through the service by a moderator (created by a fresh user unless one is given). */
export async function makeTag(
  db: Queryable,
  overrides: { name?: string; description?: string; creatorId?: string } = {},
) {
  const creatorId = overrides.creatorId ?? (await makeUser(db, { role: 'moderator' })).id;
  const name = overrides.name ?? `Topic ${randomBytes(3).toString('hex')}`;
  const tag = await createTag(db, actorOf(creatorId, { karma: 0, role: 'moderator' }), {
    name,
    description: overrides.description ?? 'About *this*.',
  });
  return { ...tag, name, creatorId };
}

/** Links a post to a tag as the post-tagging service would (its relevance given; 0018's triggers count it). */
export async function linkPost(db: Queryable, postId: string, tagId: string, relevance = 1, appliedBy?: string) {
  const by = appliedBy ?? (await makeUser(db)).id;
  await db.query(
    `INSERT INTO post_tags (post_id, tag_id, relevance, vote_count, applied_by) VALUES ($1, $2, $3, 1, $4)`,
    [postId, tagId, relevance, by],
  );
}
