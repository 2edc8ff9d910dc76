// Puts a reader's marks in their comment section (comments/marks.ts): their votes as pressed buttons, scores
// changed since the section was filled, the comments new to them and their controls (under their own comments,
// and a moderator's under every comment), as the server would have rendered them.
// Tells the server this browser runs the script.
import { showPressedVote, showScore } from '../votes/client.js';
import type { VoteAxis } from '../votes/kinds.js';
import { ADDED_ID_STAND_IN, type ReaderMarks, SCRIPT_COOKIE } from './marks.js';

/** A day, renewed on every page: a browser whose script stops running soon gets the marks from the server again. */
const SCRIPT_COOKIE_SECONDS = 24 * 3600;

export function applyReaderMarks(root: Document): void {
  root.cookie = `${SCRIPT_COOKIE}=1; Path=/; Max-Age=${SCRIPT_COOKIE_SECONDS}; SameSite=Lax`;
  const section = root.querySelector<HTMLElement>('[data-reader-marks]');
  const json = section?.dataset.readerMarks;
  if (!json) return;
  const marks = JSON.parse(json) as ReaderMarks;
  for (const [id, axis, kind] of marks.votes) {
    const controls = voteControls(root, id, axis);
    if (controls) showPressedVote(controls, kind);
  }
  // Scores changed since the section was filled for every reader (a vote leaves that section alone).
  for (const [id, karma, karmaVotes, agreement, agreementVotes] of marks.scores ?? []) {
    const axes: [VoteAxis, number, number][] = [
      ['karma', karma, karmaVotes],
      ['agreement', agreement, agreementVotes],
    ];
    for (const [axis, score, voteCount] of axes) {
      const controls = voteControls(root, id, axis);
      if (controls) showScore(controls, axis, score, voteCount);
    }
  }
  for (const id of marks.fresh) markNew(root.getElementById(`comment-${id}`));
  // The controls under the reader's own comments (edit, retract, delete; no vote, no report), as the server
  // renders them for this reader, in place of every reader's.
  for (const [id, html] of marks.own) {
    const actions = actionsOf(root, id);
    if (actions) actions.outerHTML = html;
  }
  // A moderator's delete and remove controls, after every reader's actions under each comment.
  for (const [controls, ids] of marks.added ?? []) {
    for (const id of ids)
      actionsOf(root, id)?.insertAdjacentHTML('beforeend', controls.replaceAll(ADDED_ID_STAND_IN, id));
  }
  for (const [id, html] of marks.restore ?? []) {
    root
      .getElementById(`comment-${id}`)
      ?.querySelector(':scope > details > .removed-note')
      ?.insertAdjacentHTML('afterend', html);
  }
}

/** A comment's vote controls on one axis. */
function voteControls(root: Document, id: string, axis: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-vote="${axis}"][data-target="comment/${id}"]`);
}

function actionsOf(root: Document, id: string): Element | null | undefined {
  return root.getElementById(`comment-${id}`)?.querySelector(':scope > details > .comment-actions');
}

/** A comment's "new" mark, where the server puts it: in its header, before a "replying to" note. */
function markNew(comment: HTMLElement | null): void {
  if (!comment || comment.classList.contains('comment-new')) return;
  comment.classList.add('comment-new');
  const header = comment.querySelector(':scope > .comment-header');
  if (!header) return;
  const mark = document.createElement('span');
  mark.className = 'new-mark';
  mark.textContent = ' new';
  header.insertBefore(mark, header.querySelector(':scope > .reply-to'));
}
