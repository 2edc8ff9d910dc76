import type { Context } from 'hono';
import { raw } from 'hono/html';
import { cachedFragment } from '../cache/middleware.js';
import { type DiffBlock, type DiffHunk, diffHunks, type FoldedLines, type HunkPart } from '../content/diff-hunks.js';
import { renderPool } from '../content/pool.js';
import type { DiffPart } from '../content/word-diff.js';
import type { AppEnv } from '../web/context.js';
import { Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import { postPath } from './paths.js';
import type { PostRow } from './queries.js';
import type { PreviousRevision, Revision, RevisionSummary } from './revisions.js';

// The in-page anchors here hold an underscore, which heading slugs (letters, digits, hyphens) and authors' ids
// (prefixed user-content-) never do: a heading "Change 1" in the revision shown below cannot take one.

/** What the revision page shows of the changes: the title's word diff and the body's, grouped into hunks. */
export interface RevisionDiffView {
  title: DiffPart[];
  body: DiffBlock[];
}

/** What has the history (a post, a tag): its current title or name and its page, whose history is at /history. */
export interface HistorySubject {
  title: string;
  path: string;
}

/** The words that differ between histories of posts and of tags. */
export interface HistoryWords {
  empty: string;
  intro: string;
  /** After the first revision's link in the list. */
  firstMark: string;
  /** The revision page's note on the first revision. */
  firstVersion: string;
  /** What the revision's title is called ("Title", "Name"). */
  title: string;
  /** "titled" or "named", before an earlier title in the list. */
  titled: string;
  nothingChanged: string;
  textUnchanged: string;
}

export const POST_HISTORY_WORDS: HistoryWords = {
  empty: 'This post has no published revisions yet.',
  intro: 'Each revision shows what changed and the post as readers saw it then.',
  firstMark: ' (first published)',
  firstVersion: 'The first published version. ',
  title: 'Title',
  titled: 'titled',
  nothingChanged: 'Nothing in the title or the text changed.',
  textUnchanged: 'The text did not change.',
};

/** A post's history (posts/routes.tsx). */
export function HistoryPage(props: { ctx: PageContext; post: PostRow; revisions: RevisionSummary[] }) {
  return (
    <RevisionHistoryPage
      ctx={props.ctx}
      subject={{ title: props.post.title, path: postPath(props.post) }}
      words={POST_HISTORY_WORDS}
      revisions={props.revisions}
    />
  );
}

/** The list of revisions of a post or a tag, newest first. */
export function RevisionHistoryPage(props: {
  ctx: PageContext;
  subject: HistorySubject;
  words: HistoryWords;
  revisions: RevisionSummary[];
}) {
  const { subject, words } = props;
  const base = `${subject.path}/history`;
  const current = props.revisions[0]?.number;
  return (
    <Layout ctx={props.ctx} title={`History of ${subject.title}`} math={false}>
      <section class="narrow history">
        <p class="breadcrumb">
          <a href={subject.path}>← {subject.title}</a>
        </p>
        <h1>Revision history</h1>
        {props.revisions.length === 0 ? (
          <p class="empty">{words.empty}</p>
        ) : (
          <>
            <p class="muted">{words.intro}</p>
            <ol class="revision-list" reversed>
              {props.revisions.map((r) => (
                <li>
                  <a href={`${base}/${r.number}`}>Revision {r.number}</a>
                  {r.number === current ? <strong> (current)</strong> : null}
                  {r.number === 1 ? words.firstMark : ''} · <Time date={r.createdAt} />
                  {r.author ? (
                    <>
                      {' '}
                      by <a href={`/users/${r.author.username}`}>{r.author.displayName}</a>
                    </>
                  ) : null}
                  {r.title !== subject.title ? (
                    <span class="revision-note">
                      {' '}
                      · {words.titled} “{r.title}”
                    </span>
                  ) : null}
                  {r.note ? <span class="revision-note"> — {r.note}</span> : null}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </Layout>
  );
}

/** A short diff inline: the title's, and each change's quote in the list of changes. */
function Diff({ parts }: { parts: DiffPart[] }) {
  return (
    <>
      {parts.map((p) =>
        p.kind === 'added' ? <ins>{p.text}</ins> : p.kind === 'removed' ? <del>{p.text}</del> : <span>{p.text}</span>,
      )}
    </>
  );
}

function HunkText({ parts }: { parts: HunkPart[] }) {
  return (
    <>
      {parts.map((p) =>
        p.kind === 'added' ? (
          <ins>{p.text}</ins>
        ) : p.kind === 'removed' ? (
          <del>{p.text}</del>
        ) : p.kind === 'elided' ? (
          <span class="diff-elided">… {p.chars.toLocaleString('en')} unchanged characters …</span>
        ) : (
          p.text
        ),
      )}
    </>
  );
}

interface Change {
  /** The anchor of the change on the page. */
  id: string;
  label: string;
  preview: DiffPart[];
}

/** The changes in page order, for the list at the top and each hunk's links to its neighbours. */
function changesOf(diff: RevisionDiffView, words: HistoryWords): Change[] {
  const title = diff.title.filter((p) => p.kind !== 'same');
  const changes: Change[] = title.length > 0 ? [{ id: 'diff_title', label: words.title, preview: title }] : [];
  for (const block of diff.body) {
    if (block.kind === 'hunk') {
      changes.push({ id: `diff_change-${block.number}`, label: `Line ${block.line}`, preview: block.preview });
    }
  }
  return changes;
}

function ChangeList({ changes, words }: { changes: Change[]; words: HistoryWords }) {
  if (changes.length === 0) return <p class="diff-changes">{words.nothingChanged}</p>;
  return (
    <nav class="diff-changes" id="diff_changes" aria-label="Changes">
      <p>
        {changes.length === 1 ? '1 change' : `${changes.length} changes`}
        {changes.length > 1 ? ', in order:' : ':'}
      </p>
      <ol>
        {changes.map((change) => (
          <li>
            <a href={`#${change.id}`}>{change.label}</a>
            {change.preview.length > 0 ? ': ' : null}
            <Diff parts={change.preview} />
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** Links from one change to the ones before and after it (plain anchors: they work without JavaScript). */
function Neighbours({ changes, id }: { changes: Change[]; id: string }) {
  const at = changes.findIndex((change) => change.id === id);
  const previous = changes[at - 1];
  const next = changes[at + 1];
  return (
    <p class="diff-neighbours">
      {/* Spaces between the links keep them apart when the stylesheet does not load. */}
      {previous ? <a href={`#${previous.id}`}>↑ Previous: {previous.label}</a> : null}{' '}
      {next ? <a href={`#${next.id}`}>↓ Next: {next.label}</a> : null} <a href="#diff_changes">All changes</a>
    </p>
  );
}

function Hunk({ hunk, changes }: { hunk: DiffHunk; changes: Change[] }) {
  const id = `diff_change-${hunk.number}`;
  const position = changes.findIndex((change) => change.id === id) + 1;
  return (
    <section class="diff-hunk" id={`diff_change-${hunk.number}`}>
      <h3 class="diff-hunk-heading">
        Line {hunk.line}{' '}
        <span class="muted">
          (change {position} of {changes.length})
        </span>
      </h3>
      {/* The parser drops a newline straight after <pre>; this one goes, so a first blank line stays. */}
      <pre class="diff-text">
        {'\n'}
        <HunkText parts={hunk.parts} />
      </pre>
      <Neighbours changes={changes} id={id} />
    </section>
  );
}

function Folded({ block }: { block: FoldedLines }) {
  const last = block.line + block.lines - 1;
  return (
    <details class="diff-folded">
      <summary>
        {block.lines === 1 ? '1 unchanged line' : `${block.lines} unchanged lines`}{' '}
        <span class="muted">{block.lines === 1 ? `(line ${block.line})` : `(lines ${block.line}–${last})`}</span>
      </summary>
      <pre class="diff-text">
        {'\n'}
        {block.text}
      </pre>
    </details>
  );
}

function DiffView({ diff, words }: { diff: RevisionDiffView; words: HistoryWords }) {
  const changes = changesOf(diff, words);
  const titleChanged = changes[0]?.id === 'diff_title';
  return (
    <div class="diff" aria-describedby="diff-legend">
      <p id="diff-legend" class="diff-legend">
        In the Markdown source: <ins>inserted words</ins> underlined, <del>deleted words</del> struck through; unchanged
        lines between changes are folded (open them to read).
      </p>
      <ChangeList changes={changes} words={words} />
      <section class="diff-hunk" id="diff_title">
        <h3 class="diff-title">
          <span class="diff-label">{titleChanged ? `${words.title}: ` : `${words.title} (unchanged): `}</span>
          <Diff parts={diff.title} />
        </h3>
        {titleChanged ? <Neighbours changes={changes} id="diff_title" /> : null}
      </section>
      <div class="diff-body">
        {diff.body.some((block) => block.kind === 'hunk') ? null : <p>{words.textUnchanged}</p>}
        {diff.body.map((block) =>
          block.kind === 'hunk' ? <Hunk hunk={block} changes={changes} /> : <Folded block={block} />,
        )}
      </div>
    </div>
  );
}

interface ShownRevision {
  revision: Revision;
  previous: PreviousRevision | undefined;
  diff: RevisionDiffView | undefined;
  latest: number;
}

/** One revision of a post (posts/routes.tsx). */
export function RevisionPage(props: ShownRevision & { ctx: PageContext; post: PostRow }) {
  const { post, ...shown } = props;
  return (
    <RevisionShownPage {...shown} subject={{ title: post.title, path: postPath(post) }} words={POST_HISTORY_WORDS} />
  );
}

/** One revision of a post or a tag: what changed since the one before, then the revision as readers saw it. */
export function RevisionShownPage(
  props: ShownRevision & { ctx: PageContext; subject: HistorySubject; words: HistoryWords },
) {
  const { revision, previous, subject, words } = props;
  const base = `${subject.path}/history`;
  return (
    <Layout ctx={props.ctx} title={`Revision ${revision.number} of ${subject.title}`}>
      <section class="revision">
        <p class="breadcrumb">
          <a href={subject.path}>← {subject.title}</a> · <a href={base}>All revisions</a>
        </p>
        <h1>
          Revision {revision.number} <span class="muted">of {props.latest}</span>
        </h1>
        <p class="post-meta">
          <Time date={revision.createdAt} />
          {revision.note ? <> — {revision.note}</> : null}
        </p>
        <p class="revision-status">
          {revision.number === 1 ? words.firstVersion : null}
          {revision.number === props.latest ? (
            'This is the current version. '
          ) : (
            <>
              An older version: readers now see <a href={`${base}/${props.latest}`}>revision {props.latest}</a>.{' '}
            </>
          )}
          <a href="#revision_text">Read revision {revision.number} as readers saw it</a>
        </p>
        <nav class="revision-nav" aria-label="Revisions">
          {revision.number > 1 ? <a href={`${base}/${revision.number - 1}`}>← Revision {revision.number - 1}</a> : null}
          {revision.number < props.latest ? (
            <a href={`${base}/${revision.number + 1}`}>Revision {revision.number + 1} →</a>
          ) : null}
        </nav>
        {previous && props.diff ? (
          <>
            <h2>Changes since revision {previous.number}</h2>
            <DiffView diff={props.diff} words={words} />
          </>
        ) : null}
        <h2 id="revision_text">Revision {revision.number} as readers saw it</h2>
        <article class="post revision-body">
          {/* An h3: the page's one h1 names the revision, and this sits under the h2 above. */}
          <h3 class="revision-title">{revision.title}</h3>
          <div class="content">{raw(revision.bodyHtml)}</div>
        </article>
      </section>
    </Layout>
  );
}

/**
 * The changes a revision page shows: the stored diff, or for a revision saved without one, its diff against the
 * previous revision made in the pool when viewed and kept in memory under `cacheTags` (a GET does not write).
 * Grouped into hunks here (one pass over the parts): the stored diff stays the plain word diff, so the grouping
 * can change without rewriting stored rows.
 */
export async function revisionDiffShown(
  c: Context<AppEnv>,
  cacheKey: string,
  cacheTags: string[],
  { revision, previous }: { revision: Revision; previous: PreviousRevision | undefined },
): Promise<RevisionDiffView | undefined> {
  const diff =
    revision.diff ??
    (previous
      ? await cachedFragment(c, cacheKey, cacheTags, () =>
          renderPool().diffRevisions(
            { title: previous.title, body: previous.bodyMarkdown },
            { title: revision.title, body: revision.bodyMarkdown },
          ),
        )
      : undefined);
  return diff && { title: diff.title, body: diffHunks(diff.body) };
}
