import { MAX_CHAPTERS_PER_SEQUENCE, MAX_POSTS_PER_SEQUENCE } from '../sequences/validation.js';
import { AliasTable } from './distribution.js';
import {
  type CommentsPlan,
  ON_POST,
  type PoolLayout,
  type PostsPlan,
  type SequencesPlan,
  type VisitsPlan,
  type VotesPlan,
} from './model.js';
import { poolBody } from './plan-content.js';
import type { Random } from './random.js';
import { chapterTitle, sequenceTitle } from './text.js';

const HOUR_MS = 3_600_000;
/** Readers of a sequence's first post who went on reading it through the sequence's pages. */
const READERS_PER_SEQUENCE = 40;

/**
 * Who opened which post and when (post_visits, behind "new comments since your last visit"): its author, everyone
 * who commented and everyone who voted on it, last seen a little after their last action there.
 */
export function planVisits(
  random: Random,
  users: number,
  posts: PostsPlan,
  comments: CommentsPlan,
  votes: VotesPlan,
  now: number,
): VisitsPlan {
  const voteStart = new Int32Array(posts.count + 1);
  for (let v = votes.selfCount; v < votes.count; v++) {
    if (votes.on[v] === ON_POST) voteStart[votes.target[v]! + 1] = voteStart[votes.target[v]! + 1]! + 1;
  }
  for (let p = 0; p < posts.count; p++) voteStart[p + 1] = voteStart[p + 1]! + voteStart[p]!;
  const postVotes = new Int32Array(voteStart[posts.count]!);
  const fill = voteStart.slice(0, posts.count);
  for (let v = votes.selfCount; v < votes.count; v++) {
    if (votes.on[v] !== ON_POST) continue;
    const t = votes.target[v]!;
    postVotes[fill[t]!] = v;
    fill[t] = fill[t]! + 1;
  }

  const bound = posts.count + comments.count + postVotes.length;
  const visits: VisitsPlan = {
    count: 0,
    user: new Int32Array(bound),
    post: new Int32Array(bound),
    at: new Float64Array(bound),
    visitStart: new Int32Array(posts.count + 1),
  };
  // Per user: the last post they were seen on and where that visit is, so each (user, post) is one visit.
  const seenOn = new Int32Array(users).fill(-1);
  const slot = new Int32Array(users);
  const seen = (post: number, user: number, at: number) => {
    if (seenOn[user] !== post) {
      seenOn[user] = post;
      slot[user] = visits.count;
      visits.user[visits.count] = user;
      visits.post[visits.count] = post;
      visits.at[visits.count] = at;
      visits.count++;
    } else if (at > visits.at[slot[user]!]!) {
      visits.at[slot[user]!] = at;
    }
  };
  for (let p = 0; p < posts.count; p++) {
    visits.visitStart[p] = visits.count;
    if (!posts.published[p]) continue;
    const from = visits.count;
    seen(p, posts.author[p]!, posts.publishedAt[p]!);
    for (let c = posts.commentStart[p]!; c < posts.commentStart[p + 1]!; c++) {
      seen(p, comments.author[c]!, comments.createdAt[c]!);
    }
    for (let i = voteStart[p]!; i < voteStart[p + 1]!; i++)
      seen(p, votes.voter[postVotes[i]!]!, votes.at[postVotes[i]!]!);
    for (let v = from; v < visits.count; v++) visits.at[v] = Math.min(now, visits.at[v]! + random.exponential(HOUR_MS));
  }
  visits.visitStart[posts.count] = visits.count;
  return visits;
}

/**
 * Sequences by prolific authors: each takes a run of its author's own published posts in publication order (what
 * the editor offers), split into titled chapters when long, or one untitled chapter. Readers of the first post
 * become the sequence's readers.
 */
export function planSequences(
  random: Random,
  ids: Random,
  count: number,
  posts: PostsPlan,
  visits: VisitsPlan,
  pool: PoolLayout,
): SequencesPlan {
  const byAuthor = new Map<number, number[]>();
  for (let p = 0; p < posts.count; p++) {
    if (!posts.published[p] || !Number.isNaN(posts.deletedAt[p]!)) continue;
    const list = byAuthor.get(posts.author[p]!) ?? [];
    list.push(p);
    byAuthor.set(posts.author[p]!, list);
  }
  const authors = [...byAuthor.keys()];
  for (const list of byAuthor.values()) list.sort((a, b) => posts.publishedAt[a]! - posts.publishedAt[b]!);
  const used = new Map<number, number>();
  const sequences: SequencesPlan = {
    count,
    ids: [],
    author: new Int32Array(count),
    titles: [],
    body: new Int32Array(count),
    createdAt: new Float64Array(count),
    updatedAt: new Float64Array(count),
    chapters: { count: 0, ids: [], sequence: new Int32Array(0), position: new Int32Array(0), titles: [] },
    entries: {
      count: 0,
      sequence: new Int32Array(0),
      post: new Int32Array(0),
      chapter: new Int32Array(0),
      position: new Int32Array(0),
      addedAt: new Float64Array(0),
    },
    reads: { count: 0, user: new Int32Array(0), sequence: new Int32Array(0), at: new Float64Array(0) },
  };
  const chapters = { sequence: [] as number[], position: [] as number[] };
  const entries = {
    sequence: [] as number[],
    post: [] as number[],
    chapter: [] as number[],
    position: [] as number[],
    addedAt: [] as number[],
  };
  const reads = { user: [] as number[], sequence: [] as number[], at: [] as number[] };
  const pickAuthor = authors.length > 0 ? new AliasTable(authors.map((a) => byAuthor.get(a)!.length)) : undefined;

  for (let s = 0; s < count; s++) {
    sequences.ids.push(ids.id());
    sequences.titles.push(sequenceTitle(random));
    sequences.body[s] = poolBody(random, pool.descriptions);
    const wanted = Math.min(
      MAX_POSTS_PER_SEQUENCE,
      random.between(3, 12) + (random.chance(0.2) ? random.between(10, 40) : 0),
    );
    // An author with unused posts, if a few tries find one; otherwise posts may appear in a second sequence.
    let author = -1;
    let list: number[] = [];
    for (let tries = 0; pickAuthor && tries < 20; tries++) {
      const candidate = authors[pickAuthor.sample(random)]!;
      const candidatePosts = byAuthor.get(candidate)!;
      if (author < 0 || candidatePosts.length - (used.get(candidate) ?? 0) > list.length - (used.get(author) ?? 0)) {
        author = candidate;
        list = candidatePosts;
      }
      if (list.length - (used.get(author) ?? 0) >= 2) break;
    }
    let from = used.get(author) ?? 0;
    if (from >= list.length) from = 0;
    const taken = list.slice(from, from + wanted);
    used.set(author, from + taken.length);
    sequences.author[s] = author >= 0 ? author : posts.author[0]!;
    const firstAt = taken.length > 0 ? posts.publishedAt[taken[0]!]! : posts.createdAt[0]!;
    const createdAt = firstAt - random.exponential(24 * HOUR_MS);
    sequences.createdAt[s] = createdAt;
    sequences.updatedAt[s] = taken.length > 0 ? posts.publishedAt[taken.at(-1)!]! : createdAt;

    const chapterCount =
      taken.length >= 6 && random.chance(0.5)
        ? Math.min(MAX_CHAPTERS_PER_SEQUENCE, random.between(2, Math.max(2, Math.min(6, Math.floor(taken.length / 3)))))
        : 1;
    const firstChapter = chapters.sequence.length;
    for (let c = 0; c < chapterCount; c++) {
      chapters.sequence.push(s);
      chapters.position.push(c);
      sequences.chapters.ids.push(ids.id());
      sequences.chapters.titles.push(chapterCount > 1 ? chapterTitle(random, c) : '');
    }
    // Posts split as evenly as they go over the chapters, none left empty.
    let position = 0;
    for (const [i, post] of taken.entries()) {
      const chapter = Math.floor((i * chapterCount) / taken.length);
      if (i > 0 && chapter !== Math.floor(((i - 1) * chapterCount) / taken.length)) position = 0;
      entries.sequence.push(s);
      entries.post.push(post);
      entries.chapter.push(firstChapter + chapter);
      entries.position.push(position++);
      entries.addedAt.push(Math.max(createdAt, posts.publishedAt[post]!));
    }
    if (taken.length > 0) {
      const first = taken[0]!;
      const end = Math.min(visits.visitStart[first + 1]!, visits.visitStart[first]! + READERS_PER_SEQUENCE);
      for (let v = visits.visitStart[first]!; v < end; v++) {
        reads.user.push(visits.user[v]!);
        reads.sequence.push(s);
        reads.at.push(visits.at[v]!);
      }
    }
  }
  sequences.chapters = {
    count: chapters.sequence.length,
    ids: sequences.chapters.ids,
    sequence: Int32Array.from(chapters.sequence),
    position: Int32Array.from(chapters.position),
    titles: sequences.chapters.titles,
  };
  sequences.entries = {
    count: entries.sequence.length,
    sequence: Int32Array.from(entries.sequence),
    post: Int32Array.from(entries.post),
    chapter: Int32Array.from(entries.chapter),
    position: Int32Array.from(entries.position),
    addedAt: Float64Array.from(entries.addedAt),
  };
  sequences.reads = {
    count: reads.user.length,
    user: Int32Array.from(reads.user),
    sequence: Int32Array.from(reads.sequence),
    at: Float64Array.from(reads.at),
  };
  return sequences;
}
