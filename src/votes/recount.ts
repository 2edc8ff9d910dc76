import type { Queryable } from '../db/database.js';
import { visiblePost } from '../policy/visibility.js';
import { postMagicScoreSql } from './ranking.js';

/** One counter the recount found wrong and set to what the votes table says. */
export interface Repair {
  table: 'posts' | 'comments' | 'users' | 'post_tags' | 'tags';
  id: string;
  column: string;
  before: number;
  after: number;
}

interface Row {
  id: string;
  [column: string]: number | string;
}

/** Turns "old_x"/"new_x" pairs of one returned row into a repair per column that changed. */
function repairsOf(table: Repair['table'], rows: Row[], columns: string[]): Repair[] {
  return rows.flatMap((row) =>
    columns
      .filter((column) => row[`old_${column}`] !== row[`new_${column}`])
      .map((column) => ({
        table,
        id: row.id,
        column,
        before: Number(row[`old_${column}`]),
        after: Number(row[`new_${column}`]),
      })),
  );
}

async function recountPosts(tx: Queryable): Promise<Repair[]> {
  const rows = await tx.query<Row>(
    `WITH sums AS (
       SELECT target_id, sum(power)::int AS score, count(*)::int AS n
         FROM votes WHERE target_type = 'post' AND axis = 'karma'
        GROUP BY target_id
     ), wrong AS (
       SELECT p.id, p.base_score AS old_base_score, p.vote_count AS old_vote_count,
              coalesce(s.score, 0) AS new_base_score, coalesce(s.n, 0) AS new_vote_count
         FROM posts p LEFT JOIN sums s ON s.target_id = p.id
        WHERE (p.base_score, p.vote_count) IS DISTINCT FROM (coalesce(s.score, 0), coalesce(s.n, 0))
     )
     UPDATE posts p
        SET base_score = w.new_base_score, vote_count = w.new_vote_count,
            magic_score = ${postMagicScoreSql('w.new_base_score')}
       FROM wrong w WHERE p.id = w.id
     RETURNING w.*`,
  );
  return repairsOf('posts', rows, ['base_score', 'vote_count']);
}

async function recountComments(tx: Queryable): Promise<Repair[]> {
  const rows = await tx.query<Row>(
    `WITH sums AS (
       SELECT target_id,
              coalesce(sum(power) FILTER (WHERE axis = 'karma'), 0)::int AS score,
              count(*) FILTER (WHERE axis = 'karma')::int AS n,
              coalesce(sum(power) FILTER (WHERE axis = 'agreement'), 0)::int AS agreement,
              count(*) FILTER (WHERE axis = 'agreement')::int AS agreement_n
         FROM votes WHERE target_type = 'comment'
        GROUP BY target_id
     ), wrong AS (
       SELECT c.id,
              c.base_score AS old_base_score, coalesce(s.score, 0) AS new_base_score,
              c.vote_count AS old_vote_count, coalesce(s.n, 0) AS new_vote_count,
              c.agreement_score AS old_agreement_score, coalesce(s.agreement, 0) AS new_agreement_score,
              c.agreement_vote_count AS old_agreement_vote_count,
              coalesce(s.agreement_n, 0) AS new_agreement_vote_count
         FROM comments c LEFT JOIN sums s ON s.target_id = c.id
        WHERE (c.base_score, c.vote_count, c.agreement_score, c.agreement_vote_count) IS DISTINCT FROM
              (coalesce(s.score, 0), coalesce(s.n, 0), coalesce(s.agreement, 0), coalesce(s.agreement_n, 0))
     )
     UPDATE comments c
        SET base_score = w.new_base_score, vote_count = w.new_vote_count,
            agreement_score = w.new_agreement_score, agreement_vote_count = w.new_agreement_vote_count
       FROM wrong w WHERE c.id = w.id
     RETURNING w.*`,
  );
  return repairsOf('comments', rows, ['base_score', 'vote_count', 'agreement_score', 'agreement_vote_count']);
}

/** Karma is the sum of karma votes others cast on a user's posts and comments (deleted ones included). */
async function recountKarma(tx: Queryable): Promise<Repair[]> {
  const rows = await tx.query<Row>(
    `WITH received AS (
       SELECT p.author_id, v.power
         FROM votes v JOIN posts p ON v.target_type = 'post' AND p.id = v.target_id
        WHERE v.axis = 'karma' AND v.user_id <> p.author_id
       UNION ALL
       SELECT c.author_id, v.power
         FROM votes v JOIN comments c ON v.target_type = 'comment' AND c.id = v.target_id
        WHERE v.axis = 'karma' AND v.user_id <> c.author_id
     ), earned AS (
       SELECT author_id, sum(power)::int AS karma FROM received GROUP BY author_id
     ), wrong AS (
       SELECT u.id, u.karma AS old_karma, coalesce(e.karma, 0) AS new_karma
         FROM users u LEFT JOIN earned e ON e.author_id = u.id
        WHERE u.karma <> coalesce(e.karma, 0)
     )
     UPDATE users u SET karma = w.new_karma FROM wrong w WHERE u.id = w.id
     RETURNING w.*`,
  );
  return repairsOf('users', rows, ['karma']);
}

/** A post–tag link's relevance and vote count are the sums of its relevance votes (its id: "post/tag"). */
async function recountTagLinks(tx: Queryable): Promise<Repair[]> {
  const rows = await tx.query<Row>(
    `WITH sums AS (
       SELECT post_id, tag_id, sum(power)::int AS relevance, count(*)::int AS n
         FROM post_tag_votes GROUP BY post_id, tag_id
     ), wrong AS (
       SELECT l.post_id, l.tag_id, l.post_id || '/' || l.tag_id AS id,
              l.relevance AS old_relevance, coalesce(s.relevance, 0) AS new_relevance,
              l.vote_count AS old_vote_count, coalesce(s.n, 0) AS new_vote_count
         FROM post_tags l LEFT JOIN sums s ON s.post_id = l.post_id AND s.tag_id = l.tag_id
        WHERE (l.relevance, l.vote_count) IS DISTINCT FROM (coalesce(s.relevance, 0), coalesce(s.n, 0))
     )
     UPDATE post_tags l SET relevance = w.new_relevance, vote_count = w.new_vote_count
       FROM wrong w WHERE l.post_id = w.post_id AND l.tag_id = w.tag_id
     RETURNING w.id, w.old_relevance, w.new_relevance, w.old_vote_count, w.new_vote_count`,
  );
  return repairsOf('post_tags', rows, ['relevance', 'vote_count']);
}

/** A tag's post count: its links at relevance >= 0 to published, undeleted posts (after the links' repair). */
async function recountTagPostCounts(tx: Queryable): Promise<Repair[]> {
  const rows = await tx.query<Row>(
    `WITH counts AS (
       SELECT l.tag_id, count(*)::int AS n
         FROM post_tags l JOIN posts p ON p.id = l.post_id
        WHERE l.relevance >= 0 AND ${visiblePost('p')}
        GROUP BY l.tag_id
     ), wrong AS (
       SELECT t.id, t.post_count AS old_post_count, coalesce(c.n, 0) AS new_post_count
         FROM tags t LEFT JOIN counts c ON c.tag_id = t.id
        WHERE t.post_count <> coalesce(c.n, 0)
     )
     UPDATE tags t SET post_count = w.new_post_count FROM wrong w WHERE t.id = w.id
     RETURNING w.*`,
  );
  return repairsOf('tags', rows, ['post_count']);
}

/** A member's unread notifications (the header's count, kept by migration 0024's triggers). */
async function recountUnread(tx: Queryable): Promise<Repair[]> {
  const rows = await tx.query<Row>(
    `WITH counts AS (
       SELECT user_id, count(*)::int AS n FROM notifications WHERE read_at IS NULL GROUP BY user_id
     ), wrong AS (
       SELECT u.id, u.unread_notification_count AS old_unread_notification_count,
              coalesce(c.n, 0) AS new_unread_notification_count
         FROM users u LEFT JOIN counts c ON c.user_id = u.id
        WHERE u.unread_notification_count <> coalesce(c.n, 0)
     )
     UPDATE users u SET unread_notification_count = w.new_unread_notification_count FROM wrong w WHERE u.id = w.id
     RETURNING w.*`,
  );
  return repairsOf('users', rows, ['unread_notification_count']);
}

/**
 * Recomputes every score, vote count, agreement total and karma from the votes table, and every tag link's
 * relevance and tag's post count from the relevance votes and links, and members' unread notification counts,
 * in one transaction; sets the ones that differ, and returns what it changed ([] when everything was right).
 */
export async function recountVotes(db: Queryable): Promise<Repair[]> {
  return db.transaction(async (tx) => {
    // Race prevented: a vote committing between this recount's read of the votes and its write of a counter
    // it repairs would be overwritten by a total computed without it. Every vote writer locks a comment or
    // post row first, so these locks make writers wait until the recount commits; plain reads go on.
    // Comments, posts, votes: the order in which a vote takes its locks, so the two cannot deadlock.
    // Tag links and tags come after posts: a relevance vote or a tagging locks the post row first, then the
    // link, then the tags (migration 0018). Notifications come last: a comment or a publication writes them after
    // its post and comment rows, and marking read touches nothing this locks before them.
    await tx.exec(
      'LOCK TABLE comments, posts, votes, post_tags, post_tag_votes, tags, notifications IN EXCLUSIVE MODE',
    );
    return [
      ...(await recountPosts(tx)),
      ...(await recountComments(tx)),
      ...(await recountKarma(tx)),
      ...(await recountTagLinks(tx)),
      ...(await recountTagPostCounts(tx)),
      ...(await recountUnread(tx)),
    ];
  });
}

export function describeRepair(repair: Repair): string {
  const what = { posts: 'post', comments: 'comment', users: 'user', post_tags: 'tag link', tags: 'tag' }[repair.table];
  return `${what} ${repair.id}: ${repair.column} ${repair.before} → ${repair.after}`;
}
