import type { SessionUser } from '../accounts/queries.js';
import { type CommentHeads, commentHeadsBytes } from '../comments/heads.js';
import { type CommentsOfPost, commentsOfPostBytes, reviseCommentScores } from '../comments/queries.js';
import type { SharedCommentTree } from '../comments/views.js';
import type { Config } from '../config.js';
import type { ChangeFeed } from '../db/changes.js';
import type { DeflatedPiece } from '../web/gzip-splice.js';
import { ByteBudget } from './budget.js';
import { PageCache } from './page-cache.js';
import { keepRecent } from './recent.js';
import { approximateBytes } from './size.js';
import { ALL_POSTS_TAG, POST_TITLES_TAG, TaggedCache } from './tagged-cache.js';

/** This process's in-memory copies of what the database holds, all dropped by the same change notifications. */
export interface Caches {
  /** Whole pages for logged-out readers, keyed by URL. */
  pages: PageCache;
  /** Whole pages made for one logged-in reader (only routes that opt in: the post lists), keyed by session. */
  readerPages: PageCache;
  /** Rendered parts of pages that every reader shares (the frontpage lists), keyed by the route's own names. */
  fragments: TaggedCache<unknown>;
  /** Each post's comment tree per order, rendered for every reader with their parts as slots; bounded in bytes. */
  commentTrees: TaggedCache<SharedCommentTree>;
  /**
   * Each post's comments as read for its trees (comments/discussion.ts): the trees of its other orders and pages
   * are made from them without reading every comment of the post again.
   */
  discussions: TaggedCache<CommentsOfPost>;
  /**
   * Parts of comment sections compressed once for every logged-in reader (comments/segments.ts), keyed by a hash
   * of their text, so never stale; tagged "segments:<post id>" so a changed post's text can go.
   */
  commentSegments: TaggedCache<DeflatedPiece>;
  /**
   * Each post's comments rendered for its trees (comments/heads.ts), by post id: a tree made again for another
   * order or after a new comment renders only what changed. Kept with what they were made from, so never
   * stale; tagged "segments:<post id>" so a changed post's can go.
   */
  commentHeads: TaggedCache<CommentHeads>;
  /** Logged-in users by session token hash, tagged "user:<id>": a logout or any change to the user drops them. */
  sessions: TaggedCache<SessionUser>;
  /**
   * Comments added to each post since its kept discussion was read ("comment-added"), by post id: the next read
   * of the discussion takes them in (comments/discussion.ts) rather than reading every comment again.
   */
  addedComments: Map<string, Set<string>>;
  /**
   * Resolves once this process has heard of every change committed before the call (tests and tools wait on
   * it; requests never do).
   */
  settle: () => Promise<void>;
  /**
   * Read-your-writes without making anyone wait: after a logged-in reader's write, their session (by token
   * hash) reads around every cache until this process has heard of every change committed before the write.
   * That is usually a millisecond; the writer's answer goes out at once.
   */
  markWriter: (sessionHash: string) => void;
  /** Whether this session's requests must read around the caches now (see markWriter). */
  writerPending: (sessionHash: string) => boolean;
  /**
   * Called for a change to a post's score, comment count or rank: lists, profiles and feeds (everything tagged
   * "front") are dropped once LIST_REFRESH_MS later. They are shared by every reader; rebuilding them at most
   * that often, rather than on every vote, keeps a busy forum's pages cached. The post's own page is dropped
   * at once.
   */
  refreshListsSoon: () => void;
}

/** The tag (and fragment key) of a post's comments' current scores, and of the pages showing them. */
export function commentScoresTag(postId: string): string {
  return `comment-scores:${postId}`;
}

/** Fragments kept: one per list, order and "Load more" page, and each active reader's own parts. */
const MAX_FRAGMENTS = 5_000;
/** Readers' own pages kept (about 60 KB each, plain and compressed): the most recently active readers'. */
const MAX_READER_PAGES = 1_000;
const MAX_SESSIONS = 20_000;
/** Compressed comment segments kept (a few comments each, a few KB compressed). */
const MAX_SEGMENTS = 50_000;
/** A compressed segment's key (hashes), its record and tag. */
const SEGMENT_OVERHEAD = 256;
/** A cached session: its row's few short fields, the key and the tag. */
const SESSION_BYTES = 512;

/**
 * How CACHE_MAX_MB is shared out: the share each cache is sure of, and may pass while others leave part of
 * theirs unused (budget.ts). Logged-out pages and comment trees are the big, shared ones; readers' own
 * pages are capped by count as well; sessions are small. The discussions read for trees are a tenth: a forum day
 * (bench) read 40 % of its discussions again, for another order or page, while they were unchanged.
 */
const BUDGET_SHARES = {
  pages: 0.3,
  readerPages: 0.1,
  commentTrees: 0.2,
  discussions: 0.1,
  commentSegments: 0.05,
  commentHeads: 0.05,
  fragments: 0.15,
  sessions: 0.05,
};
/** Posts whose added comments are remembered for their kept discussions (the most recently commented on). */
const ADDED_COMMENTS_KEPT = 10_000;
/** How often entries past their lifetime are dropped, when nobody asks for them again. */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * The invalidation table: what each change notification (announced by the database triggers of migrations
 * 0005, 0007, 0009, 0013, 0015 and 0018, or applied here by changedHere) drops, in every cache that can hold it.
 * The same table, with why, is in docs/ARCHITECTURE.md; test/cache/invalidation.test.ts tests each row.
 *
 * | message            | announced when                                          | drops                                   |
 * | post:<id>          | a post is created, edited, published, unpublished or    | post:<id>, comments:<id>, front,        |
 * |                    | deleted, or its place in sequences or backlinks changes | post-titles, segments:<id>              |
 * | post-counts:<id>   | a post's score, vote count or comment count changes     | post:<id>; front after LIST_REFRESH_MS  |
 * | lists              | only a post's rank (magic score, last activity) changes | front after LIST_REFRESH_MS             |
 * | comments:<postId>  | a comment on the post is edited, retracted, removed or  | comments:<postId>                       |
 * |                    | deleted                                                 |                                         |
 * | comment-added:     | a comment is added to the post (migration 0030)         | comments:<postId> but the discussion,   |
 * |   <postId>:<id>    |                                                         | which takes the comment in when read    |
 * | comment-score:     | only a comment's scores changed (a vote on it); the     | pages tagged comment-scores:<postId>;   |
 * |   <postId>:<id>:…  | message carries them (migration 0025)                   | written into the post's cached scores   |
 * | discussion         | a comment is added, edited, retracted or deleted        | discussion                              |
 * | user:<id>          | a user's karma, rights or settings change, or one of    | user:<id> (their sessions, profile and  |
 * |                    | their sessions ends                                     | own pages)                              |
 * | reader:<id>        | a reader's visits to posts are written (in batches,     | reader:<id>, in fragments and readers'  |
 * |                    | posts/visits.ts) or they read in a sequence             | own pages only                          |
 * | voter:<id>         | a reader votes on a post or comment (migration 0026)    | voter:<id>, in fragments only (their    |
 * |                    |                                                         | votes kept with post pages)             |
 * | sequence:<id>      | a sequence's title, contents or totals change           | sequence:<id>                           |
 * | sequences          | any sequence changes                                    | sequences                               |
 * | tag:<id>           | a tag's row changes (name, description, post count…),   | tag:<id>, tags (the list of tags)       |
 * |                    | or a link between it and a post (migrations 0015, 0018) |                                         |
 * | post-tags:<postId> | a link of the post's was added, removed or voted on, or | post-tags:<postId> (its tag list,       |
 * |                    | one of its tags renamed, deleted or merged (0018)       | readers' votes on it, its tag options,  |
 * |                    |                                                         | page; not its comments, not the lists)  |
 * | all                | a user's name or bio changes (shown on every page)      | everything                              |
 */
export function applyChange(caches: Caches, message: string): void {
  const colon = message.indexOf(':');
  const kind = colon < 0 ? message : message.slice(0, colon);
  const id = colon < 0 ? '' : message.slice(colon + 1);
  switch (kind) {
    case 'all':
      for (const cache of everyCache(caches)) cache.flushAll();
      caches.addedComments.clear();
      return;
    case 'post':
      dropEverywhere(caches, [`post:${id}`, `comments:${id}`, ALL_POSTS_TAG, POST_TITLES_TAG, `segments:${id}`]);
      caches.addedComments.delete(id);
      return;
    case 'comments':
      // An edit, retraction, removal or deletion: the discussion is read whole again.
      dropEverywhere(caches, [message]);
      caches.addedComments.delete(id);
      return;
    case 'comment-added': {
      // "<post id>:<comment id>" (migration 0030): the post's trees and pages go, its kept discussion stays and
      // takes the comment in when next read, one row rather than every comment of the post again.
      const [postId = '', commentId = ''] = id.split(':');
      for (const cache of everyCache(caches)) if (cache !== caches.discussions) cache.invalidate(`comments:${postId}`);
      const added = caches.addedComments.get(postId) ?? new Set<string>();
      keepRecent(caches.addedComments, postId, added.add(commentId), ADDED_COMMENTS_KEPT);
      return;
    }
    case 'post-counts':
      dropEverywhere(caches, [`post:${id}`]);
      caches.refreshListsSoon();
      return;
    case 'lists':
      caches.refreshListsSoon();
      return;
    case 'comment-score': {
      // "<post id>:<comment id>:<base>:<agreement>:<votes>:<agreement votes>" (migration 0025). The new scores
      // go into the post's cached scores, which every view fills in; the pages showing them are dropped. The
      // rendered tree stays: its order may follow scores, and is brought up to date when it is next rendered
      // (a new comment, an edit, or PAGE_CACHE_TTL_MS). Rendering a long thread again on every vote, and then
      // reading all its scores again, cost more than anything else on a busy forum.
      const [postId = '', commentId = '', base, agreement, votes, agreementVotes] = id.split(':');
      const tag = commentScoresTag(postId);
      caches.fragments.revise(tag, tag, (scores) => {
        if (!(scores instanceof Map)) return;
        reviseCommentScores(scores, commentId, {
          baseScore: Number(base),
          agreementScore: Number(agreement),
          voteCount: Number(votes),
          agreementVoteCount: Number(agreementVotes),
        });
      });
      caches.pages.invalidate(tag);
      caches.readerPages.invalidate(tag);
      return;
    }
    case 'tag':
      // A tag's page and feed carry "tag:<id>"; /tags, which shows every tag's name and count, carries "tags".
      dropEverywhere(caches, [message, 'tags']);
      return;
    case 'reader':
      // One per reader in each batch of visits (posts/visits.ts): it only touches the reader's own parts and pages.
      caches.fragments.invalidate(message);
      caches.readerPages.invalidate(message);
      return;
    case 'voter':
      // The reader's votes kept with post pages (posts/page.tsx); the pages showing a vote follow other messages.
      caches.fragments.invalidate(message);
      return;
    default:
      dropEverywhere(caches, [message]);
  }
}

function dropEverywhere(caches: Caches, tags: string[]): void {
  for (const cache of everyCache(caches)) for (const tag of tags) cache.invalidate(tag);
}

/** Each cache's lookups, hits, entries and bytes so far (printed on SIGUSR2, read by the benchmark). */
export function cacheStats(
  caches: Caches,
): Record<string, { hits: number; misses: number; entries: number; bytes: number }> {
  const named = {
    pages: caches.pages,
    readerPages: caches.readerPages,
    fragments: caches.fragments,
    commentTrees: caches.commentTrees,
    discussions: caches.discussions,
    commentSegments: caches.commentSegments,
    commentHeads: caches.commentHeads,
    sessions: caches.sessions,
  };
  return Object.fromEntries(
    Object.entries(named).map(([name, cache]) => [
      name,
      { hits: cache.hits, misses: cache.misses, entries: cache.size, bytes: cache.bytes },
    ]),
  );
}

function everyCache(caches: Caches): Pick<TaggedCache<unknown>, 'sweep' | 'setActive' | 'invalidate' | 'flushAll'>[] {
  return [
    caches.pages,
    caches.readerPages,
    caches.fragments,
    caches.commentTrees,
    caches.discussions,
    caches.commentSegments,
    caches.commentHeads,
    caches.sessions,
  ];
}

/**
 * The caches configured for this process, kept in step with the database through the change feed (any
 * process's changes drop what they concern; while notifications may be missed, the caches are off); undefined
 * when caching is off.
 */
export function startCaches(config: Config, feed: ChangeFeed): { caches: Caches; stop: () => void } | undefined {
  const ttlMs = config.pageCacheTtlMs;
  if (ttlMs <= 0) return undefined;
  /** Sessions that wrote and whose changes this process has not heard of yet, with how many such writes. */
  const writers = new Map<string, number>();
  let listRefresh: NodeJS.Timeout | undefined;
  const shared = new ByteBudget(config.cacheMaxBytes);
  // Each cache's share of CACHE_MAX_MB, which it may pass while others leave theirs unused (budget.ts).
  const budget = (share: keyof typeof BUDGET_SHARES) => ({
    maxWeight: Math.floor(config.cacheMaxBytes * BUDGET_SHARES[share]),
    budget: shared,
  });
  const caches: Caches = {
    pages: new PageCache({ ttlMs, maxEntries: config.pageCacheMaxEntries, ...budget('pages') }),
    readerPages: new PageCache({ ttlMs, maxEntries: MAX_READER_PAGES, ...budget('readerPages') }),
    fragments: new TaggedCache<unknown>({
      ttlMs,
      maxEntries: MAX_FRAGMENTS,
      ...budget('fragments'),
      weigh: (value) => approximateBytes(value),
    }),
    // Weighed by what each keeps alive (its rendering and its comments' outlines, SharedCommentTree.bytes).
    commentTrees: new TaggedCache<SharedCommentTree>({
      ttlMs,
      maxEntries: MAX_FRAGMENTS,
      ...budget('commentTrees'),
      weigh: (tree) => tree.bytes,
    }),
    discussions: new TaggedCache<CommentsOfPost>({
      ttlMs,
      maxEntries: MAX_FRAGMENTS,
      ...budget('discussions'),
      weigh: commentsOfPostBytes,
    }),
    commentSegments: new TaggedCache<DeflatedPiece>({
      ttlMs,
      maxEntries: MAX_SEGMENTS,
      ...budget('commentSegments'),
      weigh: (piece) => piece.deflated.byteLength + SEGMENT_OVERHEAD,
    }),
    commentHeads: new TaggedCache<CommentHeads>({
      ttlMs,
      maxEntries: MAX_FRAGMENTS,
      ...budget('commentHeads'),
      weigh: commentHeadsBytes,
    }),
    addedComments: new Map(),
    sessions: new TaggedCache<SessionUser>({
      ttlMs,
      maxEntries: MAX_SESSIONS,
      ...budget('sessions'),
      weigh: () => SESSION_BYTES,
    }),
    settle: () => feed.settle(),
    markWriter: (sessionHash) => {
      writers.set(sessionHash, (writers.get(sessionHash) ?? 0) + 1);
      void feed.settle().then(() => {
        const left = (writers.get(sessionHash) ?? 1) - 1;
        if (left > 0) writers.set(sessionHash, left);
        else writers.delete(sessionHash);
      });
    },
    writerPending: (sessionHash) => writers.has(sessionHash),
    refreshListsSoon: () => {
      if (listRefresh) return;
      listRefresh = setTimeout(() => {
        listRefresh = undefined;
        dropEverywhere(caches, [ALL_POSTS_TAG]);
      }, config.listRefreshMs);
      listRefresh.unref();
    },
  };
  feed.subscribe({
    onChange: (message) => applyChange(caches, message),
    onReset: (listening) => {
      caches.addedComments.clear();
      for (const cache of everyCache(caches)) cache.setActive(listening);
    },
  });

  const sweeper = setInterval(
    () => {
      for (const cache of everyCache(caches)) cache.sweep();
    },
    Math.min(SWEEP_INTERVAL_MS, ttlMs),
  );
  sweeper.unref();

  return {
    caches,
    stop: () => {
      clearInterval(sweeper);
      clearTimeout(listRefresh);
    },
  };
}
