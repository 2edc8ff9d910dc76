import { parseArgs } from 'node:util';
import type { Sizes } from './model.js';
import { defaultTagCount } from './plan-tags.js';

export const USAGE = `Usage: npm run bench:data -- [options]

Generates a realistic forum and loads it into PostgreSQL (--database-url or DATABASE_URL) or, without a URL,
into PGlite in DATA_DIR (small sizes). Migrations are applied first. Everything loads in one transaction.

  --users N          users (default: posts / 5)
  --posts N          posts (default: 2,000)
  --comments N       comments (default: 20 per post)
  --votes N          votes users cast on others' posts and comments (default: 2.5 per comment);
                     each post and comment also carries its author's own upvote
  --sequences N      sequences (default: one per 500 posts, at most 200)
  --tags N           tags, Zipf-distributed over the posts, 0–5 per post, with relevance votes
                     (default: one per 20 posts, at most 500)
  --seed N           seed of the generator: the same seed gives the same forum shape (default: 1)
  --database-url URL PostgreSQL to load into (default: DATABASE_URL; neither: PGlite in DATA_DIR)
  --append           add to a database that already has content (refused otherwise)
  --only-tags        add tags (and their links and votes) to the posts already in the database, planned from
                     --seed; refused if it has tags. Takes --tags, --seed and --database-url only
  --help             show this help

Example: npm run bench:data -- --users 20000 --posts 100000 --comments 2000000 --votes 5000000
         npm run bench:data -- --only-tags   (tags for a forum loaded before tags existed)`;

/** A mistake in the command line; the message says what to change. */
export class UsageError extends Error {}

export interface BenchDataOptions {
  sizes: Sizes;
  seed: number;
  append: boolean;
  /** Add tags to the posts already there instead of generating a forum (sizes other than tags unused). */
  onlyTags: boolean;
  databaseUrl: string | undefined;
  help: boolean;
}

const LIMITS: Required<Sizes> = {
  users: 10_000_000,
  posts: 10_000_000,
  comments: 50_000_000,
  votes: 100_000_000,
  sequences: 1_000_000,
  tags: 100_000,
};
const SIZE_OPTIONS = ['users', 'posts', 'comments', 'votes', 'sequences', 'tags', 'seed'] as const;
/** What --only-tags leaves as it is: the forum already in the database. */
const FORUM_OPTIONS = ['users', 'posts', 'comments', 'votes', 'sequences', 'append'] as const;
const MAX_SEED = 4_294_967_295;
/** Votes may fill at most this share of the distinct (voter, target, axis) slots, so they still spread out. */
const MAX_VOTE_FILL = 0.5;

const count = (n: number) => n.toLocaleString('en');
const counted = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;

function wholeNumber(name: string, raw: string, max: number): number {
  const text = raw.trim();
  if (!/^[0-9][0-9_,]*$/.test(text)) {
    throw new UsageError(
      text.startsWith('-') && /^-[0-9]/.test(text)
        ? `--${name} cannot be negative (got ${text}).`
        : `--${name} must be a whole number (got "${raw}").`,
    );
  }
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value > max) {
    throw new UsageError(`--${name} is too large: at most ${count(max)} (got ${raw}).`);
  }
  return value;
}

/** `--users -5` would read as an option: glue a negative-looking value to its option so it is reported. */
function glueNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const isValueOption = SIZE_OPTIONS.some((o) => arg === `--${o}`);
    if (isValueOption && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Parses and checks the command line; throws UsageError with a message naming the option to fix. */
export function parseBenchDataArgs(argv: string[]): BenchDataOptions {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: glueNegativeValues(argv),
      allowPositionals: true,
      options: {
        users: { type: 'string' },
        posts: { type: 'string' },
        comments: { type: 'string' },
        votes: { type: 'string' },
        sequences: { type: 'string' },
        tags: { type: 'string' },
        seed: { type: 'string' },
        'database-url': { type: 'string' },
        append: { type: 'boolean' },
        'only-tags': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    throw new UsageError(unknown ? `Unknown option ${unknown[1]}.` : (error as Error).message);
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const onlyTags = values['only-tags'] === true;
  const forumOption = FORUM_OPTIONS.find((name) => values[name] !== undefined);
  if (onlyTags && forumOption) {
    throw new UsageError(
      `--only-tags adds tags to the forum already in the database; --${forumOption} does not apply to it.`,
    );
  }
  const given = (name: keyof Sizes) =>
    typeof values[name] === 'string' ? wholeNumber(name, values[name] as string, LIMITS[name]) : undefined;
  const posts = given('posts') ?? 2_000;
  const comments = given('comments') ?? posts * 20;
  const sizes: Sizes = {
    posts,
    users: given('users') ?? Math.max(10, Math.round(posts / 5)),
    comments,
    votes: given('votes') ?? Math.round(comments * 2.5),
    sequences: given('sequences') ?? Math.min(200, Math.floor(posts / 500)),
  };
  // --only-tags counts the posts in the database for its default.
  const tags = given('tags') ?? (onlyTags ? undefined : defaultTagCount(posts));
  if (tags !== undefined) sizes.tags = tags;
  checkSizes(sizes);
  const seed = typeof values.seed === 'string' ? wholeNumber('seed', values.seed, MAX_SEED) : 1;
  const databaseUrl = values['database-url'] as string | undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new UsageError(`--database-url must be a postgres:// or postgresql:// URL (got "${databaseUrl}").`);
  }
  return { sizes, seed, append: values.append === true, onlyTags, databaseUrl, help: values.help === true };
}

/** The combinations that cannot make a forum. */
function checkSizes(sizes: Sizes): void {
  const { users, posts, comments, votes, sequences } = sizes;
  if (users < 1) throw new UsageError('--users must be at least 1: every post and comment needs an author.');
  if (comments > 0 && posts === 0) {
    throw new UsageError(`--comments ${count(comments)} needs posts to comment on: give --posts 1 or more.`);
  }
  if (sequences > posts) {
    throw new UsageError(
      `--sequences ${count(sequences)} is more than --posts ${count(posts)}: a sequence is made of posts.`,
    );
  }
  if (votes > 0 && posts === 0) throw new UsageError('--votes needs posts or comments to vote on: give --posts.');
  if (votes > 0 && users < 2) {
    throw new UsageError('--votes needs at least 2 users: nobody votes on their own posts and comments.');
  }
  const room = Math.floor((users - 1) * (posts + 2 * comments) * MAX_VOTE_FILL);
  if (votes > room) {
    throw new UsageError(
      `--votes ${count(votes)} is too many: each user votes at most once per post (and per comment and axis), ` +
        `so ${counted(users, 'user')}, ${counted(posts, 'post')} and ${counted(comments, 'comment')} take at most ` +
        `${count(room)} votes here. Raise --users or lower --votes.`,
    );
  }
}
