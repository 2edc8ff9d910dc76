import type { Queryable } from '../db/database.js';
import { type AppError, Invalid } from '../errors.js';
import { SETTINGS } from '../settings/settings.js';
import { NEW_MEMBER_KARMA, WRITE_WINDOWS, type WriteKind, writeRateLimited } from './limits.js';
import { externalLinkCount } from './links.js';

/**
 * The writer lock namespace of lyceum_admit_write (migration 0020): one member's counted writes (publishing a
 * post, adding a comment) wait for each other under it until commit.
 */
const WRITER_LOCK = 4201774;

/**
 * Takes the member's writer lock ahead of lyceum_admit_write, for a transaction that locks a post row before it
 * knows whether the write counts (savePost): every write takes the writer lock before any post row, so a comment
 * on one's own post and publishing that post never deadlock.
 */
export async function lockWriter(tx: Queryable, userId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [WRITER_LOCK, userId]);
}

export interface WriteToAdmit {
  authorId: string;
  kind: WriteKind;
  /** The text's rendered HTML, whose links to other sites a new member's text may carry only so many of. */
  html: string;
  baseUrl?: string | undefined;
  /**
   * Whether this write counts against the karma tier's limit: a new comment or a post's first publication
   * does; an edit does not (only the link limit applies to it).
   */
  counted: boolean;
}

/** What lyceum_admit_write answers. */
export interface Admission {
  outcome: 'admitted' | 'too_many_links' | 'rate_limited';
  bound: number | null;
  allowed: number | null;
  written: number | null;
  freeAt: Date | null;
  at: Date;
}

/** The call of lyceum_admit_write with its parameters numbered from `first` ($first … $first+6). */
export function admitCall(write: WriteToAdmit, first: number): { sql: string; params: unknown[] } {
  const p = (n: number) => `$${first + n}`;
  return {
    sql: `lyceum_admit_write(${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb, ${p(5)}, ${p(6)})`,
    params: [
      write.authorId,
      write.kind,
      externalLinkCount(write.html, write.baseUrl),
      write.counted,
      JSON.stringify(SETTINGS.rateLimits.default),
      NEW_MEMBER_KARMA,
      WRITE_WINDOWS[write.kind].seconds,
    ],
  };
}

export const ADMISSION_COLUMNS = `a.outcome, a.bound, a.allowed, a.written, a.free_at AS "freeAt", a.at`;

/** The refusal an admission stands for, if any. */
export function refusalOf(admission: Admission, write: WriteToAdmit): AppError | undefined {
  if (admission.outcome === 'too_many_links') {
    const most = admission.allowed ?? 0;
    const links = externalLinkCount(write.html, write.baseUrl);
    const allowed =
      most === 0 ? 'no links to other sites' : `at most ${most} link${most === 1 ? '' : 's'} to other sites`;
    return new Invalid(`Members with less than ${NEW_MEMBER_KARMA} karma may include ${allowed} in a ${write.kind}.`, {
      body: `This text links to other sites ${links} times; new members' texts may do so at most ${most} time${most === 1 ? '' : 's'}.`,
    });
  }
  if (admission.outcome === 'rate_limited') {
    return writeRateLimited(
      write.kind,
      admission.written ?? 0,
      { belowKarma: admission.bound ?? 0 },
      admission.freeAt ? new Date(admission.freeAt) : undefined,
      new Date(admission.at),
    );
  }
  return undefined;
}

/**
 * Refuses a post or comment its author may not write now, inside the write's transaction (`tx`): too many links to
 * other sites from a new member (422 naming the body), or past their karma tier's limit (429 saying when they may
 * write again). Staff are exempt. Decided by lyceum_admit_write (migration 0020, which says what counts) under
 * the member's writer lock, held until the transaction ends, so concurrent writes are counted in turn.
 */
export async function admitWrite(tx: Queryable, write: WriteToAdmit): Promise<void> {
  const call = admitCall(write, 1);
  const [admission] = await tx.query<Admission>(`SELECT ${ADMISSION_COLUMNS} FROM ${call.sql} a`, call.params);
  const refusal = refusalOf(admission!, write);
  if (refusal) throw refusal;
}
