import type { Queryable } from '../db/database.js';
import { bool, insertInBatches, int, smallint, text, time, unnestRows } from './batches.js';
import type { TagsPlan } from './model.js';
import { chronologicalOrder, orderByKey, ranks } from './order.js';
import type { Progress } from './progress.js';
import type { Random } from './random.js';

/** What the tag rows refer to: the ids of the posts and users the plan's indices stand for. */
export interface TagTargets {
  postIds: string[];
  userIds: string[];
  /** The span the plan's times lie in (for ordering links by time). */
  start: number;
  now: number;
}

/**
 * Tags (descriptions from the synthetic_bodies table, revision 1 each, as creating a tag records), their links in
 * the order they were applied and the relevance votes by voter (the primary key then grows at its end).
 */
export async function writeTags(
  tx: Queryable,
  tags: TagsPlan,
  targets: TagTargets,
  options: { ids: Random; batchSize: number; progress: Progress; triggersDisabled: boolean },
): Promise<Record<string, number>> {
  const { postIds, userIds } = targets;
  const { batchSize, progress } = options;
  const { links, votes } = tags;
  const rows: Record<string, number> = {};
  const tagColumns = [
    text('id', (t) => tags.ids[t]!),
    text('name', (t) => tags.names[t]!),
    text('slug', (t) => tags.slugs[t]!),
    int('body', (t) => tags.body[t]!),
    text('created_by', (t) => userIds[tags.creator[t]!]!),
    time('created_at', (t) => tags.createdAt[t]!),
    int('post_count', (t) => tags.postCount[t]!),
  ];
  rows.tags = await insertInBatches(tx, progress, {
    phase: 'tags',
    rows: tags.count,
    columns: tagColumns,
    sql: `INSERT INTO tags (id, name, slug, description_markdown, description_html, description_excerpt,
                            description_excerpt_html, created_by, created_at, updated_at, revision_count, post_count)
          SELECT r.id, r.name, r.slug, b.markdown, b.html, b.excerpt, b.excerpt_html, r.created_by,
                 to_timestamp(r.created_at), to_timestamp(r.created_at), 1, r.post_count
            FROM ${unnestRows(tagColumns)} JOIN synthetic_bodies b ON b.idx = r.body`,
    batchSize,
  });
  const revisionColumns = [
    text('id', () => options.ids.id()),
    text('tag_id', (t) => tags.ids[t]!),
    text('title', (t) => tags.names[t]!),
    int('body', (t) => tags.body[t]!),
    text('author_id', (t) => userIds[tags.creator[t]!]!),
    time('created_at', (t) => tags.createdAt[t]!),
  ];
  rows.tag_revisions = await insertInBatches(tx, progress, {
    phase: 'tag revisions',
    rows: tags.count,
    columns: revisionColumns,
    sql: `INSERT INTO tag_revisions (id, tag_id, number, title, body_markdown, body_html, note, author_id, created_at)
          SELECT r.id, r.tag_id, 1, r.title, b.markdown, b.html, '', r.author_id, to_timestamp(r.created_at)
            FROM ${unnestRows(revisionColumns)} JOIN synthetic_bodies b ON b.idx = r.body`,
    batchSize,
  });

  const linkOrder = chronologicalOrder(links.at, targets.start, targets.now);
  const linkColumns = [
    text('post_id', (l) => postIds[links.post[l]!]!),
    text('tag_id', (l) => tags.ids[links.tag[l]!]!),
    int('relevance', (l) => links.relevance[l]!),
    int('vote_count', (l) => links.voteCount[l]!),
    text('applied_by', (l) => userIds[links.appliedBy[l]!]!),
    time('created_at', (l) => links.at[l]!),
  ];
  rows.post_tags = await insertInBatches(tx, progress, {
    phase: 'post tags',
    rows: links.count,
    order: (n) => linkOrder[n]!,
    columns: linkColumns,
    sql: `INSERT INTO post_tags (post_id, tag_id, relevance, vote_count, applied_by, created_at)
          SELECT r.post_id, r.tag_id, r.relevance, r.vote_count, r.applied_by, to_timestamp(r.created_at)
            FROM ${unnestRows(linkColumns)}`,
    batchSize,
  });

  // With triggers on, the links' own trigger (0018) has added each link to its tag's count already.
  if (!options.triggersDisabled) {
    await tx.query(
      `UPDATE tags t SET post_count = r.post_count FROM unnest($1::text[], $2::int4[]) AS r(id, post_count)
        WHERE t.id = r.id`,
      [tags.ids, Array.from(tags.postCount)],
    );
  }

  const userRank = ranks(userIds);
  // Votes record their strength once the schema has the column (0018); before, power alone tells.
  const [strength] = await tx.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                      AND table_name = 'post_tag_votes' AND column_name = 'is_strong') AS present`,
  );
  const withStrength = strength?.present === true;
  const voteOrder = orderByKey(votes.count, (v) => userRank[votes.voter[v]!]!, userIds.length);
  const voteColumns = [
    text('user_id', (v) => userIds[votes.voter[v]!]!),
    text('post_id', (v) => postIds[links.post[votes.link[v]!]!]!),
    text('tag_id', (v) => tags.ids[links.tag[votes.link[v]!]!]!),
    smallint('power', (v) => votes.power[v]!),
    time('created_at', (v) => votes.at[v]!),
    ...(withStrength ? [bool('strong', (v) => votes.strong[v] === 1)] : []),
  ];
  rows.post_tag_votes = await insertInBatches(tx, progress, {
    phase: 'tag votes',
    rows: votes.count,
    order: (n) => voteOrder[n]!,
    columns: voteColumns,
    sql: `INSERT INTO post_tag_votes (user_id, post_id, tag_id, power, created_at${withStrength ? ', is_strong' : ''})
          SELECT r.user_id, r.post_id, r.tag_id, r.power, to_timestamp(r.created_at)${withStrength ? ', r.strong' : ''}
            FROM ${unnestRows(voteColumns)}`,
    batchSize: batchSize * 2,
  });
  return rows;
}
