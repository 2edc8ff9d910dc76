import { votePower } from '../votes/power.js';
import { AliasTable, allocate } from './distribution.js';
import { type CommentsPlan, ON_AGREEMENT, ON_COMMENT, ON_POST, type PostsPlan, type VotesPlan } from './model.js';
import { chronologicalOrder } from './order.js';
import type { PlannedUsers } from './plan-content.js';
import type { Random } from './random.js';

const DAY_MS = 86_400_000;
/** Shares of cast votes on posts and on comments' agreement axis; the rest are karma votes on comments. */
const POST_VOTE_SHARE = 0.2;
const AGREEMENT_VOTE_SHARE = 0.2;
const STRONG_SHARE = 0.1;
const DOWN_SHARE = 0.08;
/** Some targets divide readers: more downvotes and disagreement. */
const CONTROVERSIAL_SHARE = 0.1;
const CONTROVERSIAL_DOWN_SHARE = 0.35;
const DISAGREE_SHARE = 0.3;
const CONTROVERSIAL_DISAGREE_SHARE = 0.55;

export class VoteCapacityError extends Error {}

/** Cast votes per class (post karma, comment karma, comment agreement), within what distinct voters allow. */
function splitVotes(total: number, publishedPosts: number, comments: number, voters: number): [number, number, number] {
  const postRoom = publishedPosts * voters;
  const commentRoom = comments * voters;
  if (total > postRoom + 2 * commentRoom) {
    throw new VoteCapacityError(
      `${total.toLocaleString('en')} votes cannot be cast: each user votes at most once per post and axis, which ` +
        `leaves room for ${(postRoom + 2 * commentRoom).toLocaleString('en')} votes here. Add users, posts or comments.`,
    );
  }
  let onPost = comments === 0 ? total : Math.round(total * POST_VOTE_SHARE);
  onPost = Math.max(Math.min(onPost, postRoom), total - 2 * commentRoom);
  let onAgreement = Math.round((total - onPost) * (AGREEMENT_VOTE_SHARE / (1 - POST_VOTE_SHARE)));
  onAgreement = Math.max(Math.min(onAgreement, commentRoom), total - onPost - commentRoom);
  return [onPost, total - onPost - onAgreement, onAgreement];
}

/** When a vote is cast after its target appeared: mostly within days, some much later. */
function voteDelay(random: Random, age: number): number {
  const delay = random.chance(0.7) ? random.exponential(DAY_MS) : random.exponential(30 * DAY_MS);
  return delay < age ? delay : random.float() * age;
}

interface Targets {
  on: number;
  count: number;
  weights: Float64Array;
  cap: Int32Array;
  author: Int32Array;
  createdAt: Float64Array;
  /** The post a target is or belongs to: votes stop when it is deleted. */
  post: (target: number) => number;
}

/**
 * Every vote: authors' own upvotes first, then `total` cast votes spread over targets by a heavy-tailed
 * popularity (popular posts and their comments draw most), each voter at most once per target and axis and
 * never on their own content. Powers come from replaying all votes in time order against running karma, as
 * castVote computes them, so each power matches its voter's karma at the moment of voting; the replay also
 * yields every score, count and karma.
 */
export function planVotes(
  random: Random,
  total: number,
  users: PlannedUsers,
  posts: PostsPlan,
  comments: CommentsPlan,
  start: number,
  now: number,
): VotesPlan {
  const voters = users.count - 1;
  let publishedPosts = 0;
  for (let p = 0; p < posts.count; p++) publishedPosts += posts.published[p]!;
  const [onPost, onComment, onAgreement] = splitVotes(total, publishedPosts, comments.count, Math.max(0, voters));
  const selfCount = posts.count + comments.count;
  const count = selfCount + total;
  const votes: VotesPlan = {
    count,
    selfCount,
    voter: new Int32Array(count),
    target: new Int32Array(count),
    on: new Uint8Array(count),
    power: new Int8Array(count),
    strong: new Uint8Array(count),
    at: new Float64Array(count),
    order: new Uint32Array(0),
  };
  for (let p = 0; p < posts.count; p++) {
    votes.voter[p] = posts.author[p]!;
    votes.target[p] = p;
    votes.on[p] = ON_POST;
    votes.power[p] = 1;
    votes.at[p] = posts.createdAt[p]!;
  }
  for (let c = 0; c < comments.count; c++) {
    const v = posts.count + c;
    votes.voter[v] = comments.author[c]!;
    votes.target[v] = c;
    votes.on[v] = ON_COMMENT;
    votes.power[v] = 1;
    votes.at[v] = comments.createdAt[c]!;
  }

  const postWeights = new Float64Array(posts.count);
  const postCap = new Int32Array(posts.count);
  for (let p = 0; p < posts.count; p++) {
    if (!posts.published[p]) continue;
    postWeights[p] = (posts.commentCount[p]! + 1) ** 0.7 * random.logNormal(0.8);
    postCap[p] = voters;
  }
  const commentWeights = new Float64Array(comments.count);
  const agreementWeights = new Float64Array(comments.count);
  for (let c = 0; c < comments.count; c++) {
    const thread = (posts.commentCount[comments.post[c]!]! + 1) ** 0.25;
    commentWeights[c] = thread * random.logNormal(1) * (comments.parent[c]! < 0 ? 1.5 : 1);
    agreementWeights[c] = commentWeights[c]! * random.logNormal(0.5);
  }
  const commentCap = new Int32Array(comments.count).fill(voters);
  const classes: [Targets, number][] = [
    [
      {
        on: ON_POST,
        count: posts.count,
        weights: postWeights,
        cap: postCap,
        author: posts.author,
        createdAt: posts.createdAt,
        post: (p) => p,
      },
      onPost,
    ],
    [
      {
        on: ON_COMMENT,
        count: comments.count,
        weights: commentWeights,
        cap: commentCap,
        author: comments.author,
        createdAt: comments.createdAt,
        post: (c) => comments.post[c]!,
      },
      onComment,
    ],
    [
      {
        on: ON_AGREEMENT,
        count: comments.count,
        weights: agreementWeights,
        cap: commentCap,
        author: comments.author,
        createdAt: comments.createdAt,
        post: (c) => comments.post[c]!,
      },
      onAgreement,
    ],
  ];
  let next = selfCount;
  const chosen = new Set<number>();
  for (const [targets, n] of classes) {
    if (n === 0) continue;
    const perTarget = allocate(n, new AliasTable(targets.weights), random, targets.cap);
    for (let t = 0; t < targets.count; t++) {
      const k = perTarget[t]!;
      if (k === 0) continue;
      const author = targets.author[t]!;
      const createdAt = targets.createdAt[t]!;
      const deletedAt = posts.deletedAt[targets.post(t)]!;
      const until = Number.isNaN(deletedAt) ? now : deletedAt;
      const controversial = random.chance(CONTROVERSIAL_SHARE);
      const against =
        targets.on === ON_AGREEMENT
          ? controversial
            ? CONTROVERSIAL_DISAGREE_SHARE
            : DISAGREE_SHARE
          : controversial
            ? CONTROVERSIAL_DOWN_SHARE
            : DOWN_SHARE;
      chosen.clear();
      drawVoters(random, users, author, k, chosen);
      for (const voter of chosen) {
        votes.voter[next] = voter;
        votes.target[next] = t;
        votes.on[next] = targets.on;
        votes.power[next] = random.chance(against) ? -1 : 1;
        votes.strong[next] = targets.on !== ON_AGREEMENT && random.chance(STRONG_SHARE) ? 1 : 0;
        votes.at[next] = createdAt + voteDelay(random, until - createdAt);
        next++;
      }
    }
  }

  votes.order = chronologicalOrder(votes.at, start, now);
  replay(votes, users, posts, comments);
  return votes;
}

/** k distinct voters other than the author, by voting activity (uniformly when k is a large share of users). */
function drawVoters(random: Random, users: PlannedUsers, author: number, k: number, into: Set<number>): void {
  if (k * 4 > users.count) {
    const everyone = Int32Array.from({ length: users.count }, (_, i) => i);
    for (let i = 0; into.size < k; i++) {
      const j = i + random.int(users.count - i);
      const picked = everyone[j]!;
      everyone[j] = everyone[i]!;
      everyone[i] = picked;
      if (picked !== author) into.add(picked);
    }
    return;
  }
  while (into.size < k) {
    const voter = users.voters.sample(random);
    if (voter !== author) into.add(voter);
  }
}

/** Applies every vote in the order cast: powers from the voter's karma at that moment, then every total. */
function replay(votes: VotesPlan, users: PlannedUsers, posts: PostsPlan, comments: CommentsPlan): void {
  const karma = users.karma;
  for (let n = 0; n < votes.count; n++) {
    const v = votes.order[n]!;
    const voter = votes.voter[v]!;
    const target = votes.target[v]!;
    const on = votes.on[v]!;
    const own = v < votes.selfCount;
    const strength = votes.strong[v] ? 'strong' : 'normal';
    const power = votes.power[v]! * votePower(karma[voter]!, strength);
    votes.power[v] = power;
    if (on === ON_POST) {
      posts.baseScore[target] = posts.baseScore[target]! + power;
      posts.voteCount[target] = posts.voteCount[target]! + 1;
      if (!own) karma[posts.author[target]!] = karma[posts.author[target]!]! + power;
    } else if (on === ON_COMMENT) {
      comments.baseScore[target] = comments.baseScore[target]! + power;
      comments.voteCount[target] = comments.voteCount[target]! + 1;
      if (!own) karma[comments.author[target]!] = karma[comments.author[target]!]! + power;
    } else {
      comments.agreementScore[target] = comments.agreementScore[target]! + power;
      comments.agreementVoteCount[target] = comments.agreementVoteCount[target]! + 1;
    }
  }
}
