import { diffWords } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** What the revision page shows: the word changes of the title and of the body since the previous revision. */
export interface RevisionDiff {
  title: DiffPart[];
  body: DiffPart[];
}

export interface RevisionText {
  title: string;
  body: string;
}

// A word diff of two very different 200,000-character bodies could take seconds; past this budget the page
// shows the whole old text as removed and the new as added instead.
const DIFF_TIMEOUT_MS = 300;

/** The diff shown when no word diff could be made in time: everything old removed, everything new added. */
export function wholeReplacement(before: string, after: string): DiffPart[] {
  return [
    { kind: 'removed', text: before },
    { kind: 'added', text: after },
  ];
}

/** Word-level changes from one text to another, as the history page shows them. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const changes = diffWords(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) return wholeReplacement(before, after);
  return changes.map((change) => ({
    kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
    text: change.value,
  }));
}

/** Title and body word diffs of one revision against the one before it. */
export function revisionDiff(before: RevisionText, after: RevisionText): RevisionDiff {
  return { title: wordDiff(before.title, after.title), body: wordDiff(before.body, after.body) };
}
