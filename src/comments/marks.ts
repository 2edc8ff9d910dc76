// A logged-in reader's own marks on a comment section (their votes, what is new to them, and the controls under
// their own comments) sent beside the section rather than in it, for the page's script to put in place
// (comments/marks-client.ts). A busy thread's section is spliced from pieces compressed once for every reader
// (segments.ts); each comment the reader voted on, had not seen or wrote made its piece theirs alone, compressed
// again for every view, and a new comment made a piece of every reader's theirs. Browsers that run the script
// say so with SCRIPT_COOKIE; without it the server puts the marks in the section itself, as before.
import type { CurrentVotes } from '../votes/queries.js';

/** Set by the page's script (client/main.ts): this browser runs it, so the marks may be left to it. */
export const SCRIPT_COOKIE = 'lyceum_script';

/** The marks as the section's data-reader-marks attribute carries them. */
export interface ReaderMarks {
  /** [comment id, axis, the reader's vote on that axis]. */
  votes: [string, string, string][];
  /** Comments new to the reader. */
  fresh: string[];
  /** [comment id, its actions' HTML as the reader sees them]: their own comments' (segments.ts controlsForScript). */
  own: [string, string][];
  /**
   * [controls, comment ids]: what the reader's actions under those comments add at the end of every reader's (the
   * staff's delete and remove), with ADDED_ID_STAND_IN where each comment's id goes. A moderator's controls are
   * under every comment: as whole actions they would be most of the page again, per view.
   */
  added: [string, string[]][];
  /** [comment id, the staff's form restoring it]: for comments a moderator removed, after their note. */
  restore: [string, string][];
  /**
   * Comments whose scores changed since the section's shared pieces were filled (segments.ts scoresForScript), as
   * [comment id, karma, its votes, agreement, its votes]: a vote leaves those pieces alone.
   */
  scores: ChangedScores;
}

export type ChangedScores = [string, number, number, number, number][];

/** Where a comment's id goes in ReaderMarks.added's controls (in no id, token or markup of theirs). */
export const ADDED_ID_STAND_IN = '~comment-id~';

/** The reader's controls that the script puts in: whole actions under their own comments, and added ones. */
export type ControlsForScript = Pick<ReaderMarks, 'own' | 'added' | 'restore'>;

/**
 * The reader's marks on the comments shown: their votes, the comments new to them, their own controls and the
 * scores changed since the section was filled, as JSON.
 */
export function readerMarksJson(
  shownIds: Set<string>,
  votes: Map<string, CurrentVotes> | undefined,
  fresh: { id: string }[],
  controls: ControlsForScript,
  scores: ChangedScores,
): string {
  const marks: ReaderMarks = { votes: [], fresh: [], ...controls, scores };
  for (const [id, vote] of votes ?? []) {
    if (!shownIds.has(id)) continue;
    for (const [axis, kind] of Object.entries(vote)) if (kind) marks.votes.push([id, axis, kind]);
  }
  for (const comment of fresh) if (shownIds.has(comment.id)) marks.fresh.push(comment.id);
  return JSON.stringify(marks);
}
