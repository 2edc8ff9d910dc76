import type { Queryable } from '../db/database.js';
import { visiblePost } from '../policy/visibility.js';

interface Mismatch {
  id: string;
  commentCount: number;
  liveComments: number;
  lastActivityAt: Date;
  expected: Date | null;
}

/**
 * What recountVotes does not check: each post's comment count and last activity against its comments, and, when
 * triggers (so foreign keys) were off during the load, every reference in the tables it loaded. Throws on the first
 * problem.
 */
export async function verifyWritten(tx: Queryable, triggersDisabled: boolean): Promise<void> {
  const wrong = await tx.query<Mismatch>(
    `SELECT p.id, p.comment_count AS "commentCount", coalesce(c.live, 0) AS "liveComments",
            p.last_activity_at AS "lastActivityAt", greatest(p.published_at, c.latest) AS expected
       FROM posts p
       LEFT JOIN (SELECT post_id, count(*) FILTER (WHERE NOT deleted)::int AS live, max(created_at) AS latest
                    FROM comments GROUP BY post_id) c ON c.post_id = p.id
      WHERE p.comment_count <> coalesce(c.live, 0)
         OR (p.status = 'published' AND p.last_activity_at IS DISTINCT FROM greatest(p.published_at, c.latest))
      LIMIT 3`,
  );
  if (wrong.length > 0) {
    const described = wrong.map(
      (w) =>
        `post ${w.id}: comment_count ${w.commentCount} (live comments ${w.liveComments}), last_activity_at ` +
        `${w.lastActivityAt.toISOString()} (expected ${w.expected?.toISOString()})`,
    );
    throw new Error(`Post counters disagree with the comments: ${described.join('; ')}`);
  }
  if (!triggersDisabled) return;
  // Foreign keys were not checked while triggers were off: check every reference the load wrote, at once.
  const [orphans] = await tx.query<Record<string, number>>(
    `SELECT
       (SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.author_id))::int
         AS "posts without author",
       (SELECT count(*) FROM post_revisions r WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = r.post_id))::int
         AS "revisions without post",
       (SELECT count(*) FROM comments c WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id)
           OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.author_id))::int
         AS "comments without post or author",
       (SELECT count(*) FROM comments c WHERE c.parent_id IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM comments pc WHERE pc.id = c.parent_id AND pc.post_id = c.post_id))::int
         AS "replies without parent on their post",
       (SELECT count(*) FROM votes v WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v.user_id)
           OR (v.target_type = 'post' AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = v.target_id))
           OR (v.target_type = 'comment' AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.id = v.target_id)))::int
         AS "votes without voter or target",
       (SELECT count(*) FROM post_visits v WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v.user_id)
           OR NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = v.post_id))::int
         AS "visits without user or post",
       (SELECT count(*) FROM sequence_posts sp WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = sp.post_id)
           OR NOT EXISTS (SELECT 1 FROM sequence_chapters ch WHERE ch.id = sp.chapter_id
                                                              AND ch.sequence_id = sp.sequence_id))::int
         AS "sequence posts without post or chapter",
       (SELECT count(*) FROM sequence_reads r WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = r.user_id)
           OR NOT EXISTS (SELECT 1 FROM sequences s WHERE s.id = r.sequence_id))::int
         AS "sequence reads without user or sequence"`,
  );
  const broken = Object.entries(orphans ?? {}).filter(([, n]) => n > 0);
  if (broken.length > 0) {
    throw new Error(`Broken references: ${broken.map(([what, n]) => `${n} ${what}`).join(', ')}`);
  }
}

/**
 * The tag counters against their rows: each link's relevance and vote count are its votes' sum and number, each
 * tag's post count its links at relevance >= 0 to published, undeleted posts; when triggers were off, every
 * reference of the tag tables too. Throws on the first problem.
 */
export async function verifyTags(tx: Queryable, triggersDisabled: boolean): Promise<void> {
  const [wrong] = await tx.query<{ links: number; tags: number; example: string | null }>(
    `WITH link_votes AS (
       SELECT post_id, tag_id, sum(power)::int AS relevance, count(*)::int AS n FROM post_tag_votes GROUP BY 1, 2
     ), bad_links AS (
       SELECT pt.post_id, pt.tag_id FROM post_tags pt
         LEFT JOIN link_votes v ON v.post_id = pt.post_id AND v.tag_id = pt.tag_id
        WHERE (pt.relevance, pt.vote_count) IS DISTINCT FROM (coalesce(v.relevance, 0), coalesce(v.n, 0))
     ), counted AS (
       SELECT pt.tag_id, count(*)::int AS n FROM post_tags pt JOIN posts p ON p.id = pt.post_id
        WHERE pt.relevance >= 0 AND ${visiblePost('p')} GROUP BY 1
     ), bad_tags AS (
       SELECT t.id, t.post_count, coalesce(c.n, 0) AS n FROM tags t LEFT JOIN counted c ON c.tag_id = t.id
        WHERE t.post_count <> coalesce(c.n, 0)
     )
     SELECT (SELECT count(*) FROM bad_links)::int AS links, (SELECT count(*) FROM bad_tags)::int AS tags,
            (SELECT 'tag ' || id || ': post_count ' || post_count || ' (links counted ' || n || ')'
               FROM bad_tags LIMIT 1) AS example`,
  );
  if (wrong && (wrong.links > 0 || wrong.tags > 0)) {
    throw new Error(
      `Tag counters disagree with their rows: ${wrong.links} post–tag links whose relevance or vote count is not ` +
        `their votes', ${wrong.tags} tags whose post_count is wrong${wrong.example ? ` (e.g. ${wrong.example})` : ''}`,
    );
  }
  if (!triggersDisabled) return;
  const [orphans] = await tx.query<Record<string, number>>(
    `SELECT
       (SELECT count(*) FROM tags t WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.created_by))::int
         AS "tags without creator",
       (SELECT count(*) FROM tag_revisions r WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.id = r.tag_id)
           OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = r.author_id))::int
         AS "tag revisions without tag or author",
       (SELECT count(*) FROM post_tags pt WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = pt.post_id)
           OR NOT EXISTS (SELECT 1 FROM tags t WHERE t.id = pt.tag_id)
           OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = pt.applied_by))::int
         AS "post tags without post, tag or applier",
       (SELECT count(*) FROM post_tag_votes v WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v.user_id)
           OR NOT EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = v.post_id AND pt.tag_id = v.tag_id))::int
         AS "tag votes without voter or link"`,
  );
  const broken = Object.entries(orphans ?? {}).filter(([, n]) => n > 0);
  if (broken.length > 0) {
    throw new Error(`Broken references: ${broken.map(([what, n]) => `${n} ${what}`).join(', ')}`);
  }
}
