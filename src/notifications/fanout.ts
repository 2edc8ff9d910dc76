import type { Queryable } from '../db/database.js';
import { DEFAULT_MAX_ATTEMPTS, insertJobs, JOBS_CHANNEL } from '../jobs/queue.js';
import { DIGEST_JOB, NOTIFICATION_EMAIL_JOB, nextDigestJob } from './email.js';
import { MENTIONED_IN_SQL } from './mentions.js';

/*
 * Fan-out: one INSERT … SELECT per event, in the transaction of the write that causes it. Each event's statement
 * gathers its candidates (user_id, kind, rank, detail, post_id, comment_id), keeps one per member (the lowest
 * rank: the most specific kind, so a reply that also mentions you is one reply), drops the actor (never a
 * notification for one's own action) and members who turned the kind off, and inserts the rest. The unique
 * (user_id, event_key) makes a repeat (a post published again, an edit adding a mention) insert nothing. The
 * unread counters on users follow by trigger (migration 0024). The same statement enqueues the jobs the new rows
 * need (an email at once, the next daily digest), so a fan-out is one round trip, and a new comment's, with the
 * comment itself, is one in all.
 */

/**
 * The statement's end, from `candidates`: the inserted rows, their email jobs, and `announced`, which a final
 * SELECT of FANOUT_DONE reads to wake a job worker. `digest` is the number of the first of the two parameters
 * fanoutParams adds.
 */
function insertChosen(params: { key: string; actor: string; at: string; digest: number }): string {
  return `chosen AS (
    SELECT DISTINCT ON (c.user_id) c.user_id, c.kind, c.detail, c.post_id, c.comment_id
      FROM candidates c
     WHERE c.user_id IS NOT NULL AND c.user_id <> ${params.actor}
     ORDER BY c.user_id, c.rank
  ), chosen_delivery AS (
    SELECT ch.*, coalesce(s.delivery, lyceum_notification_default(ch.kind)) AS chosen
      FROM chosen ch LEFT JOIN notification_settings s ON s.user_id = ch.user_id AND s.kind = ch.kind
  ), delivered AS (
    -- Email the member stopped from an email's unsubscribe link (mail_unsubscribes, by topic: email.ts
    -- mailTopic) stays on the site, as their settings page shows it.
    SELECT cd.*, CASE WHEN cd.chosen IN ('email', 'digest') AND EXISTS (
                        SELECT 1 FROM mail_unsubscribes m
                         WHERE m.user_id = cd.user_id
                           AND m.topic = CASE cd.chosen WHEN 'email' THEN replace(cd.kind, '_', '-') ELSE 'digest' END)
                      THEN 'site' ELSE cd.chosen END AS delivery
      FROM chosen_delivery cd
  ), made AS (
    INSERT INTO notifications (id, user_id, kind, event_key, actor_id, post_id, comment_id, detail, delivery, created_at)
    SELECT lyceum_new_id(), d.user_id, d.kind, ${params.key}, ${params.actor}, d.post_id, d.comment_id, d.detail,
           d.delivery, ${params.at}
      FROM delivered d
     WHERE d.delivery <> 'off'
    ON CONFLICT (user_id, event_key) DO NOTHING
    RETURNING id, delivery
  ), emailed AS (
    ${insertJobs(`SELECT '${NOTIFICATION_EMAIL_JOB}', jsonb_build_object('notificationId', m.id),
                         '${NOTIFICATION_EMAIL_JOB}:' || m.id, now(), ${DEFAULT_MAX_ATTEMPTS}
                    FROM made m WHERE m.delivery = 'email'`)}
  ), digest AS (
    ${insertJobs(`SELECT '${DIGEST_JOB}', '{}'::jsonb, $${params.digest}, $${params.digest + 1}::timestamptz, ${DEFAULT_MAX_ATTEMPTS}
                   WHERE EXISTS (SELECT 1 FROM made m WHERE m.delivery = 'digest')`)}
  ), announced AS (
    -- Delivered at commit, as enqueue's (the digest waits for its hour: a worker finds it by polling).
    SELECT pg_notify('${JOBS_CHANNEL}', '${NOTIFICATION_EMAIL_JOB}') FROM (SELECT 1 FROM emailed LIMIT 1) AS e
  )`;
}

/** The last two parameters of a fan-out statement (insertChosen's `digest`): the next digest job's key and time. */
function fanoutParams(): [string, Date] {
  const job = nextDigestJob();
  return [job.key, job.runAt];
}

/** The final SELECT's column that makes a fan-out statement announce its email jobs (see insertChosen). */
export const FANOUT_DONE = '(SELECT count(*) FROM announced)::int AS announced';

/** The time of an event made now, to the millisecond, as the inbox's keyset cursor carries it (db/cursor.ts). */
const NOW_MS = "date_trunc('milliseconds', now())";

/** A member's own default subscription (to their post or comment) stands unless they opted out by a row. */
const notOptedOut = (user: string, type: 'post' | 'comment', id: string) =>
  `NOT EXISTS (SELECT 1 FROM notification_subscriptions o
                WHERE o.user_id = ${user} AND o.target_type = '${type}' AND o.target_id = ${id} AND NOT o.subscribed)`;

/**
 * The fan-out of a new comment, as the CTEs after a first one (named by `added`'s SQL) that adds it: a reply to
 * the parent's author, a comment on the post to its author, mentions, and subscribers to the post or to a comment
 * above it, made only if `added` is true. Parameters by placeholder: the comment, its post, its parent (or null),
 * its author, the lowercased usernames it mentions (mentions.ts mentionedUsernames), its time, and `digest` as
 * insertChosen takes it. The statement starts WITH RECURSIVE and ends with SELECT FANOUT_DONE.
 */
export function commentFanout(p: {
  comment: string;
  post: string;
  parent: string;
  author: string;
  mentioned: string;
  at: string;
  digest: number;
  added: string;
}): string {
  return `ancestors AS (
  SELECT id, author_id, parent_id, deleted, 1 AS depth FROM comments WHERE id = ${p.parent}
  UNION ALL
  SELECT c.id, c.author_id, c.parent_id, c.deleted, a.depth + 1 FROM comments c JOIN ancestors a ON c.id = a.parent_id
), reached AS (
  -- The authors of the comments above it, subscribed to their comments by default: the parent's author gets a
  -- reply, those further up a new comment in their thread.
  SELECT a.author_id AS user_id, CASE WHEN a.depth = 1 THEN 'reply' ELSE 'thread_comment' END AS kind,
         CASE WHEN a.depth = 1 THEN 1 ELSE 4 END AS rank
    FROM ancestors a
   WHERE NOT a.deleted AND ${notOptedOut('a.author_id', 'comment', 'a.id')}
  UNION ALL
  SELECT u.id, 'mention', 2 FROM users u WHERE lower(u.username) = ANY(${p.mentioned}::text[])
  UNION ALL
  SELECT p.author_id, 'post_comment', 3 FROM posts p WHERE p.id = ${p.post} AND ${notOptedOut('p.author_id', 'post', 'p.id')}
  UNION ALL
  SELECT s.user_id, 'thread_comment', 4 FROM notification_subscriptions s
   WHERE s.subscribed AND ((s.target_type = 'post' AND s.target_id = ${p.post})
                           OR (s.target_type = 'comment' AND s.target_id IN (SELECT id FROM ancestors)))
), candidates AS (
  SELECT r.user_id, r.kind, r.rank, ''::text AS detail, ${p.post}::text AS post_id, ${p.comment}::text AS comment_id
    FROM reached r
   WHERE ${p.added}
), ${insertChosen({ key: p.comment, actor: p.author, at: p.at, digest: p.digest })}`;
}

/** The parameters commentFanout's statement ends with: the mentioned usernames, then fanoutParams. */
export function commentFanoutParams(mentioned: string[]): [string[], string, Date] {
  return [mentioned, ...fanoutParams()];
}

// $1 post, $2 whether this is its publication (else only new mentions, after an edit), $3 time.
const POST_FANOUT = `
WITH post AS (
  SELECT id, author_id, body_html FROM posts WHERE id = $1 AND status = 'published' AND deleted_at IS NULL
), reached AS (
  SELECT u.id AS user_id, 'mention' AS kind, 1 AS rank, ''::text AS detail
    FROM post, users u WHERE lower(u.username) IN ${MENTIONED_IN_SQL('post.body_html')}
  UNION ALL
  SELECT s.user_id, 'followed_post', 2, '' FROM post, notification_subscriptions s
   WHERE $2 AND s.subscribed AND s.target_type = 'user' AND s.target_id = post.author_id
  UNION ALL
  SELECT s.user_id, 'subscribed_post', 3, 'in the sequence ' || q.title
    FROM post JOIN sequence_posts sp ON sp.post_id = post.id JOIN sequences q ON q.id = sp.sequence_id
    JOIN notification_subscriptions s ON s.target_type = 'sequence' AND s.target_id = q.id AND s.subscribed
   WHERE $2
  UNION ALL
  SELECT s.user_id, 'subscribed_post', 4, 'tagged ' || t.name
    FROM post JOIN post_tags pt ON pt.post_id = post.id AND pt.relevance >= 0
    JOIN tags t ON t.id = pt.tag_id AND t.deleted_at IS NULL
    JOIN notification_subscriptions s ON s.target_type = 'tag' AND s.target_id = t.id AND s.subscribed
   WHERE $2
), candidates AS (
  SELECT r.user_id, r.kind, r.rank, r.detail, $1::text AS post_id, NULL::text AS comment_id FROM reached r
), ${insertChosen({ key: '$1', actor: '(SELECT author_id FROM post)', at: '$3', digest: 4 })}
SELECT ${FANOUT_DONE}`;

/**
 * Notifies of a post published (followers of its author, subscribers of its sequences and tags, mentions) or,
 * with `publication: false`, of the mentions a revision added. Call it after the post row is written, in its
 * transaction. One statement.
 */
export async function notifyPost(
  tx: Queryable,
  post: { id: string; publication: boolean; at?: Date | undefined },
): Promise<void> {
  await tx.query(POST_FANOUT, [post.id, post.publication, post.at ?? new Date(), ...fanoutParams()]);
}

// $1 sequence, $2 post.
const SEQUENCE_FANOUT = `
WITH post AS (
  SELECT id, author_id FROM posts WHERE id = $2 AND status = 'published' AND deleted_at IS NULL
), candidates AS (
  SELECT s.user_id, 'subscribed_post' AS kind, 1 AS rank, 'in the sequence ' || q.title AS detail,
         post.id AS post_id, NULL::text AS comment_id
    FROM post, sequences q
    JOIN notification_subscriptions s ON s.target_type = 'sequence' AND s.target_id = q.id AND s.subscribed
   WHERE q.id = $1
), ${insertChosen({ key: '$2', actor: '(SELECT author_id FROM post)', at: NOW_MS, digest: 3 })}
SELECT ${FANOUT_DONE}`;

/**
 * Notifies the sequence's subscribers of a post added to it (posts join sequences once published, so this is
 * when it is new there). A member who already heard of the post (following its author) hears nothing more.
 */
export async function notifySequencePost(tx: Queryable, sequenceId: string, postId: string): Promise<void> {
  await tx.query(SEQUENCE_FANOUT, [sequenceId, postId, ...fanoutParams()]);
}

// $1 post, $2 tags newly on it, $3 who tagged it.
const TAGGED_FANOUT = `
WITH post AS (
  SELECT id, author_id FROM posts WHERE id = $1 AND status = 'published' AND deleted_at IS NULL
), candidates AS (
  SELECT s.user_id, 'subscribed_post' AS kind, 1 AS rank, 'tagged ' || min(t.name) AS detail,
         post.id AS post_id, NULL::text AS comment_id
    FROM post, tags t
    JOIN notification_subscriptions s ON s.target_type = 'tag' AND s.target_id = t.id AND s.subscribed
   WHERE t.id = ANY($2::text[]) AND s.user_id <> $3
   GROUP BY s.user_id, post.id
), ${insertChosen({ key: '$1', actor: '(SELECT author_id FROM post)', at: NOW_MS, digest: 4 })}
SELECT ${FANOUT_DONE}`;

/**
 * Notifies subscribers of tags newly put on a published post (by a reader's "Add a tag", or by its author while
 * revising), as a new post in the tag; not the one who tagged it, nor anyone who heard of the post before.
 */
export async function notifyTagged(tx: Queryable, postId: string, tagIds: string[], taggerId: string): Promise<void> {
  if (tagIds.length === 0) return;
  await tx.query(TAGGED_FANOUT, [postId, tagIds, taggerId, ...fanoutParams()]);
}

/** Moderators' actions that tell the author of the post or comment acted on. */
const ACTIONS_TOLD = {
  'remove-post': 'removed your post',
  'restore-post': 'restored your post',
  'remove-comment': 'removed your comment',
  'restore-comment': 'restored your comment',
} as const;

// $1 the log entry's key, $2 the moderator, $3 post or comment id, $4 'post' | 'comment', $5 detail.
const MODERATION_FANOUT = `
WITH candidates AS (
  SELECT p.author_id AS user_id, 'moderation' AS kind, 1 AS rank, $5::text AS detail, p.id AS post_id,
         NULL::text AS comment_id
    FROM posts p WHERE $4 = 'post' AND p.id = $3
  UNION ALL
  SELECT c.author_id, 'moderation', 1, $5::text, c.post_id, c.id FROM comments c WHERE $4 = 'comment' AND c.id = $3
), ${insertChosen({ key: '$1', actor: '$2', at: NOW_MS, digest: 6 })}
SELECT ${FANOUT_DONE}`;

/** Tells the author of a post or comment a moderator removed or restored it, with the reason; other actions: nothing. */
export async function notifyModeration(
  tx: Queryable,
  entry: {
    logId: number | string;
    moderatorId: string;
    action: string;
    targetType: string;
    targetId: string;
    reason: string;
  },
): Promise<void> {
  const told = ACTIONS_TOLD[entry.action as keyof typeof ACTIONS_TOLD];
  if (!told || (entry.targetType !== 'post' && entry.targetType !== 'comment')) return;
  const detail = entry.reason ? `${told}: ${entry.reason}` : told;
  await tx.query(MODERATION_FANOUT, [
    `log:${entry.logId}`,
    entry.moderatorId,
    entry.targetId,
    entry.targetType,
    detail,
    ...fanoutParams(),
  ]);
}
