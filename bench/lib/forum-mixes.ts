// The mixed workloads: a day of the forum's traffic, and a hot thread everyone is reading and answering.
import type { Connection, MixRequest } from './mix.js';
import { pick, weighted, zipf } from './mix.js';
import type { MixPost, MixTargets } from './mix-targets.js';
import type { Session } from './targets.js';

/** Readers who log in during the mixes (votes are rate-limited per reader, so there are many). */
export const MIX_READERS = 200;
/** Tries at finding a reader and a post where the reader has something of someone else's to vote on. */
const VOTE_TARGET_TRIES = 20;
/** The busiest posts of the forum day, whose page views are reported apart. */
const ZIPF_HEAD = 10;

type Choose = (connection: Connection) => MixRequest;

function page(label: string, path: string, session?: Session): MixRequest {
  return { kind: 'read', label, method: 'GET', path, ...(session ? { headers: { cookie: session.cookie } } : {}) };
}

/** Headers the site's script sends with a write: the session, its CSRF token, and our own origin. */
function writeHeaders(base: string, session: Session, contentType: string): Record<string, string> {
  return {
    accept: 'application/json',
    'content-type': contentType,
    cookie: session.cookie,
    'x-csrf-token': session.csrf,
    origin: base,
  };
}

/**
 * A vote by the reader on the post or one of its sampled comments, never on their own (403); undefined when all
 * of it is theirs. Posts take karma votes; comments karma or agreement.
 */
function voteOn(base: string, session: Session, post: MixPost): MixRequest | undefined {
  const comments = post.comments.filter((c) => c.authorId !== session.userId);
  const canVotePost = post.authorId !== session.userId;
  if (comments.length === 0 && !canVotePost) return undefined;
  const onPost = comments.length === 0 || (canVotePost && Math.random() < 0.25);
  const body = onPost
    ? {
        targetType: 'post',
        targetId: post.id,
        kind: weighted([
          [0.8, 'up'],
          [0.2, 'down'],
        ] as const),
      }
    : {
        targetType: 'comment',
        targetId: pick(comments).id,
        kind: weighted([
          [0.45, 'up'],
          [0.15, 'down'],
          [0.25, 'agree'],
          [0.15, 'disagree'],
        ] as const),
      };
  return {
    kind: 'write',
    label: 'vote',
    method: 'POST',
    path: '/api/votes',
    headers: writeHeaders(base, session, 'application/json'),
    body: JSON.stringify(body),
  };
}

/** A vote by some reader on some post drawn by `post` (a reader may have written everything on a post). */
function someVote(base: string, readers: Session[], post: () => MixPost): MixRequest {
  for (let i = 0; i < VOTE_TARGET_TRIES; i++) {
    const vote = voteOn(base, pick(readers), post());
    if (vote) return vote;
  }
  throw new Error('No reader found anything of anyone else to vote on: the dataset is too small for the mix.');
}

/** A top-level comment or (half the time, when there are comments) a reply, as the comment form's script posts it. */
function commentOn(base: string, session: Session, post: MixPost, connection: Connection): MixRequest {
  const parent = post.comments.length > 0 && Math.random() < 0.5 ? pick(post.comments) : undefined;
  const form = new URLSearchParams({
    body: `Benchmark comment ${connection.index}.${connection.sent}: does $x^2 \\ge 0$ hold here too?`,
    intent: 'submit',
    ...(parent ? { parentId: parent.id } : {}),
  });
  return {
    kind: 'write',
    label: parent ? 'reply' : 'comment',
    method: 'POST',
    path: `/posts/${post.id}/comments`,
    headers: writeHeaders(base, session, 'application/x-www-form-urlencoded'),
    body: form.toString(),
  };
}

/**
 * A day of traffic: 35 % anonymous pages, 50 % logged-in pages, 12 % votes, 3 % comments. Post pages, votes and
 * comments go to the most active posts, drawn Zipf-like (the busiest gets the most).
 */
export function forumDay(base: string, targets: MixTargets, readers: Session[]): Choose {
  const rank = zipf(targets.active.length);
  const post = () => targets.active[rank()]!;
  // The busiest threads are also the longest: their pages are counted apart from the rest.
  const postPage = (who: string, session?: Session) => {
    const r = rank();
    const label = `post page (${who}, ${r < ZIPF_HEAD ? `top ${ZIPF_HEAD}` : 'the rest'})`;
    return page(label, targets.active[r]!.path, session);
  };
  const other = () => pick(pick(targets.otherPages));
  return (connection) => {
    const reader = pick(readers);
    return weighted<() => MixRequest>([
      [10, () => page('frontpage (anonymous)', '/')],
      [20, () => postPage('anonymous')],
      [5, () => page('other page (anonymous)', other())],
      [10, () => page('frontpage (logged in)', '/', reader)],
      [35, () => postPage('logged in', reader)],
      [5, () => page('other page (logged in)', other(), reader)],
      [12, () => someVote(base, readers, post)],
      [3, () => commentOn(base, reader, post(), connection)],
    ])();
  };
}

/** One thread of ~200 comments: 90 % logged-in views of it, 7 % votes on it and its comments, 3 % comments. */
export function hotThread(base: string, targets: MixTargets, readers: Session[]): Choose {
  const thread = targets.hotThread;
  return (connection) => {
    const reader = pick(readers);
    return weighted<() => MixRequest>([
      [90, () => page('hot thread (logged in)', thread.path, reader)],
      [7, () => someVote(base, readers, () => thread)],
      [3, () => commentOn(base, reader, thread, connection)],
    ])();
  };
}

/**
 * The hot thread's views alone, by its 200 readers: what a view costs without the writes that make the thread
 * change under it (the hot thread mix less its 10 %).
 */
export function hotThreadViews(targets: MixTargets, readers: Session[]): Choose {
  const thread = targets.hotThread;
  return () => page('hot thread (logged in)', thread.path, pick(readers));
}
