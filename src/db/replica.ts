import type { Database } from './database.js';

/**
 * Routes logged-out page reads to a read replica while it has caught up with every change this process has
 * heard of. A change notification (delivered after commit) makes us ask the primary for its WAL position;
 * until the replica has replayed that far, reads stay on the primary, so a page rendered (and cached) right
 * after a change never shows the replica's older state.
 */
export class ReplicaRouter {
  private required: string | null = null;
  private pending = 0;
  private freshFor: string | null | undefined;
  /** Numbers of the newest change whose position was found, and of the newest whose position could not be. */
  private changes = 0;
  private located = 0;
  private unlocated = 0;

  constructor(
    private readonly primary: Database,
    readonly replica: Database,
  ) {}

  /** Call on every change notification. */
  noteChange(): void {
    const change = ++this.changes;
    this.pending++;
    this.freshFor = undefined;
    this.primary
      .query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')
      .then(([row]) => {
        if (!row) throw new Error('no WAL position');
        // Answers can arrive out of order: the position required is the furthest one seen, never an older one.
        this.required = laterLsn(this.required, row.lsn);
        this.located = Math.max(this.located, change);
      })
      .catch(() => {
        // Without this change's position we cannot tell; stay on the primary until a later one is found
        // (a later change's position is past this one's commit).
        this.unlocated = Math.max(this.unlocated, change);
      })
      .finally(() => {
        this.pending--;
      });
  }

  /** The database a logged-out page should read from now. */
  async reader(): Promise<Database> {
    if (this.pending > 0 || this.unlocated > this.located) return this.primary;
    if (this.required === null || this.freshFor === this.required) return this.replica;
    const required = this.required;
    try {
      // A server that is not a standby is as fresh as the primary. (Its pg_last_wal_replay_lsn() is not always
      // NULL: after a crash recovery, or when PGlite starts from a dump, it stays at where recovery ended.)
      const [row] = await this.replica.query<{ fresh: boolean }>(
        'SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS fresh',
        [required],
      );
      if (row?.fresh) {
        this.freshFor = required;
        return this.replica;
      }
    } catch {
      // An unreachable replica must not take pages down with it.
    }
    return this.primary;
  }
}

/** A WAL position ("16/B374D848") as a number, for comparing. */
function lsnValue(lsn: string): bigint {
  const [high = '0', low = '0'] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** The later of two WAL positions (null is before every position). */
export function laterLsn(a: string | null, b: string): string {
  return a !== null && lsnValue(a) >= lsnValue(b) ? a : b;
}
