import { slugify } from '../content/slug.js';
import { TAGGING_KARMA } from '../policy/policy.js';
import { votePower } from '../votes/power.js';
import { AliasTable, zipfWeights } from './distribution.js';
import { EMPTY_BODY, type PoolRange, type TagsPlan } from './model.js';
import { Random } from './random.js';
import { tagNames } from './text.js';

const DAY_MS = 86_400_000;
/** ~500 tags on a large forum; a small one gets one tag per POSTS_PER_TAG posts. */
const DEFAULT_MAX_TAGS = 500;
const POSTS_PER_TAG = 20;
/** Share of posts carrying 0, 1, … 5 tags (a post carries at most 5). */
const TAGS_PER_POST_SHARES = [0.12, 0.25, 0.27, 0.18, 0.11, 0.07];
/** Tag popularity by rank: 1 / (rank + offset) ^ exponent, so a few tags sit on thousands of posts, most on few. */
const TAG_ZIPF_EXPONENT = 1.4;
const TAG_ZIPF_OFFSET = 3;
/** Most tags are picked by the post's author in the editor; the rest added later by members with enough karma. */
const AUTHOR_APPLIES_SHARE = 0.7;
/** Relevance votes besides the applier's own, on average per link. */
const EXTRA_VOTES_MEAN = 1.2;
/** Links readers dispute: more votes, mostly down, so some end below 0 (hidden from the tag page). */
const DISPUTED_SHARE = 0.06;
const DISPUTED_DOWN_SHARE = 0.7;
const DOWN_SHARE = 0.05;
const STRONG_SHARE = 0.08;
const MAX_SLUG_LENGTH = 80;
/** Tag names and tag plans draw from generators of their own, so a seed's forum without tags stays as it was. */
const TAG_NAMES_SALT = 0x7a65_11a5;
export const TAGS_SALT = 0x7a65_0001;

export function defaultTagCount(posts: number): number {
  return Math.min(DEFAULT_MAX_TAGS, Math.ceil(posts / POSTS_PER_TAG));
}

/** Lowercase ASCII words joined by hyphens, as the tag pages address tags. */
export function tagSlug(name: string): string {
  return slugify(name, { ascii: true, maxLength: MAX_SLUG_LENGTH, fallback: 'tag' });
}

/** The names of a seed's tags (known before planning, so their descriptions render meanwhile), none in `taken`. */
export function planTagNames(seed: number, count: number, taken: Set<string> = new Set()): string[] {
  return tagNames(new Random(seed ^ TAG_NAMES_SALT), count, taken, tagSlug);
}

/** What tagging needs of the posts: a generated forum's plan, or the posts of a database read back. */
export interface TaggablePosts {
  count: number;
  author: Int32Array;
  createdAt: Float64Array;
  /** NaN: a draft. */
  publishedAt: Float64Array;
  /** NaN: not deleted. */
  deletedAt: Float64Array;
}

export interface TaggingUsers {
  count: number;
  karma: Int32Array;
  /** When each signed up, for users read back from a database; a planned forum dates signups after the fact. */
  createdAt?: Float64Array;
}

export interface TagPlanInput {
  names: string[];
  /** The pool range of the tags' descriptions, one per tag in name order. */
  bodies: PoolRange;
  start: number;
  now: number;
}

/** Users with TAGGING_KARMA, weighted towards the most active; undefined when nobody has it. */
function taggers(users: TaggingUsers): { table: AliasTable; users: Int32Array } | undefined {
  const eligible: number[] = [];
  for (let u = 0; u < users.count; u++) if (users.karma[u]! >= TAGGING_KARMA) eligible.push(u);
  if (eligible.length === 0) return undefined;
  return { table: new AliasTable(eligible.map((u) => Math.sqrt(users.karma[u]!))), users: Int32Array.from(eligible) };
}

function tagsOnPost(random: Random): number {
  let r = random.float();
  for (let k = 0; k < TAGS_PER_POST_SHARES.length; k++) {
    r -= TAGS_PER_POST_SHARES[k]!;
    if (r < 0) return k;
  }
  return TAGS_PER_POST_SHARES.length - 1;
}

/** A time after `from`, `mean` later on average, never past `until`. */
function later(random: Random, from: number, mean: number, until: number): number {
  const at = from + random.exponential(mean);
  return at <= until ? at : from + random.float() * Math.max(0, until - from);
}

/**
 * Tags and their use: each post gets 0–5 distinct tags drawn by a Zipf popularity (tag 0 the most used), applied
 * mostly by its author when writing it, otherwise later by a member with TAGGING_KARMA. Every link carries its
 * applier's relevance vote and a few readers' votes, with powers from the voters' karma; relevance and vote
 * counts are their sums, and each tag's post count counts its links at relevance >= 0 to published, undeleted
 * posts. A tag is created by the first member with TAGGING_KARMA to use it, shortly before.
 */
export function planTags(
  random: Random,
  ids: Random,
  posts: TaggablePosts,
  users: TaggingUsers,
  input: TagPlanInput,
): TagsPlan {
  const { names, start, now } = input;
  const n = names.length;
  const signup = (u: number) => users.createdAt?.[u] ?? Number.NEGATIVE_INFINITY;
  const links = { post: [] as number[], tag: [] as number[], appliedBy: [] as number[], at: [] as number[] };
  const others = taggers(users);
  if (n > 0) {
    const popularity = new AliasTable(zipfWeights(n, TAG_ZIPF_EXPONENT, TAG_ZIPF_OFFSET));
    const chosen: number[] = [];
    for (let p = 0; p < posts.count; p++) {
      const k = Math.min(n, tagsOnPost(random));
      chosen.length = 0;
      for (let tries = 0; chosen.length < k; tries++) {
        let t = popularity.sample(random);
        // Small forums run out of distinct popular tags: take the next unused one.
        if (tries > 20) while (chosen.includes(t)) t = (t + 1) % n;
        if (!chosen.includes(t)) chosen.push(t);
      }
      const written = Number.isNaN(posts.publishedAt[p]!) ? posts.createdAt[p]! : posts.publishedAt[p]!;
      const until = Number.isNaN(posts.deletedAt[p]!) ? now : Math.max(written, posts.deletedAt[p]!);
      for (const t of chosen) {
        const byAuthor = !others || random.chance(AUTHOR_APPLIES_SHARE);
        const applier = byAuthor ? posts.author[p]! : others.users[others.table.sample(random)]!;
        const at = byAuthor ? written : later(random, written, 3 * DAY_MS, until);
        links.post.push(p);
        links.tag.push(t);
        links.appliedBy.push(applier);
        links.at.push(Math.min(now, Math.max(at, signup(applier))));
      }
    }
  }

  // Each tag was created by the first member with TAGGING_KARMA who used it (else one drawn), a little before.
  const firstLink = new Int32Array(n).fill(-1);
  for (let l = 0; l < links.post.length; l++) {
    const t = links.tag[l]!;
    if (firstLink[t]! < 0 || links.at[l]! < links.at[firstLink[t]!]!) firstLink[t] = l;
  }
  let mostKarma = 0;
  for (let u = 1; u < users.count; u++) if (users.karma[u]! > users.karma[mostKarma]!) mostKarma = u;
  const tags: TagsPlan = {
    count: n,
    ids: [],
    names,
    slugs: names.map(tagSlug),
    body: new Int32Array(n).fill(EMPTY_BODY),
    creator: new Int32Array(n),
    createdAt: new Float64Array(n),
    postCount: new Int32Array(n),
    links: emptyLinks(0),
    votes: {
      count: 0,
      link: new Int32Array(0),
      voter: new Int32Array(0),
      power: new Int8Array(0),
      strong: new Uint8Array(0),
      at: new Float64Array(0),
    },
  };
  for (let t = 0; t < n; t++) {
    tags.ids.push(ids.id());
    if (t < input.bodies.size) tags.body[t] = input.bodies.start + t;
    const first = firstLink[t]!;
    const firstUser = first >= 0 ? links.appliedBy[first]! : -1;
    const creator =
      firstUser >= 0 && users.karma[firstUser]! >= TAGGING_KARMA
        ? firstUser
        : others
          ? others.users[others.table.sample(random)]!
          : mostKarma;
    tags.creator[t] = creator;
    const wanted =
      first >= 0 ? links.at[first]! - random.exponential(2 * DAY_MS) : start + random.float() * (now - start);
    tags.createdAt[t] = Math.min(now, Math.max(wanted, start, signup(creator)));
  }

  const count = links.post.length;
  tags.links = emptyLinks(count);
  const votes = {
    link: [] as number[],
    voter: [] as number[],
    power: [] as number[],
    strong: [] as number[],
    at: [] as number[],
  };
  const votersOfLink: number[] = [];
  const voterTable =
    users.count > 1 ? new AliasTable(Array.from(users.karma, (k) => Math.log(2 + Math.max(0, k)))) : undefined;
  for (let l = 0; l < count; l++) {
    const t = links.tag[l]!;
    const applier = links.appliedBy[l]!;
    // A tag is applied after it exists.
    const at = Math.max(links.at[l]!, tags.createdAt[t]!);
    tags.links.post[l] = links.post[l]!;
    tags.links.tag[l] = t;
    tags.links.appliedBy[l] = applier;
    tags.links.at[l] = at;
    // The applier's own vote counts from the start (the schema's rule), at normal strength.
    let relevance = votePower(users.karma[applier]!, 'normal');
    votes.link.push(l);
    votes.voter.push(applier);
    votes.power.push(relevance);
    votes.strong.push(0);
    votes.at.push(at);
    votersOfLink.length = 0;
    votersOfLink.push(applier);
    const disputed = random.chance(DISPUTED_SHARE);
    const extra = random.geometric(1 / (1 + EXTRA_VOTES_MEAN)) + (disputed ? 2 : 0);
    for (let i = 0; voterTable && i < extra; i++) {
      const voter = voterTable.sample(random);
      if (votersOfLink.includes(voter)) continue;
      const votedAt = Math.max(later(random, at, 5 * DAY_MS, now), signup(voter));
      if (votedAt > now) continue;
      votersOfLink.push(voter);
      const strength = random.chance(STRONG_SHARE) ? 'strong' : 'normal';
      const down = random.chance(disputed ? DISPUTED_DOWN_SHARE : DOWN_SHARE);
      const power = votePower(users.karma[voter]!, strength) * (down ? -1 : 1);
      relevance += power;
      votes.link.push(l);
      votes.voter.push(voter);
      votes.power.push(power);
      votes.strong.push(strength === 'strong' ? 1 : 0);
      votes.at.push(votedAt);
    }
    tags.links.relevance[l] = relevance;
    tags.links.voteCount[l] = votersOfLink.length;
    const p = links.post[l]!;
    if (relevance >= 0 && !Number.isNaN(posts.publishedAt[p]!) && Number.isNaN(posts.deletedAt[p]!)) {
      tags.postCount[t] = tags.postCount[t]! + 1;
    }
  }
  tags.votes = {
    count: votes.link.length,
    link: Int32Array.from(votes.link),
    voter: Int32Array.from(votes.voter),
    power: Int8Array.from(votes.power),
    strong: Uint8Array.from(votes.strong),
    at: Float64Array.from(votes.at),
  };
  return tags;
}

function emptyLinks(count: number): TagsPlan['links'] {
  return {
    count,
    post: new Int32Array(count),
    tag: new Int32Array(count),
    relevance: new Int32Array(count),
    voteCount: new Int32Array(count),
    appliedBy: new Int32Array(count),
    at: new Float64Array(count),
  };
}

export interface TagStats {
  tags: number;
  links: number;
  hiddenLinks: number;
  votes: number;
  maxPostCount: number;
  medianPostCount: number;
  tagsOver1000: number;
  tagsUnder10: number;
}

export function tagStats(tags: TagsPlan): TagStats {
  const counts = Array.from(tags.postCount).sort((a, b) => a - b);
  let hidden = 0;
  for (let l = 0; l < tags.links.count; l++) if (tags.links.relevance[l]! < 0) hidden++;
  return {
    tags: tags.count,
    links: tags.links.count,
    hiddenLinks: hidden,
    votes: tags.votes.count,
    maxPostCount: counts.at(-1) ?? 0,
    medianPostCount: counts[Math.floor(counts.length / 2)] ?? 0,
    tagsOver1000: counts.filter((c) => c > 1_000).length,
    tagsUnder10: counts.filter((c) => c < 10).length,
  };
}
