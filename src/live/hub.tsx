// Live updates over Server-Sent Events: an open post page hears of new comments, and a logged-in reader's header
// of their unread notifications. Nothing here polls: the process's one change feed (db/changes.ts) says which
// post gained a comment ("comment-added:<post id>:<comment id>") or whose user row changed ("user:<id>", which
// carries the unread count), and the hub reads what changed once per post or user, however many streams are
// open on it. Across instances the feed is PostgreSQL's LISTEN/NOTIFY; on PGlite the same feed works within the
// one process.
import type { Logger } from 'pino';
import type { SessionUser } from '../accounts/queries.js';
import { type CommentRow, commentsAddedSince } from '../comments/queries.js';
import { CommentItem, type ThreadContext } from '../comments/views.js';
import type { ChangeFeed } from '../db/changes.js';
import type { Queryable } from '../db/database.js';

/** Where a stream stands in a post's comments: the last one it was sent, by time and id (the SSE event id). */
export interface LiveCursor {
  at: Date;
  id: string;
}

/** One open event stream (one browser tab). */
export interface LiveStream {
  /** The logged-in reader, or null: their header's unread count, and which view of a comment they get. */
  user: SessionUser | null;
  /** The post page it is open on, if any, and the last of its comments sent. */
  postId?: string;
  since?: LiveCursor;
  /** The unread count last sent. */
  unread?: number;
  send(event: string, data: string, id?: string): void;
}

/** A comment's SSE event id: its time and id, so a reconnecting browser's Last-Event-ID says where it stopped. */
export function cursorId(cursor: LiveCursor): string {
  return `${cursor.at.getTime()}-${cursor.id}`;
}

export function parseCursor(value: string | undefined): LiveCursor | undefined {
  const match = value ? /^(\d{1,15})-([0-9A-Za-z]{17})$/.exec(value) : null;
  if (!match) return undefined;
  const at = new Date(Number(match[1]));
  return Number.isNaN(at.getTime()) ? undefined : { at, id: match[2]! };
}

const newestOfTree = new WeakMap<readonly CommentRow[], string>();

/**
 * Where a page's live stream starts: its newest comment (a post page sends it as `since`, so comments added
 * after the page was rendered, even cached, arrive as soon as the stream opens). Worked out once per tree.
 */
export function newestCursorId(comments: readonly CommentRow[]): string | undefined {
  const known = newestOfTree.get(comments);
  if (known !== undefined) return known || undefined;
  let newest: LiveCursor | undefined;
  for (const row of comments) {
    const cursor = { at: row.createdAt, id: row.id };
    if (!newest || after(cursor, newest)) newest = cursor;
  }
  const id = newest ? cursorId(newest) : '';
  newestOfTree.set(comments, id);
  return id || undefined;
}

function after(a: LiveCursor, b: LiveCursor): boolean {
  return a.at.getTime() > b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.id > b.id);
}

/** A stream's keep-alive comment, so proxies and browsers keep a quiet stream open. */
const HEARTBEAT_MS = 25_000;
/** New comments read at a time (a stream far behind is caught up in batches of this many). */
const CATCH_UP_LIMIT = 50;

interface PostStreams {
  post: { id: string; slug: string };
  streams: Set<LiveStream>;
  /** A read of the post's new comments is under way; `again` asks for one more after it. */
  reading: boolean;
  again: boolean;
}

export class LiveHub {
  private readonly posts = new Map<string, PostStreams>();
  private readonly users = new Map<string, Set<LiveStream>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly stopping = new Set<() => void>();

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
    feed: ChangeFeed | undefined,
  ) {
    feed?.subscribe({
      onChange: (message) => this.onChange(message),
      // Changes may have been missed while the feed was deaf: every open post and header catches up.
      onReset: (listening) => {
        if (!listening) return;
        for (const postId of this.posts.keys()) this.readPost(postId);
        for (const userId of this.users.keys()) void this.readUnread(userId);
      },
    });
    this.heartbeat = setInterval(() => {
      for (const stream of this.allStreams()) stream.send('', '');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /**
   * Starts hearing for a stream: new comments of its post after `since` (sent at once if any are newer already),
   * and its reader's unread count.
   */
  open(stream: LiveStream, post?: { id: string; slug: string }): () => void {
    if (post) {
      stream.postId = post.id;
      let entry = this.posts.get(post.id);
      if (!entry) {
        entry = { post: { id: post.id, slug: post.slug }, streams: new Set(), reading: false, again: false };
        this.posts.set(post.id, entry);
      }
      entry.streams.add(stream);
      if (stream.since) this.readPost(post.id);
    }
    if (stream.user) {
      const set = this.users.get(stream.user.id) ?? new Set();
      set.add(stream);
      this.users.set(stream.user.id, set);
      stream.unread = stream.user.unreadNotifications ?? 0;
    }
    return () => this.close(stream);
  }

  /** Calls `end` when the hub stops (the route ends its stream then); returns how to stop asking. */
  onStop(end: () => void): () => void {
    this.stopping.add(end);
    return () => this.stopping.delete(end);
  }

  /** Ends every stream (shutdown: open streams would keep the server from closing). */
  stop(): void {
    clearInterval(this.heartbeat);
    for (const end of this.stopping) end();
    this.stopping.clear();
    this.posts.clear();
    this.users.clear();
  }

  private close(stream: LiveStream): void {
    if (stream.postId) {
      const entry = this.posts.get(stream.postId);
      entry?.streams.delete(stream);
      if (entry && entry.streams.size === 0) this.posts.delete(stream.postId);
    }
    if (stream.user) {
      const set = this.users.get(stream.user.id);
      set?.delete(stream);
      if (set && set.size === 0) this.users.delete(stream.user.id);
    }
  }

  private *allStreams(): Iterable<LiveStream> {
    for (const entry of this.posts.values()) yield* entry.streams;
    for (const set of this.users.values()) yield* set;
  }

  private onChange(message: string): void {
    const colon = message.indexOf(':');
    if (colon < 0) return;
    const kind = message.slice(0, colon);
    const id = message.slice(colon + 1);
    // A new comment announces itself with its post ("comment-added:<post id>:<comment id>", migration 0030); an
    // edit or deletion as "comments:<post id>" (the hub sends only new comments, and reading finds none then).
    const postId = kind === 'comment-added' ? id.slice(0, id.indexOf(':')) : kind === 'comments' ? id : undefined;
    if (postId !== undefined && this.posts.has(postId)) this.readPost(postId);
    else if (kind === 'user' && this.users.has(id)) void this.readUnread(id);
  }

  /** Reads the post's comments newer than its streams' oldest cursor, once, and sends each stream its new ones. */
  private readPost(postId: string): void {
    const entry = this.posts.get(postId);
    if (!entry) return;
    if (entry.reading) {
      entry.again = true;
      return;
    }
    entry.reading = true;
    void this.sendNewComments(entry)
      .catch((error: unknown) => this.logger.warn({ err: error, postId }, 'live comments could not be read'))
      .finally(() => {
        entry.reading = false;
        if (entry.again) {
          entry.again = false;
          this.readPost(postId);
        }
      });
  }

  private async sendNewComments(entry: PostStreams): Promise<void> {
    const streams = [...entry.streams];
    const oldest = streams.reduce<LiveCursor | undefined>(
      (min, s) => (!s.since ? min : !min || after(min, s.since) ? s.since : min),
      undefined,
    );
    // A stream opened without a cursor starts from now: the comments it has not seen are those from here on.
    const since = oldest ?? { at: new Date(Date.now() - 1_000), id: '' };
    const rows = await commentsAddedSince(this.db, entry.post.id, since, CATCH_UP_LIMIT);
    if (rows.length === 0) return;
    // A full batch may not be all: read on from where it stops once it is sent.
    if (rows.length === CATCH_UP_LIMIT) entry.again = true;
    // Each comment is rendered at most twice, as every logged-in reader and as a logged-out one sees it.
    const member = streams.find((stream) => stream.user)?.user ?? null;
    const anyone = member && { ...member, id: '', role: 'member' as const };
    const views = new Map<string, string>();
    const view = (row: CommentRow, reader: SessionUser | null) => {
      const key = `${reader ? 'm' : 'a'}${row.id}`;
      let html = views.get(key);
      if (html === undefined) {
        html = renderLiveComment(row, entry.post, reader);
        views.set(key, html);
      }
      return html;
    };
    for (const stream of streams) {
      const from = stream.since ?? since;
      for (const row of rows) {
        const cursor = { at: row.createdAt, id: row.id };
        if (!after(cursor, from)) continue;
        // Their own comment is already on their page (the comment form's script put it there).
        if (row.authorId !== stream.user?.id) {
          const data = JSON.stringify({
            id: row.id,
            parentId: row.parentId,
            html: view(row, stream.user ? anyone : null),
          });
          stream.send('comment', data, cursorId(cursor));
        }
        stream.since = cursor;
      }
    }
  }

  private async readUnread(userId: string): Promise<void> {
    try {
      const rows = await this.db.query<{ unread: number }>(
        'SELECT unread_notification_count AS unread FROM users WHERE id = $1',
        [userId],
      );
      const unread = rows[0]?.unread ?? 0;
      for (const stream of this.users.get(userId) ?? []) {
        if (stream.unread === unread) continue;
        stream.unread = unread;
        stream.send('unread', JSON.stringify({ unread }));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'live unread count could not be read');
    }
  }
}

/**
 * A new comment as the page would show it, marked new: for a logged-in reader with the vote controls every
 * reader has (`anyone`: no id, so none of its own controls; they come with the next page load), for a logged-out
 * one without.
 */
function renderLiveComment(row: CommentRow, post: { id: string; slug: string }, anyone: SessionUser | null): string {
  const ctx: ThreadContext = { post, user: anyone, csrfToken: '', newSince: new Date(0) };
  return String(<CommentItem node={{ comment: row, replies: [], descendantCount: 0 }} depth={0} ctx={ctx} />);
}
