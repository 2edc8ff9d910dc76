import type { Queryable } from '../db/database.js';
import { postMagicScoreSql } from '../votes/ranking.js';
import { bool, type Column, insertInBatches, int, smallint, text, time, unnestRows } from './batches.js';
import { COMMENT_SORTS, EMPTY_BODY, type ForumPlan, ON_AGREEMENT, ON_POST } from './model.js';
import { chronologicalOrder, orderByKey, ranks } from './order.js';
import type { Progress } from './progress.js';
import type { Random } from './random.js';
import type { RenderedBody } from './render-pool.js';
import { verifyTags, verifyWritten } from './verify.js';
import { writeSequences } from './write-sequences.js';
import { writeTags } from './write-tags.js';

export interface WriteOptions {
  passwordHash: string;
  ids: Random;
  progress: Progress;
  batchSize: number;
  onPhase: (phase: string) => void | Promise<void>;
}

export interface Written {
  rows: Record<string, number>;
  triggersDisabled: boolean;
  /**
   * Checks what recountVotes does not: comment counts, last activity, tag counters and (when triggers were off)
   * references.
   */
  verify(): Promise<void>;
}

const BODY_BATCH = 200;

/**
 * Per-row triggers are the cache notifications (0007), the sequence totals trigger (0005, on UPDATE only) and
 * foreign key checks. A bulk load needs none of them, so they are off for this transaction when the role may do
 * that (a superuser); otherwise they fire, which is slower but just as correct.
 */
export async function disableTriggers(tx: Queryable): Promise<boolean> {
  await tx.exec('SAVEPOINT synthetic_triggers');
  try {
    await tx.exec('SET LOCAL session_replication_role = replica');
    await tx.exec('RELEASE SAVEPOINT synthetic_triggers');
    return true;
  } catch {
    await tx.exec('ROLLBACK TO SAVEPOINT synthetic_triggers');
    return false;
  }
}

/** The rendered pool as a temporary table (dropped at commit): statements send a body's index, not its text. */
export async function loadBodies(tx: Queryable, bodies: RenderedBody[], progress: Progress): Promise<void> {
  await tx.exec(`CREATE TEMP TABLE synthetic_bodies (
    idx integer PRIMARY KEY, markdown text NOT NULL, html text NOT NULL, excerpt text NOT NULL,
    excerpt_html text NOT NULL, word_count integer NOT NULL, reading_minutes integer NOT NULL, toc jsonb NOT NULL
  ) ON COMMIT DROP`);
  const all: RenderedBody[] = [
    { markdown: '', html: '', excerpt: '', excerptHtml: '', wordCount: 0, readingMinutes: 1, toc: '[]' },
    ...bodies,
  ];
  const columns: Column[] = [
    int('idx', (i) => (i === 0 ? EMPTY_BODY : i - 1)),
    text('markdown', (i) => all[i]!.markdown),
    text('html', (i) => all[i]!.html),
    text('excerpt', (i) => all[i]!.excerpt),
    text('excerpt_html', (i) => all[i]!.excerptHtml),
    int('word_count', (i) => all[i]!.wordCount),
    int('reading_minutes', (i) => all[i]!.readingMinutes),
    text('toc', (i) => all[i]!.toc),
  ];
  await insertInBatches(tx, progress, {
    phase: 'bodies',
    rows: all.length,
    columns,
    sql: `INSERT INTO synthetic_bodies SELECT r.idx, r.markdown, r.html, r.excerpt, r.excerpt_html, r.word_count, r.reading_minutes,
            r.toc::jsonb FROM ${unnestRows(columns)}`,
    batchSize: BODY_BATCH,
  });
}

/**
 * Writes every row of the plan in the open transaction: posts and comments in time order, as the forum would have
 * written them (a post's comments then lie near each other on disk, as they do in a real database), votes and
 * visits by user.
 */
export async function writeForum(
  tx: Queryable,
  plan: ForumPlan,
  bodies: RenderedBody[],
  options: WriteOptions,
): Promise<Written> {
  const { users, posts, comments, votes, visits } = plan;
  const { progress, batchSize, onPhase, ids } = options;
  const triggersDisabled = await disableTriggers(tx);
  // Room for the recount's and the checks' hash aggregates over millions of votes.
  await tx.exec(`SET LOCAL work_mem = '256MB'`);
  await loadBodies(tx, bodies, progress);
  const rows: Record<string, number> = {};

  await onPhase('users');
  const userColumns = [
    text('id', (u) => users.ids[u]!),
    text('username', (u) => users.usernames[u]!),
    text('display_name', (u) => users.displayNames[u]!),
    int('bio', (u) => users.bio[u]!),
    int('karma', (u) => users.karma[u]!),
    bool('moderator', (u) => users.moderator[u] === 1),
    text('comment_sort', (u) => COMMENT_SORTS[users.commentSort[u]!]!),
    time('created_at', (u) => users.createdAt[u]!),
  ];
  rows.users = await insertInBatches(tx, progress, {
    phase: 'users',
    rows: users.count,
    columns: userColumns,
    sql: `INSERT INTO users (id, username, display_name, email, password_hash, bio_markdown, bio_html, karma,
                             role, comment_sort, created_at)
          SELECT r.id, r.username, r.display_name, lower(r.username) || '@example.org', $${userColumns.length + 1},
                 b.markdown, b.html, r.karma, CASE WHEN r.moderator THEN 'moderator' ELSE 'member' END, r.comment_sort, to_timestamp(r.created_at)
            FROM ${unnestRows(userColumns)} JOIN synthetic_bodies b ON b.idx = r.bio`,
    extra: [options.passwordHash],
    batchSize,
  });

  await onPhase('posts');
  const postOrder = chronologicalOrder(posts.createdAt, plan.start, plan.now);
  const postColumns = [
    text('id', (p) => posts.ids[p]!),
    text('author_id', (p) => users.ids[posts.author[p]!]!),
    text('title', (p) => posts.titles[p]!),
    text('slug', (p) => posts.slugs[p]!),
    int('body', (p) => posts.body[p]!),
    text('status', (p) => (posts.published[p] ? 'published' : 'draft')),
    time('created_at', (p) => posts.createdAt[p]!),
    time('published_at', (p) => posts.publishedAt[p]!),
    time('deleted_at', (p) => posts.deletedAt[p]!),
    time('last_activity_at', (p) => posts.lastActivityAt[p]!),
    int('comment_count', (p) => posts.commentCount[p]!),
    int('base_score', (p) => posts.baseScore[p]!),
    int('vote_count', (p) => posts.voteCount[p]!),
  ];
  rows.posts = await insertInBatches(tx, progress, {
    phase: 'posts',
    rows: posts.count,
    order: (n) => postOrder[n]!,
    columns: postColumns,
    // The stored magic score is the same SQL votes/ranking.ts uses (postMagicScoreSql over the row as `p`).
    sql: `INSERT INTO posts (id, author_id, title, slug, body_markdown, body_html, excerpt, excerpt_html,
                             word_count, reading_minutes, toc, status, published_at, created_at, updated_at, last_activity_at,
                             deleted_at, comment_count, base_score, vote_count, revision_count, magic_score)
          SELECT p.id, p.author_id, p.title, p.slug, b.markdown, b.html, b.excerpt, b.excerpt_html, b.word_count,
                 b.reading_minutes,
                 b.toc, p.status, p.published_at, p.created_at, p.created_at, p.last_activity_at, p.deleted_at,
                 p.comment_count, p.base_score, p.vote_count, CASE WHEN p.status = 'published' THEN 1 ELSE 0 END,
                 ${postMagicScoreSql()}
            FROM (SELECT r.id, r.author_id, r.title, r.slug, r.body, r.status, to_timestamp(r.created_at) AS created_at,
                         to_timestamp(r.published_at) AS published_at, to_timestamp(r.deleted_at) AS deleted_at,
                         to_timestamp(r.last_activity_at) AS last_activity_at, r.comment_count, r.base_score,
                         r.vote_count
                    FROM ${unnestRows(postColumns)}) p
            JOIN synthetic_bodies b ON b.idx = p.body`,
    batchSize,
  });

  // createPost records revision 1 of every published post.
  await onPhase('revisions');
  const publishedOrder = Array.from(postOrder).filter((p) => posts.published[p]);
  const revisionColumns = [
    text('id', () => ids.id()),
    text('post_id', (p) => posts.ids[p]!),
    text('title', (p) => posts.titles[p]!),
    int('body', (p) => posts.body[p]!),
    time('created_at', (p) => posts.publishedAt[p]!),
  ];
  rows.post_revisions = await insertInBatches(tx, progress, {
    phase: 'revisions',
    rows: publishedOrder.length,
    order: (n) => publishedOrder[n]!,
    columns: revisionColumns,
    sql: `INSERT INTO post_revisions (id, post_id, number, title, body_markdown, body_html, note, created_at)
          SELECT r.id, r.post_id, 1, r.title, b.markdown, b.html, '', to_timestamp(r.created_at)
            FROM ${unnestRows(revisionColumns)} JOIN synthetic_bodies b ON b.idx = r.body`,
    batchSize,
  });

  await onPhase('comments');
  const commentOrder = chronologicalOrder(comments.createdAt, plan.start, plan.now);
  const commentColumns = [
    text('id', (c) => comments.ids[c]!),
    text('post_id', (c) => posts.ids[comments.post[c]!]!),
    text('parent_id', (c) => (comments.parent[c]! >= 0 ? comments.ids[comments.parent[c]!]! : null)),
    text('author_id', (c) => users.ids[comments.author[c]!]!),
    int('body', (c) => comments.body[c]!),
    time('created_at', (c) => comments.createdAt[c]!),
    bool('deleted', (c) => comments.deleted[c] === 1),
    bool('retracted', (c) => comments.retracted[c] === 1),
    int('base_score', (c) => comments.baseScore[c]!),
    int('vote_count', (c) => comments.voteCount[c]!),
    int('agreement_score', (c) => comments.agreementScore[c]!),
    int('agreement_vote_count', (c) => comments.agreementVoteCount[c]!),
  ];
  rows.comments = await insertInBatches(tx, progress, {
    phase: 'comments',
    rows: comments.count,
    order: (n) => commentOrder[n]!,
    columns: commentColumns,
    sql: `INSERT INTO comments (id, post_id, parent_id, author_id, body_markdown, body_html, excerpt, excerpt_html,
                                created_at, deleted, retracted, base_score, vote_count, agreement_score, agreement_vote_count)
          SELECT r.id, r.post_id, r.parent_id, r.author_id, b.markdown, b.html, b.excerpt, b.excerpt_html,
                 to_timestamp(r.created_at), r.deleted, r.retracted, r.base_score, r.vote_count, r.agreement_score, r.agreement_vote_count
            FROM ${unnestRows(commentColumns)} JOIN synthetic_bodies b ON b.idx = r.body`,
    batchSize,
  });

  // Votes and visits go in by user: the (user, …) unique index then grows at its end instead of taking random
  // inserts all over 600 MB, which halves their load time. Their heap order matters little to the app: it reads
  // them by index (a user's votes on a page, a user's visit to a post).
  const userRank = ranks(users.ids);
  await onPhase('votes');
  const targetId = (v: number) => (votes.on[v] === 0 ? posts.ids[votes.target[v]!]! : comments.ids[votes.target[v]!]!);
  const voteOrder = orderByKey(votes.count, (v) => userRank[votes.voter[v]!]!, users.count);
  const voteColumns = [
    text('user_id', (v) => users.ids[votes.voter[v]!]!),
    smallint('kind', (v) => votes.on[v]!),
    text('target_id', targetId),
    smallint('power', (v) => votes.power[v]!),
    bool('strong', (v) => votes.strong[v] === 1),
    time('created_at', (v) => votes.at[v]!),
  ];
  rows.votes = await insertInBatches(tx, progress, {
    phase: 'votes',
    rows: votes.count,
    order: (n) => voteOrder[n]!,
    columns: voteColumns,
    sql: `INSERT INTO votes (user_id, target_type, target_id, axis, power, is_strong, created_at)
          SELECT r.user_id, CASE WHEN r.kind = ${ON_POST} THEN 'post' ELSE 'comment' END, r.target_id,
                 CASE WHEN r.kind = ${ON_AGREEMENT} THEN 'agreement' ELSE 'karma' END, r.power, r.strong, to_timestamp(r.created_at)
            FROM ${unnestRows(voteColumns)}`,
    batchSize: batchSize * 2,
  });

  await onPhase('visits');
  const visitOrder = orderByKey(visits.count, (v) => userRank[visits.user[v]!]!, users.count);
  const visitColumns = [
    text('user_id', (v) => users.ids[visits.user[v]!]!),
    text('post_id', (v) => posts.ids[visits.post[v]!]!),
    time('at', (v) => visits.at[v]!),
  ];
  rows.post_visits = await insertInBatches(tx, progress, {
    phase: 'visits',
    rows: visits.count,
    order: (n) => visitOrder[n]!,
    columns: visitColumns,
    sql: `INSERT INTO post_visits (user_id, post_id, last_visited_at)
          SELECT r.user_id, r.post_id, to_timestamp(r.at) FROM ${unnestRows(visitColumns)}`,
    batchSize: batchSize * 2,
  });

  await onPhase('sequences');
  Object.assign(rows, await writeSequences(tx, plan, batchSize, progress));

  await onPhase('tags');
  const targets = { postIds: posts.ids, userIds: users.ids, start: plan.start, now: plan.now };
  Object.assign(rows, await writeTags(tx, plan.tags, targets, { ids, batchSize, progress, triggersDisabled }));

  return {
    rows,
    triggersDisabled,
    verify: async () => {
      await verifyWritten(tx, triggersDisabled);
      await verifyTags(tx, triggersDisabled);
    },
  };
}
