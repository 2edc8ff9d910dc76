import type { ForumPlan, PlanStats, PoolLayout, PostsPlan, Sizes } from './model.js';
import { planComments, planPosts, planUsers } from './plan-content.js';
import { planSequences, planVisits } from './plan-extras.js';
import { defaultTagCount, planTagNames, planTags, TAGS_SALT } from './plan-tags.js';
import { planVotes } from './plan-votes.js';
import { Random } from './random.js';
import type { RenderJob } from './render-pool.js';
import {
  bioMarkdown,
  commentMarkdown,
  postMarkdown,
  sequenceDescriptionMarkdown,
  tagDescriptionMarkdown,
} from './text.js';

const DAY_MS = 86_400_000;
/** The generated forum's history: posts spread over this many years up to now. */
const FORUM_YEARS = 6;
const USER_SIGNUP_LEAD_MS = 30 * DAY_MS;

/** Distinct bodies to render per kind, at most (each is reused by many rows). */
export interface PoolSizes {
  posts: number;
  comments: number;
  bios: number;
  descriptions: number;
}

export const DEFAULT_POOL_SIZES: PoolSizes = { posts: 600, comments: 2_400, bios: 100, descriptions: 50 };

export function poolLayout(sizes: Sizes, limits: PoolSizes = DEFAULT_POOL_SIZES): PoolLayout {
  const posts = { start: 0, size: Math.min(sizes.posts, limits.posts) };
  const comments = { start: posts.size, size: Math.min(sizes.comments, limits.comments) };
  const bios = { start: comments.start + comments.size, size: Math.min(sizes.users, limits.bios) };
  const descriptions = { start: bios.start + bios.size, size: Math.min(sizes.sequences, limits.descriptions) };
  const tags = { start: descriptions.start + descriptions.size, size: sizes.tags ?? defaultTagCount(sizes.posts) };
  return { posts, comments, bios, descriptions, tags, total: tags.start + tags.size };
}

/**
 * The Markdown of every pooled body, in pool order, from its own generator (so it can render meanwhile). Tag
 * descriptions name their tags: `tagNames` (default: the seed's) gives the names, in tag order.
 */
export function poolJobs(
  layout: PoolLayout,
  seed: number,
  tagNames = planTagNames(seed, layout.tags.size),
): RenderJob[] {
  const random = new Random(seed ^ 0x5eed_b0d1);
  const jobs: RenderJob[] = [];
  const add = (size: number, kind: string, make: (r: Random) => string) => {
    for (let i = 0; i < size; i++) jobs.push({ markdown: make(random), docId: `synthetic-${kind}${i}` });
  };
  add(layout.posts.size, 'p', postMarkdown);
  add(layout.comments.size, 'c', commentMarkdown);
  add(layout.bios.size, 'b', bioMarkdown);
  add(layout.descriptions.size, 's', sequenceDescriptionMarkdown);
  for (let i = 0; i < layout.tags.size; i++) {
    jobs.push({ markdown: tagDescriptionMarkdown(random, tagNames[i]!), docId: `synthetic-t${i}` });
  }
  return jobs;
}

export interface PlanOptions {
  seed: number;
  now: Date;
  /** Appended usernames carry indices from here on, so they never repeat earlier generated ones. */
  firstUserIndex?: number;
  /** Ids come from their own generator, fresh per run unless given, so appending never repeats an id. */
  ids?: Random;
  pool?: PoolLayout;
  /** The tags' names, one per description in the pool (default: the seed's). */
  tagNames?: string[];
  /** Called between planning steps (progress). */
  onStep?: (step: string) => void;
}

/** Plans the whole forum in memory: every row and every counter, consistent by construction. */
export function planForum(sizes: Sizes, options: PlanOptions): ForumPlan {
  const random = new Random(options.seed);
  const ids = options.ids ?? Random.unseeded();
  const now = options.now.getTime();
  const start = now - FORUM_YEARS * 365 * DAY_MS;
  const pool = options.pool ?? poolLayout(sizes);
  const step = options.onStep ?? (() => {});

  step('users');
  const users = planUsers(random, ids, sizes.users, options.firstUserIndex ?? 0, pool);
  step('posts');
  const posts = planPosts(random, ids, sizes.posts, users, pool, start, now);
  step('comments');
  const comments = planComments(random, ids, sizes.comments, posts, users, pool, now);
  step('votes');
  const votes = planVotes(random, sizes.votes, users, posts, comments, start, now);
  step('visits');
  const visits = planVisits(random, users.count, posts, comments, votes, now);
  step('sequences');
  const sequences = planSequences(random, ids, sizes.sequences, posts, visits, pool);
  step('tags');
  const tags = planTags(
    new Random(options.seed ^ TAGS_SALT),
    ids,
    posts,
    { count: users.count, karma: users.karma },
    { names: options.tagNames ?? planTagNames(options.seed, pool.tags.size), bodies: pool.tags, start, now },
  );

  // Each user signed up a little before their first action (or at any time, if they never acted).
  const first = new Float64Array(users.count).fill(Number.POSITIVE_INFINITY);
  const touch = (user: number, at: number) => {
    if (at < first[user]!) first[user] = at;
  };
  for (let v = 0; v < votes.count; v++) touch(votes.voter[v]!, votes.at[v]!);
  for (let s = 0; s < sequences.count; s++) touch(sequences.author[s]!, sequences.createdAt[s]!);
  for (let t = 0; t < tags.count; t++) touch(tags.creator[t]!, tags.createdAt[t]!);
  for (let l = 0; l < tags.links.count; l++) touch(tags.links.appliedBy[l]!, tags.links.at[l]!);
  for (let v = 0; v < tags.votes.count; v++) touch(tags.votes.voter[v]!, tags.votes.at[v]!);
  for (let u = 0; u < users.count; u++) {
    const at = first[u]!;
    users.createdAt[u] = Number.isFinite(at)
      ? Math.max(start - USER_SIGNUP_LEAD_MS, at - random.exponential(USER_SIGNUP_LEAD_MS))
      : start + random.float() * (now - start);
  }

  const { authors: _authors, voters: _voters, ...usersPlan } = users;
  return {
    now,
    start,
    sizes,
    pool,
    users: usersPlan,
    posts,
    comments,
    votes,
    visits,
    sequences,
    tags,
    stats: planStats(posts, comments.count, comments.maxDepth, comments.deleted, users.karma, votes),
  };
}

function nearest(counts: Int32Array, published: Uint8Array, target: number): number {
  let best = -1;
  for (let p = 0; p < counts.length; p++) {
    if (published[p] && (best < 0 || Math.abs(counts[p]! - target) < Math.abs(best - target))) best = counts[p]!;
  }
  return Math.max(0, best);
}

function planStats(
  posts: PostsPlan,
  commentTotal: number,
  maxDepth: number,
  deleted: Uint8Array,
  karma: Int32Array,
  votes: ForumPlan['votes'],
): PlanStats {
  const publishedCounts: number[] = [];
  let deletedPosts = 0;
  for (let p = 0; p < posts.count; p++) {
    if (!posts.published[p]) continue;
    publishedCounts.push(posts.commentStart[p + 1]! - posts.commentStart[p]!);
    if (!Number.isNaN(posts.deletedAt[p]!)) deletedPosts++;
  }
  publishedCounts.sort((a, b) => a - b);
  let deletedComments = 0;
  for (let c = 0; c < commentTotal; c++) deletedComments += deleted[c]!;
  let maxKarma = 0;
  let above1000 = 0;
  let above10000 = 0;
  for (const k of karma) {
    if (k > maxKarma) maxKarma = k;
    if (k > 1_000) above1000++;
    if (k > 10_000) above10000++;
  }
  // Cast votes are planned target by target, so each target's votes form one run.
  let maxVotes = 0;
  for (let v = votes.selfCount, run = 0; v < votes.count; v++) {
    const same = v > votes.selfCount && votes.target[v] === votes.target[v - 1] && votes.on[v] === votes.on[v - 1];
    run = same ? run + 1 : 1;
    if (run > maxVotes) maxVotes = run;
  }
  return {
    publishedPosts: publishedCounts.length,
    draftPosts: posts.count - publishedCounts.length,
    deletedPosts,
    deletedComments,
    maxCommentsOnPost: publishedCounts.at(-1) ?? 0,
    nearest50: nearest(posts.commentCount, posts.published, 50),
    nearest1000: nearest(posts.commentCount, posts.published, 1_000),
    medianCommentsPerPublishedPost: publishedCounts[Math.floor(publishedCounts.length / 2)] ?? 0,
    maxReplyDepth: maxDepth,
    maxKarma,
    usersAbove1000: above1000,
    usersAbove10000: above10000,
    maxVotesOnTarget: maxVotes,
  };
}
