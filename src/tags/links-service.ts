import type { Queryable } from '../db/database.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { notifyTagged } from '../notifications/fanout.js';
import { type Actor, canTagPost, canViewPost, type PostFacts, taggingKarmaMessage } from '../policy/policy.js';
import { liveTag } from '../policy/visibility.js';
import { type AuthorLink, authorLinksOfPost, chosenInEditor } from './links-queries.js';
import { voteOnRelevance } from './relevance.js';

export const NO_POST = 'This post does not exist or has been deleted.';

/** The refusal of a tag id that names no live tag, on the form field that sent it. */
function noSuchTag(field: string, tagId: string): Invalid {
  const message = `There is no tag with the id “${tagId.slice(0, 40)}”; it may have been deleted or merged.`;
  return new Invalid(message, { [field]: message });
}

/** Ids of the given tags that are live (neither deleted nor merged). */
async function liveTagIds(tx: Queryable, tagIds: readonly string[]): Promise<Set<string>> {
  if (tagIds.length === 0) return new Set();
  const rows = await tx.query<{ id: string }>(`SELECT id FROM tags WHERE id = ANY($1::text[]) AND ${liveTag()}`, [
    [...tagIds],
  ]);
  return new Set(rows.map((row) => row.id));
}

/**
 * Puts a tag on a post with the applier's own normal upvote on its relevance (power by their karma, through
 * lyceum_vote_power, migration 0012), link and vote in one statement. Returns false when the link exists already
 * (nothing written). The caller holds the post row locked (share or update): see migration 0018.
 */
async function insertLink(tx: Queryable, postId: string, tagId: string, userId: string): Promise<boolean> {
  const rows = await tx.query(
    `WITH link AS (
       INSERT INTO post_tags (post_id, tag_id, relevance, vote_count, applied_by)
       SELECT $1, $2, lyceum_vote_power(u.karma, false), 1, u.id FROM users u WHERE u.id = $3
       ON CONFLICT (post_id, tag_id) DO NOTHING
       RETURNING post_id, tag_id, relevance
     )
     INSERT INTO post_tag_votes (user_id, post_id, tag_id, power, is_strong)
     SELECT $3, post_id, tag_id, relevance, false FROM link
     RETURNING 1`,
    [postId, tagId, userId],
  );
  return rows.length > 0;
}

/**
 * "Add a tag" on a post page: applies the tag with the actor's normal upvote on its relevance. Applying a tag the
 * post carries already is the actor's upvote on it when they have not voted on it yet, and otherwise changes
 * nothing (a double submit, or another reader was first), so the answer is the same page either way. One
 * transaction: the post row is share-locked first (the order every link write takes), then the link.
 */
export async function applyTag(
  db: Queryable,
  actor: Actor,
  postId: string,
  tagId: string,
): Promise<{ outcome: 'applied' | 'upvoted' | 'unchanged'; slug: string }> {
  return db.transaction(async (tx) => {
    const [post] = await tx.query<PostFacts & { slug: string }>(
      `SELECT author_id AS "authorId", slug, status, deleted_at AS "deletedAt" FROM posts WHERE id = $1 FOR SHARE`,
      [postId],
    );
    if (!post || post.deletedAt || !canViewPost(actor, post)) {
      throw new NotFound(NO_POST);
    }
    if (!canTagPost(actor, post)) throw new Forbidden(taggingKarmaMessage(actor.karma));
    if (!(await liveTagIds(tx, [tagId])).has(tagId)) throw noSuchTag('tagId', tagId);
    if (await insertLink(tx, postId, tagId, actor.id)) {
      // The tag's subscribers hear of the post as new in it (notifications/fanout.ts): one statement.
      if (post.status === 'published') await notifyTagged(tx, postId, [tagId], actor.id);
      return { outcome: 'applied', slug: post.slug };
    }
    const [voted] = await tx.query('SELECT 1 FROM post_tag_votes WHERE user_id = $1 AND post_id = $2 AND tag_id = $3', [
      actor.id,
      postId,
      tagId,
    ]);
    if (voted) return { outcome: 'unchanged', slug: post.slug };
    // 'none' shown: set an upvote; a concurrent one of the same request finds it and changes nothing.
    const result = await voteOnRelevance(
      tx,
      { voterId: actor.id, postId, tagId, kind: 'up', shown: null },
      { rateLimited: false },
    );
    return { outcome: result.current === 'up' ? 'upvoted' : 'unchanged', slug: post.slug };
  });
}

/** Most tags the editor takes for one post (a few dozen topics is already more than a reader scans). */
export const MAX_TAGS_PER_POST = 40;

/**
 * The tags the author chose in the editor, applied in the transaction that saves the post (`tx` holds the post
 * row locked). Against what the editor showed chosen (chosenInEditor): a newly chosen tag is applied, or, when
 * another reader applied it already, gets the author's upvote; an unchosen one is removed if the author applied
 * it (taking back their own tagging) and otherwise voted down by them, since the author may not erase others'
 * judgement of their post. Links are changed in tag-id order, as every writer locks tag rows, so two saves
 * never deadlock. An unknown or deleted tag refuses the whole save (422 on `tags`). Returns the tags newly linked.
 */
export async function setPostTags(
  tx: Queryable,
  authorId: string,
  postId: string,
  chosen: readonly string[],
): Promise<string[]> {
  const linked: string[] = [];
  const live = await liveTagIds(tx, chosen);
  const missing = chosen.find((id) => !live.has(id));
  if (missing !== undefined) throw noSuchTag('tags', missing);
  const links = new Map<string, AuthorLink>(
    (await authorLinksOfPost(tx, postId, authorId)).map((link) => [link.tagId, link]),
  );
  const wanted = new Set(chosen);
  const touched = [...new Set([...wanted, ...links.keys()])].sort();
  for (const tagId of touched) {
    const link = links.get(tagId);
    const was = link ? chosenInEditor(link) : false;
    const now = wanted.has(tagId);
    if (was === now) continue;
    if (now && !link && (await insertLink(tx, postId, tagId, authorId))) {
      linked.push(tagId);
      continue;
    }
    if (!now && link?.appliedBy === authorId) {
      await tx.query('DELETE FROM post_tags WHERE post_id = $1 AND tag_id = $2', [postId, tagId]);
      continue;
    }
    await voteOnRelevance(
      tx,
      { voterId: authorId, postId, tagId, kind: now ? 'up' : 'down', shown: null },
      { rateLimited: false },
    );
  }
  return linked;
}
