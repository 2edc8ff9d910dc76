import { raw } from 'hono/html';
import type { DiffPart } from '../content/word-diff.js';
import { Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import { postPath } from './paths.js';
import type { PostRow } from './queries.js';
import type { PreviousRevision, Revision, RevisionSummary } from './revisions.js';

export function HistoryPage(props: { ctx: PageContext; post: PostRow; revisions: RevisionSummary[] }) {
  const base = `${postPath(props.post)}/history`;
  return (
    <Layout ctx={props.ctx} title={`History of ${props.post.title}`} math={false}>
      <section class="narrow history">
        <p class="breadcrumb">
          <a href={postPath(props.post)}>← {props.post.title}</a>
        </p>
        <h1>Revision history</h1>
        {props.revisions.length === 0 ? (
          <p class="empty">This post has no published revisions yet.</p>
        ) : (
          <ol class="revision-list" reversed>
            {props.revisions.map((r) => (
              <li>
                <a href={`${base}/${r.number}`}>
                  Revision {r.number}
                  {r.number === 1 ? ' (first published)' : ''}
                </a>{' '}
                · <Time date={r.createdAt} />
                {r.note ? <span class="revision-note"> — {r.note}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </Layout>
  );
}

function Diff({ parts }: { parts: DiffPart[] }) {
  return (
    <>
      {parts.map((p) =>
        p.kind === 'added' ? <ins>{p.text}</ins> : p.kind === 'removed' ? <del>{p.text}</del> : <span>{p.text}</span>,
      )}
    </>
  );
}

export function RevisionPage(props: {
  ctx: PageContext;
  post: PostRow;
  revision: Revision;
  previous: PreviousRevision | undefined;
  titleDiff: DiffPart[];
  bodyDiff: DiffPart[];
  latest: number;
}) {
  const { revision, previous, post } = props;
  const base = `${postPath(post)}/history`;
  return (
    <Layout ctx={props.ctx} title={`Revision ${revision.number} of ${post.title}`}>
      <section class="revision">
        <p class="breadcrumb">
          <a href={postPath(post)}>← {post.title}</a> · <a href={base}>All revisions</a>
        </p>
        <h1>
          Revision {revision.number} <span class="muted">of {props.latest}</span>
        </h1>
        <p class="post-meta">
          <Time date={revision.createdAt} />
          {revision.note ? <> — {revision.note}</> : null}
        </p>
        <nav class="revision-nav" aria-label="Revisions">
          {revision.number > 1 ? <a href={`${base}/${revision.number - 1}`}>← Revision {revision.number - 1}</a> : null}
          {revision.number < props.latest ? (
            <a href={`${base}/${revision.number + 1}`}>Revision {revision.number + 1} →</a>
          ) : null}
        </nav>
        <h2>{previous ? `Changes since revision ${previous.number}` : 'First published version'}</h2>
        {previous ? (
          <div class="diff" aria-describedby="diff-legend">
            <p id="diff-legend" class="diff-legend">
              <ins>Inserted words</ins> and <del>deleted words</del>, in the Markdown source.
            </p>
            <h3 class="diff-title">
              <Diff parts={props.titleDiff} />
            </h3>
            <pre class="diff-body">
              <Diff parts={props.bodyDiff} />
            </pre>
          </div>
        ) : null}
        <h2>This revision as readers saw it</h2>
        <article class="post revision-body">
          <h1 class="revision-title">{revision.title}</h1>
          <div class="content">{raw(revision.bodyHtml)}</div>
        </article>
      </section>
    </Layout>
  );
}
