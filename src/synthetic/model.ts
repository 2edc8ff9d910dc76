/**
 * The in-memory plan of a synthetic forum: every row the loader will insert, with every counter already
 * computed, as typed arrays (millions of rows stay compact). Indices link rows (comment → post, vote → target);
 * ids are generated once per row. Times are epoch milliseconds; NaN means NULL.
 */

export interface Sizes {
  users: number;
  posts: number;
  comments: number;
  /** Votes users cast on others' posts and comments; each post and comment also gets its author's own vote. */
  votes: number;
  sequences: number;
  /** Tags over the posts; default defaultTagCount(posts). */
  tags?: number;
}

/** Where each kind of body sits in the one rendered pool (the loader's temporary table is indexed the same). */
export interface PoolLayout {
  posts: PoolRange;
  comments: PoolRange;
  bios: PoolRange;
  descriptions: PoolRange;
  /** One description per tag: each names its tag, so none is shared. */
  tags: PoolRange;
  total: number;
}

export interface PoolRange {
  start: number;
  size: number;
}

/** The body index of an empty text (deleted comments, users without a bio). */
export const EMPTY_BODY = -1;

export const COMMENT_SORTS = ['top', 'new', 'old', 'magic'] as const;

export interface UsersPlan {
  count: number;
  ids: string[];
  usernames: string[];
  displayNames: string[];
  createdAt: Float64Array;
  karma: Int32Array;
  bio: Int32Array;
  moderator: Uint8Array;
  /** Index into COMMENT_SORTS. */
  commentSort: Uint8Array;
}

export interface PostsPlan {
  count: number;
  ids: string[];
  author: Int32Array;
  titles: string[];
  slugs: string[];
  body: Int32Array;
  published: Uint8Array;
  createdAt: Float64Array;
  publishedAt: Float64Array;
  deletedAt: Float64Array;
  lastActivityAt: Float64Array;
  commentCount: Int32Array;
  baseScore: Int32Array;
  voteCount: Int32Array;
  /** Comments of post i are comments commentStart[i] .. commentStart[i + 1] - 1. */
  commentStart: Int32Array;
}

export interface CommentsPlan {
  count: number;
  ids: string[];
  post: Int32Array;
  /** -1: a top-level comment. */
  parent: Int32Array;
  author: Int32Array;
  createdAt: Float64Array;
  body: Int32Array;
  deleted: Uint8Array;
  retracted: Uint8Array;
  baseScore: Int32Array;
  voteCount: Int32Array;
  agreementScore: Int32Array;
  agreementVoteCount: Int32Array;
  maxDepth: number;
}

/** What a vote is on: a post (karma), a comment's karma, or a comment's agreement. */
export const ON_POST = 0;
export const ON_COMMENT = 1;
export const ON_AGREEMENT = 2;

export interface VotesPlan {
  count: number;
  /** The first `selfCount` votes are authors' own upvotes on their new posts and comments. */
  selfCount: number;
  voter: Int32Array;
  target: Int32Array;
  on: Uint8Array;
  /** Signed power, as stored. */
  power: Int8Array;
  strong: Uint8Array;
  at: Float64Array;
  /** Vote indices in the order they were cast (the order the replay computed powers in). */
  order: Uint32Array;
}

export interface VisitsPlan {
  count: number;
  user: Int32Array;
  post: Int32Array;
  at: Float64Array;
  /** Visits of post i are visits visitStart[i] .. visitStart[i + 1] - 1. */
  visitStart: Int32Array;
}

export interface SequencesPlan {
  count: number;
  ids: string[];
  author: Int32Array;
  titles: string[];
  body: Int32Array;
  createdAt: Float64Array;
  updatedAt: Float64Array;
  chapters: { count: number; ids: string[]; sequence: Int32Array; position: Int32Array; titles: string[] };
  entries: {
    count: number;
    sequence: Int32Array;
    post: Int32Array;
    chapter: Int32Array;
    position: Int32Array;
    addedAt: Float64Array;
  };
  reads: { count: number; user: Int32Array; sequence: Int32Array; at: Float64Array };
}

export interface TagsPlan {
  count: number;
  ids: string[];
  names: string[];
  slugs: string[];
  body: Int32Array;
  creator: Int32Array;
  createdAt: Float64Array;
  /** Links at relevance >= 0 to published, undeleted posts (tags.post_count). */
  postCount: Int32Array;
  /** Post–tag links, post by post. */
  links: {
    count: number;
    post: Int32Array;
    tag: Int32Array;
    relevance: Int32Array;
    voteCount: Int32Array;
    appliedBy: Int32Array;
    at: Float64Array;
  };
  /** Relevance votes, link by link; each link's first is its applier's. */
  votes: { count: number; link: Int32Array; voter: Int32Array; power: Int8Array; strong: Uint8Array; at: Float64Array };
}

export interface PlanStats {
  publishedPosts: number;
  draftPosts: number;
  deletedPosts: number;
  deletedComments: number;
  maxCommentsOnPost: number;
  /** Comment counts of the posts nearest 50 and 1,000 comments (what the benchmark looks for). */
  nearest50: number;
  nearest1000: number;
  medianCommentsPerPublishedPost: number;
  maxReplyDepth: number;
  maxKarma: number;
  usersAbove1000: number;
  usersAbove10000: number;
  maxVotesOnTarget: number;
}

export interface ForumPlan {
  now: number;
  start: number;
  sizes: Sizes;
  pool: PoolLayout;
  users: UsersPlan;
  posts: PostsPlan;
  comments: CommentsPlan;
  votes: VotesPlan;
  visits: VisitsPlan;
  sequences: SequencesPlan;
  tags: TagsPlan;
  stats: PlanStats;
}
