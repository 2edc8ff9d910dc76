import type { Queryable } from '../db/database.js';
import { visiblePost } from '../policy/visibility.js';

/** How fast a score fades with age: the exponent of (age + 2 hours). */
export const SCORE_TIME_DECAY = 1.15;
/** Hours added to the age, so a brand-new item neither divides by zero nor outranks everything for long. */
const SCORE_AGE_OFFSET_HOURS = 2;
/** The periodic refresh rescores posts published this recently… */
const MAGIC_REFRESH_DAYS = 14;
/** …and the posts with the highest stored scores, since a stale score is too high (scores only fall with age). */
const MAGIC_REFRESH_TOP = 500;
/** How often to run refreshMagicScores: a one-hour-old post's score falls about 6% in ten minutes. */
export const MAGIC_REFRESH_INTERVAL_MS = 10 * 60_000;

const HOUR_MS = 3_600_000;

/**
 * The one "magic" ranking formula: (baseScore + bonus) / (ageHours + 2) ^ 1.15. A future age counts as 0. Its
 * SQL twin is lyceum_magic_score (migration 0012), which every stored score comes from; a test keeps the two
 * equal, and changing a constant here takes a migration replacing that function.
 */
export function magicScore(baseScore: number, bonus: number, ageHours: number): number {
  return (baseScore + bonus) / (Math.max(0, ageHours) + SCORE_AGE_OFFSET_HOURS) ** SCORE_TIME_DECAY;
}

/** magicScore as a SQL expression over the given column expressions (trusted SQL, never user input). */
export function magicScoreSql(columns: { baseScore: string; bonus: string; at: string; now?: string }): string {
  return `lyceum_magic_score(${columns.baseScore}, ${columns.bonus}, ${columns.at}, ${columns.now ?? 'now()'})`;
}

/**
 * The stored score of a post row aliased `p`: the formula for published posts, NULL for drafts. `baseScore`
 * replaces p.base_score when an UPDATE sets both (SET expressions read the old row). The frontpage bonus (0:
 * Lyceum has no frontpage or curated statuses yet, so every published post is on the frontpage and the order
 * depends on score and age alone) is part of lyceum_post_magic_score, the SQL function this calls, which the
 * vote function (lyceum_cast_vote) uses too.
 */
export function postMagicScoreSql(baseScore = 'p.base_score'): string {
  return `lyceum_post_magic_score(p.status, p.published_at, ${baseScore})`;
}

/** Rescores one post, when it is published (a vote rescores its post in lyceum_cast_vote). */
export async function refreshPostMagicScore(tx: Queryable, postId: string): Promise<void> {
  await tx.query(`UPDATE posts p SET magic_score = ${postMagicScoreSql()} WHERE p.id = $1`, [postId]);
}

/**
 * The periodic job: rescores posts published since `since` (default MAGIC_REFRESH_DAYS ago), posts never scored,
 * and the `top` highest-scored posts, so that an old post's score frozen at its last vote cannot keep it on the
 * frontpage. Each branch is an index scan. Returns how many posts were rescored.
 */
export async function refreshMagicScores(db: Queryable, options: { since?: Date; top?: number } = {}): Promise<number> {
  const since = options.since ?? new Date(Date.now() - MAGIC_REFRESH_DAYS * 24 * HOUR_MS);
  const rows = await db.query(
    `UPDATE posts p SET magic_score = ${postMagicScoreSql()}
      WHERE p.id IN (
        SELECT id FROM posts
         WHERE ${visiblePost()} AND published_at >= $1
        UNION
        SELECT id FROM posts
         WHERE ${visiblePost()} AND magic_score IS NULL
        UNION
        (SELECT id FROM posts
          WHERE ${visiblePost()}
          ORDER BY magic_score DESC NULLS LAST, id
          LIMIT $2)
      )
      RETURNING p.id`,
    [since, options.top ?? MAGIC_REFRESH_TOP],
  );
  return rows.length;
}
