import { describe, expect, it } from 'vitest';
import { isId } from '../../src/db/ids.js';
import { TAGGING_KARMA } from '../../src/policy/policy.js';
import { type ForumPlan, ON_AGREEMENT, ON_POST } from '../../src/synthetic/model.js';
import { planForum } from '../../src/synthetic/plan.js';
import { votePower } from '../../src/votes/power.js';

const sizes = { users: 300, posts: 1_500, comments: 30_000, votes: 80_000, sequences: 12 };
const now = new Date('2026-03-01T12:00:00Z');
const plan: ForumPlan = planForum(sizes, { seed: 11, now });
const { users, posts, comments, votes } = plan;

const authorOf = (v: number) =>
  votes.on[v] === ON_POST ? posts.author[votes.target[v]!]! : comments.author[votes.target[v]!]!;
const createdAtOf = (v: number) =>
  votes.on[v] === ON_POST ? posts.createdAt[votes.target[v]!]! : comments.createdAt[votes.target[v]!]!;

describe('a planned forum', () => {
  it('has the sizes asked for, ids in the app shape, each unique', () => {
    expect([users.count, posts.count, comments.count]).toEqual([sizes.users, sizes.posts, sizes.comments]);
    expect(votes.count).toBe(sizes.votes + sizes.posts + sizes.comments);
    expect(plan.sequences.count).toBe(sizes.sequences);
    const all = [...users.ids, ...posts.ids, ...comments.ids, ...plan.sequences.ids];
    expect(all.every(isId)).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(users.usernames.map((u) => u.toLowerCase())).size).toBe(users.count);
  });

  it('threads replies under earlier comments of the same post, after the post, before now', () => {
    const wrong: string[] = [];
    for (let c = 0; c < comments.count; c++) {
      const p = comments.post[c]!;
      const parent = comments.parent[c]!;
      const at = comments.createdAt[c]!;
      if (!posts.published[p] || at < posts.publishedAt[p]! || at > now.getTime()) wrong.push(`comment ${c} time`);
      if (parent >= 0 && (comments.post[parent] !== p || comments.createdAt[parent]! > at)) wrong.push(`reply ${c}`);
    }
    expect(wrong).toEqual([]);
    expect(comments.maxDepth).toBeGreaterThan(10);
  });

  it('casts one vote per voter, target and axis, never on the voter’s own content, after the target appeared', () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    for (let v = 0; v < votes.count; v++) {
      const key = `${votes.voter[v]}:${votes.on[v] === ON_POST ? 'p' : 'c'}:${votes.target[v]}:${votes.on[v] === ON_AGREEMENT ? 'a' : 'k'}`;
      if (seen.has(key)) wrong.push(`duplicate ${key}`);
      seen.add(key);
      if ((votes.voter[v] === authorOf(v)) !== v < votes.selfCount) wrong.push(`vote ${v} by the author`);
      if (votes.at[v]! < createdAtOf(v)) wrong.push(`vote ${v} before its target`);
      const power = Math.abs(votes.power[v]!);
      if (power < 1 || power > 16) wrong.push(`vote ${v} power ${votes.power[v]}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives every vote the power of its voter’s karma when it was cast, and karma is what others cast', () => {
    const karma = new Int32Array(users.count);
    const wrong: string[] = [];
    let previous = Number.NEGATIVE_INFINITY;
    for (const v of votes.order) {
      if (votes.at[v]! < previous - 1_000) wrong.push(`vote ${v} out of time order`);
      previous = votes.at[v]!;
      const own = v < votes.selfCount;
      const strength = votes.strong[v] ? 'strong' : 'normal';
      const expected = votePower(karma[votes.voter[v]!]!, strength);
      if (Math.abs(votes.power[v]!) !== expected || (own && votes.power[v]! < 0)) {
        wrong.push(`vote ${v} power ${votes.power[v]}, expected ${expected}`);
      }
      if (!own && votes.on[v] !== ON_AGREEMENT) karma[authorOf(v)] = karma[authorOf(v)]! + votes.power[v]!;
    }
    expect(wrong).toEqual([]);
    expect([...karma]).toEqual([...users.karma]);
  });

  it('keeps every stored counter equal to the rows it counts', () => {
    const score = new Int32Array(posts.count);
    const live = new Int32Array(posts.count);
    for (let v = 0; v < votes.count; v++) if (votes.on[v] === ON_POST) score[votes.target[v]!]! += votes.power[v]!;
    for (let c = 0; c < comments.count; c++) if (!comments.deleted[c]) live[comments.post[c]!]!++;
    expect([...score]).toEqual([...posts.baseScore]);
    expect([...live]).toEqual([...posts.commentCount]);
  });

  it('has users of high karma, as a real forum does', () => {
    expect(plan.stats.usersAbove1000).toBeGreaterThan(0);
    expect(plan.stats.maxKarma).toBeGreaterThan(1_000);
  });

  it('builds sequences from their author’s own published posts, in chapters', () => {
    const { sequences } = plan;
    expect(sequences.entries.count).toBeGreaterThan(sequences.count);
    for (let e = 0; e < sequences.entries.count; e++) {
      const s = sequences.entries.sequence[e]!;
      const p = sequences.entries.post[e]!;
      expect(posts.author[p]).toBe(sequences.author[s]);
      expect(posts.published[p]).toBe(1);
      expect(sequences.chapters.sequence[sequences.entries.chapter[e]!]).toBe(s);
    }
    const filled = new Set(sequences.entries.chapter);
    expect(sequences.chapters.count).toBeGreaterThan(sequences.count);
    expect(filled.size).toBe(sequences.chapters.count);
  });

  it('tags posts with 0–5 distinct tags each, a few tags on many posts and most on few', () => {
    const { tags } = plan;
    expect(tags.count).toBe(75);
    const perPost = new Map<number, number[]>();
    for (let l = 0; l < tags.links.count; l++) {
      perPost.set(tags.links.post[l]!, [...(perPost.get(tags.links.post[l]!) ?? []), tags.links.tag[l]!]);
    }
    const sizesOf = [...perPost.values()].map((list) => list.length);
    expect(Math.max(...sizesOf)).toBe(5);
    expect([...perPost.values()].every((list) => new Set(list).size === list.length)).toBe(true);
    expect(posts.count - perPost.size).toBeGreaterThan(posts.count * 0.05);
    const counts = Array.from(tags.postCount).sort((a, b) => b - a);
    const median = counts[Math.floor(counts.length / 2)]!;
    expect(counts[0]).toBeGreaterThan(10 * median);
    expect(counts.slice(0, 5).reduce((a, b) => a + b, 0)).toBeGreaterThan(tags.links.count * 0.25);
    expect(new Set(tags.names.map((n) => n.toLowerCase())).size).toBe(tags.count);
    expect(new Set(tags.slugs).size).toBe(tags.count);
    expect(tags.slugs.every((slug) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug))).toBe(true);
  });

  it('keeps tag counters equal to their links and votes, applied by the author or a member with karma', () => {
    const { tags } = plan;
    const { links, votes: tagVotes } = tags;
    const relevance = new Int32Array(links.count);
    const voteCount = new Int32Array(links.count);
    for (let v = 0; v < tagVotes.count; v++) {
      relevance[tagVotes.link[v]!]! += tagVotes.power[v]!;
      voteCount[tagVotes.link[v]!]!++;
    }
    expect([...relevance]).toEqual([...links.relevance]);
    expect([...voteCount]).toEqual([...links.voteCount]);
    const postCount = new Int32Array(tags.count);
    const wrong: string[] = [];
    for (let l = 0; l < links.count; l++) {
      const p = links.post[l]!;
      if (links.relevance[l]! >= 0 && posts.published[p] && Number.isNaN(posts.deletedAt[p]!)) {
        postCount[links.tag[l]!]!++;
      }
      const applier = links.appliedBy[l]!;
      if (applier !== posts.author[p] && users.karma[applier]! < TAGGING_KARMA) wrong.push(`link ${l} applier`);
      if (links.at[l]! < tags.createdAt[links.tag[l]!]! || links.at[l]! > now.getTime()) wrong.push(`link ${l} time`);
      if (links.at[l]! < users.createdAt[applier]!) wrong.push(`link ${l} before its applier signed up`);
    }
    expect(wrong).toEqual([]);
    expect([...postCount]).toEqual([...tags.postCount]);
    const below = links.relevance.filter((r) => r < 0).length;
    expect(below).toBeGreaterThan(0);
    expect(below).toBeLessThan(links.count * 0.1);
  });

  it('repeats its shape for a seed, with fresh ids', () => {
    const again = planForum(sizes, { seed: 11, now });
    expect(again.posts.commentCount).toEqual(posts.commentCount);
    expect(again.users.karma).toEqual(users.karma);
    expect(again.tags.names).toEqual(plan.tags.names);
    expect(again.tags.links.relevance).toEqual(plan.tags.links.relevance);
    expect(again.tags.postCount).toEqual(plan.tags.postCount);
    expect(again.posts.ids[0]).not.toBe(posts.ids[0]);
  });
});
