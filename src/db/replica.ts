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

  constructor(
    private readonly primary: Database,
    readonly replica: Database,
  ) {}

  /** Call on every change notification. */
  noteChange(): void {
    this.pending++;
    this.freshFor = undefined;
    this.primary
      .query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')
      .then(([row]) => {
        if (row) this.required = row.lsn;
      })
      .catch(() => {
        // Without a position we cannot tell; stay on the primary until the next change settles it.
        this.required = 'FFFFFFFF/FFFFFFFF';
      })
      .finally(() => {
        this.pending--;
      });
  }

  /** The database a logged-out page should read from now. */
  async reader(): Promise<Database> {
    if (this.pending > 0) return this.primary;
    if (this.required === null || this.freshFor === this.required) return this.replica;
    const required = this.required;
    try {
      // On a server that is not a standby, pg_last_wal_replay_lsn() is NULL: it is as fresh as the primary.
      const [row] = await this.replica.query<{ fresh: boolean }>(
        'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, true) AS fresh',
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
