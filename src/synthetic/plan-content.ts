import { postSlug } from '../posts/slug.js';
import { AliasTable, allocate, commentWeights, topCommentCount, zipfWeights } from './distribution.js';
import {
  type CommentsPlan,
  EMPTY_BODY,
  type PoolLayout,
  type PoolRange,
  type PostsPlan,
  type UsersPlan,
} from './model.js';
import type { Random } from './random.js';
import { postTitle, userName } from './text.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Share of posts left as drafts, and of published posts later deleted. */
const DRAFT_SHARE = 0.03;
const DELETED_POST_SHARE = 0.003;
const DELETED_COMMENT_SHARE = 0.015;
const RETRACTED_COMMENT_SHARE = 0.005;
const BIO_SHARE = 0.15;
const MODERATORS = 2;
/** Posts per unit of time grow by e^FORUM_GROWTH from the forum's first day to its last. */
const FORUM_GROWTH = 1.5;

export function poolBody(random: Random, range: PoolRange): number {
  return range.size === 0 ? EMPTY_BODY : range.start + random.int(range.size);
}

export interface PlannedUsers extends UsersPlan {
  /** Draws an author: a few users write much of the forum (Zipf over a random order of users). */
  authors: AliasTable;
  /** Draws a voter: lurkers vote too, so this is flatter, and partly follows writing activity. */
  voters: AliasTable;
}

export function planUsers(
  random: Random,
  ids: Random,
  count: number,
  firstIndex: number,
  pool: PoolLayout,
): PlannedUsers {
  const byActivity = random.shuffle(Int32Array.from({ length: count }, (_, i) => i));
  const byVoting = random.shuffle(Int32Array.from({ length: count }, (_, i) => i));
  const authorRank = zipfWeights(count, 1.1, 10);
  const voterRank = zipfWeights(count, 0.8, 20);
  const authorWeight = new Float64Array(count);
  const voterWeight = new Float64Array(count);
  let authorTotal = 0;
  let voterTotal = 0;
  for (let r = 0; r < count; r++) {
    authorWeight[byActivity[r]!] = authorRank[r]!;
    authorTotal += authorRank[r]!;
    voterTotal += voterRank[r]!;
  }
  for (let r = 0; r < count; r++) {
    const u = byVoting[r]!;
    voterWeight[u] = (0.5 * voterRank[r]!) / voterTotal + (0.5 * authorWeight[u]!) / authorTotal;
  }
  const users: PlannedUsers = {
    count,
    ids: [],
    usernames: [],
    displayNames: [],
    createdAt: new Float64Array(count),
    karma: new Int32Array(count),
    bio: new Int32Array(count).fill(EMPTY_BODY),
    moderator: new Uint8Array(count),
    commentSort: new Uint8Array(count),
    authors: new AliasTable(authorWeight),
    voters: new AliasTable(voterWeight),
  };
  for (let i = 0; i < count; i++) {
    users.ids.push(ids.id());
    const name = userName(random, firstIndex + i);
    users.usernames.push(name.username);
    users.displayNames.push(name.displayName);
    if (random.chance(BIO_SHARE)) users.bio[i] = poolBody(random, pool.bios);
    const sort = random.float();
    users.commentSort[i] = sort < 0.7 ? 0 : sort < 0.85 ? 1 : sort < 0.9 ? 2 : 3;
  }
  for (let r = 0; r < Math.min(MODERATORS, count); r++) users.moderator[byActivity[r]!] = 1;
  return users;
}

/** A time in [start, now], denser towards now (the forum grew). */
function growingTime(random: Random, start: number, now: number): number {
  const u = random.float();
  const t = Math.log(1 + u * (Math.exp(FORUM_GROWTH) - 1)) / FORUM_GROWTH;
  return start + t * (now - start);
}

export function planPosts(
  random: Random,
  ids: Random,
  count: number,
  users: PlannedUsers,
  pool: PoolLayout,
  start: number,
  now: number,
): PostsPlan {
  const posts: PostsPlan = {
    count,
    ids: [],
    author: new Int32Array(count),
    titles: [],
    slugs: [],
    body: new Int32Array(count),
    published: new Uint8Array(count),
    createdAt: new Float64Array(count),
    publishedAt: new Float64Array(count).fill(Number.NaN),
    deletedAt: new Float64Array(count).fill(Number.NaN),
    lastActivityAt: new Float64Array(count),
    commentCount: new Int32Array(count),
    baseScore: new Int32Array(count),
    voteCount: new Int32Array(count),
    commentStart: new Int32Array(count + 1),
  };
  for (let i = 0; i < count; i++) {
    posts.ids.push(ids.id());
    posts.author[i] = users.authors.sample(random);
    const title = postTitle(random);
    posts.titles.push(title);
    posts.slugs.push(postSlug(title));
    posts.body[i] = poolBody(random, pool.posts);
    const at = growingTime(random, start, now);
    posts.createdAt[i] = at;
    posts.lastActivityAt[i] = at;
    // The first post is always published, so a tiny forum still has something to comment on and vote for.
    if (i > 0 && random.chance(DRAFT_SHARE)) continue;
    posts.published[i] = 1;
    posts.publishedAt[i] = at;
    if (random.chance(DELETED_POST_SHARE)) posts.deletedAt[i] = at + random.float() * (now - at);
  }
  return posts;
}

/** When the i-th comment of a post arrives, after publication: most within a day, a long tail over months. */
function commentDelay(random: Random, age: number): number {
  const r = random.float();
  const delay =
    r < 0.65 ? random.exponential(10 * HOUR_MS) : r < 0.93 ? random.exponential(4 * DAY_MS) : random.float() * age;
  return delay < age ? delay : random.float() * age;
}

/**
 * Comments, post by post: how many each published post gets (a Zipf curve over a random popularity order, so
 * a few posts have thousands and most a handful), when they arrive, who writes them, and the reply tree: top
 * level, a reply to the comment just before (chains), to any earlier one, and now and then a long two-person
 * debate, one reply under the other.
 */
export function planComments(
  random: Random,
  ids: Random,
  total: number,
  posts: PostsPlan,
  users: PlannedUsers,
  pool: PoolLayout,
  now: number,
): CommentsPlan {
  const published: number[] = [];
  for (let i = 0; i < posts.count; i++) if (posts.published[i]) published.push(i);
  const perPost = new Int32Array(posts.count);
  if (total > 0) {
    const popularity = random.shuffle(Int32Array.from(published));
    const counts = allocate(
      total,
      new AliasTable(commentWeights(published.length, total, topCommentCount(total))),
      random,
    );
    for (let r = 0; r < popularity.length; r++) perPost[popularity[r]!] = counts[r]!;
  }
  const comments: CommentsPlan = {
    count: total,
    ids: [],
    post: new Int32Array(total),
    parent: new Int32Array(total).fill(-1),
    author: new Int32Array(total),
    createdAt: new Float64Array(total),
    body: new Int32Array(total),
    deleted: new Uint8Array(total),
    retracted: new Uint8Array(total),
    baseScore: new Int32Array(total),
    voteCount: new Int32Array(total),
    agreementScore: new Int32Array(total),
    agreementVoteCount: new Int32Array(total),
    maxDepth: 0,
  };
  const depth = new Uint16Array(total);
  let next = 0;
  for (let p = 0; p < posts.count; p++) {
    posts.commentStart[p] = next;
    const k = perPost[p]!;
    if (k === 0) continue;
    const from = next;
    const publishedAt = posts.publishedAt[p]!;
    // A deleted post took comments until it was deleted.
    const deletedAt = posts.deletedAt[p]!;
    const age = (Number.isNaN(deletedAt) ? now : deletedAt) - publishedAt;
    const times = comments.createdAt.subarray(from, from + k);
    for (let j = 0; j < k; j++) times[j] = publishedAt + commentDelay(random, age);
    times.sort();
    for (let j = 0; j < k; j++) {
      const c = from + j;
      comments.ids.push(ids.id());
      comments.post[c] = p;
      let parent = -1;
      if (j > 0) {
        const r = random.float();
        if (r >= 0.3) parent = r < 0.75 ? c - 1 : from + random.int(j);
      }
      comments.parent[c] = parent;
      const a = random.float();
      const grandparent = parent >= 0 ? comments.parent[parent]! : -1;
      comments.author[c] =
        j > 0 && a < 0.08
          ? posts.author[p]!
          : grandparent >= 0 && a < 0.3
            ? comments.author[grandparent]!
            : users.authors.sample(random);
    }
    if (k >= 30 && random.chance(0.3)) addDebate(random, comments, from, k, users);
    for (let c = from; c < from + k; c++) {
      const parent = comments.parent[c]!;
      depth[c] = parent >= 0 ? depth[parent]! + 1 : 0;
      if (depth[c]! > comments.maxDepth) comments.maxDepth = depth[c]!;
      if (random.chance(DELETED_COMMENT_SHARE)) {
        comments.deleted[c] = 1;
        comments.body[c] = EMPTY_BODY;
      } else {
        comments.body[c] = poolBody(random, pool.comments);
        if (random.chance(RETRACTED_COMMENT_SHARE)) comments.retracted[c] = 1;
        posts.commentCount[p] = posts.commentCount[p]! + 1;
      }
    }
    // addComment moves last activity to each new comment's time, deleted ones included.
    posts.lastActivityAt[p] = Math.max(publishedAt, times[k - 1]!);
    next += k;
  }
  posts.commentStart[posts.count] = next;
  return comments;
}

/** Two users answering each other 10–60 times, each reply under the last: the deep chains of a real argument. */
function addDebate(random: Random, comments: CommentsPlan, from: number, k: number, users: PlannedUsers): void {
  const first = random.int(Math.floor(k / 2));
  const length = random.between(10, 60);
  const gap = Math.max(1, Math.floor((k - first) / length));
  const a = comments.author[from + first]!;
  let b = users.authors.sample(random);
  if (b === a && users.count > 1) b = (a + 1) % users.count;
  let previous = from + first;
  for (let step = 1, j = first + 1; step <= length && j < k; step++, j += 1 + random.int(gap)) {
    const c = from + j;
    comments.parent[c] = previous;
    comments.author[c] = step % 2 === 1 ? b : a;
    previous = c;
  }
}
