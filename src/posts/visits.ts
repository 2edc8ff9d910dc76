import type { Database } from '../db/database.js';

/**
 * How long a logged-in reader's visit to a post waits in the process before it is written, with every other
 * visit of that while, in one statement. Writing each page view at once was the busiest statement on a busy
 * thread: a row lock, a WAL record and a NOTIFY (whose commits PostgreSQL serializes) per view.
 */
export const VISIT_FLUSH_MS = 1_000;
/** Visits held at most before they are written whatever the time (a burst of readers). */
const MAX_PENDING = 5_000;

interface PendingVisit {
  userId: string;
  postId: string;
  at: Date;
}

/**
 * The visits (post_visits, behind "new since your last visit", the frontpage's "(N new)" marks and sequences'
 * progress) this process has recorded and not yet written. A page that reads a reader's visits from the
 * database first writes theirs (`settle`), so a reader always sees their own; other processes see them within
 * VISIT_FLUSH_MS (the write's NOTIFY "reader:<id>" drops what they cached of that reader). A visit time lost in a
 * crash is harmless: the reader sees some comments marked new again.
 */
export class VisitLog {
  private pending = new Map<string, PendingVisit>();
  private readers = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * Records that the reader opened the post now, and returns their visit before it that is waiting here to be
   * written (newer than what the database holds), if any. Call it after reading the visit from the database:
   * a write in between would make this visit look like the previous one.
   */
  record(userId: string, postId: string, at = new Date()): Date | undefined {
    const key = `${userId}\0${postId}`;
    const before = this.pending.get(key);
    if (!before) this.readers.set(userId, (this.readers.get(userId) ?? 0) + 1);
    this.pending.set(key, { userId, postId, at });
    if (this.pending.size >= MAX_PENDING) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), VISIT_FLUSH_MS).unref();
    return before?.at;
  }

  /** Writes this reader's waiting visits (with everyone else's) before a page reads their visits. */
  async settle(userId: string): Promise<void> {
    if (this.readers.has(userId)) await this.flush();
    else await this.writing;
  }

  /** Writes every waiting visit in one statement (visits of posts or members deleted meanwhile are dropped). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.readers = new Map();
    if (batch.length === 0) return this.writing;
    // Rows locked in one order, so two processes writing at once cannot deadlock.
    batch.sort((a, b) => (a.userId === b.userId ? cmp(a.postId, b.postId) : cmp(a.userId, b.userId)));
    const write = async () => {
      try {
        await this.db.transaction(async (tx) => {
          await tx.query(`SELECT set_config('synchronous_commit', 'off', true)`);
          await tx.query(
            `INSERT INTO post_visits (user_id, post_id, last_visited_at)
             SELECT v.user_id, v.post_id, v.at
               FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS v (user_id, post_id, at, n)
              WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = v.user_id)
                AND EXISTS (SELECT 1 FROM posts p WHERE p.id = v.post_id)
              ORDER BY v.n
             ON CONFLICT (user_id, post_id)
             DO UPDATE SET last_visited_at = greatest(post_visits.last_visited_at, EXCLUDED.last_visited_at)`,
            [batch.map((v) => v.userId), batch.map((v) => v.postId), batch.map((v) => v.at)],
          );
        });
      } catch (err) {
        this.onError(err);
      }
    };
    // One write at a time, in order: a later batch never lands before an earlier one.
    this.writing = this.writing.then(write);
    return this.writing;
  }

  /** Writes what is waiting and stops (shutdown). */
  stop(): Promise<void> {
    return this.flush();
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const logs = new WeakMap<Database, VisitLog>();

/** The process's visit log for this database. */
export function visitLog(db: Database, onError: (err: unknown) => void = () => {}): VisitLog {
  let log = logs.get(db);
  if (!log) {
    log = new VisitLog(db, onError);
    logs.set(db, log);
  }
  return log;
}
