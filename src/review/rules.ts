import type { Queryable } from '../db/database.js';
import { type Actor, writesWithoutReview } from '../policy/policy.js';
import { readSettings } from '../settings/settings.js';

/**
 * Whether what this member publishes now waits for a moderator (the review queue): with the site's
 * `review.newMembers` setting on, a NEW MEMBER is a member (not staff) with nothing approved yet: no published
 * post and no comment in the comment tree, except ones a moderator removed. Everything a new member publishes
 * waits (their first post and first comment, and any other written before one is approved); once a moderator
 * approves one, they are a member like any other. Asked on publishing, never on reading.
 */
export async function heldForReview(db: Queryable, actor: Pick<Actor, 'id' | 'role'>): Promise<boolean> {
  if (writesWithoutReview(actor)) return false;
  const settings = await readSettings(db);
  if (!settings.review.newMembers) return false;
  const [row] = await db.query<{ approved: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM posts
                     WHERE author_id = $1 AND status = 'published' AND removed_reason IS NULL)
         OR EXISTS (SELECT 1 FROM comments WHERE author_id = $1 AND removed_reason IS NULL) AS approved`,
    [actor.id],
  );
  return !row?.approved;
}
