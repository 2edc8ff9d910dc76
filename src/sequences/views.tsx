import { raw } from 'hono/html';
import { sequenceFeedRef } from '../feeds/links.js';
import { SubscribeLink } from '../notifications/links.js';
import { Excerpt } from '../web/excerpt.js';
import { Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { SequenceListItem, SequenceSort } from './list-queries.js';
import { sequencePath, sequencePostPath } from './paths.js';
import type { ContentsChapter, ContentsPost, SequenceRow } from './queries.js';

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the sequence page shows: the posts readers can see, numbered across chapters, and the reader's progress. */
export interface ReaderView {
  chapters: { id: string; title: string; firstNumber: number; posts: ContentsPost[] }[];
  total: number;
  read: number;
  first: ContentsPost | undefined;
  firstUnread: ContentsPost | undefined;
}

export function readerView(contents: ContentsChapter[]): ReaderView {
  const chapters: ReaderView['chapters'] = [];
  let total = 0;
  for (const chapter of contents) {
    const posts = chapter.posts.filter((p) => p.status === 'published' && !p.deleted);
    if (posts.length > 0) chapters.push({ id: chapter.id, title: chapter.title, firstNumber: total + 1, posts });
    total += posts.length;
  }
  const all = chapters.flatMap((c) => c.posts);
  return {
    chapters,
    total,
    read: all.filter((p) => p.read).length,
    first: all[0],
    firstUnread: all.find((p) => !p.read),
  };
}

function ReadMark({ read }: { read: boolean }) {
  return read ? (
    <>
      {' '}
      · <span class="read-mark">✓ read</span>
    </>
  ) : null;
}

function Progress({ sequenceId, view, loggedIn }: { sequenceId: string; view: ReaderView; loggedIn: boolean }) {
  const { first, firstUnread } = view;
  if (!first) return <p class="empty">This sequence has no posts yet.</p>;
  if (!loggedIn || view.read === 0) {
    return (
      <p class="sequence-progress">
        <a class="button" href={sequencePostPath(sequenceId, first.id)}>
          Start reading: {first.title}
        </a>
      </p>
    );
  }
  return (
    <div class="sequence-progress">
      <p>
        <progress max={view.total} value={view.read} aria-hidden="true"></progress> {view.read} of {view.total} read
      </p>
      <p>
        {firstUnread ? (
          <a class="button" href={sequencePostPath(sequenceId, firstUnread.id)}>
            Continue reading: {firstUnread.title}
          </a>
        ) : (
          <>
            You have read every post. <a href={sequencePostPath(sequenceId, first.id)}>Read again from the start</a>
          </>
        )}
      </p>
    </div>
  );
}

export function SequencePage(props: {
  ctx: PageContext;
  sequence: SequenceRow;
  view: ReaderView;
  canEdit: boolean;
  canonicalUrl: string;
}) {
  const { sequence, view } = props;
  return (
    <Layout ctx={props.ctx} title={sequence.title} canonical={props.canonicalUrl} feeds={[sequenceFeedRef(sequence)]}>
      <section class="narrow sequence-page" aria-labelledby="sequence-title">
        <p class="breadcrumb">
          <a href="/sequences">Sequences</a>
        </p>
        <h1 id="sequence-title">{sequence.title}</h1>
        <p class="post-meta">
          by <a href={`/users/${sequence.authorUsername}`}>{sequence.authorDisplayName}</a> ·{' '}
          {plural(view.total, 'post')} · <span title="Total karma of its posts">{sequence.karma} karma</span>
          {props.canEdit ? (
            <>
              {' '}
              · <a href={`${sequencePath(sequence.id)}/edit`}>Edit sequence</a>
            </>
          ) : null}{' '}
          · <SubscribeLink type="sequence" targetKey={sequence.id} next={sequencePath(sequence.id)} />
        </p>
        {sequence.descriptionHtml ? (
          <div class="sequence-description content">{raw(sequence.descriptionHtml)}</div>
        ) : null}
        <Progress sequenceId={sequence.id} view={view} loggedIn={!!props.ctx.user} />
        {view.chapters.map((chapter, index) => (
          <section class="sequence-chapter" aria-labelledby={chapter.title ? `chapter-${index}` : undefined}>
            {/* An untitled chapter still has a heading (hidden), so its posts' h3 do not skip a level. */}
            {chapter.title ? (
              <h2 id={`chapter-${index}`}>{chapter.title}</h2>
            ) : (
              <h2 class="visually-hidden">{index === 0 ? 'Posts' : `Part ${index + 1}`}</h2>
            )}
            <ol class="sequence-posts" start={chapter.firstNumber}>
              {chapter.posts.map((post) => (
                <li class={post.read ? 'sequence-post is-read' : 'sequence-post'}>
                  <div class="sequence-post-main">
                    <h3 class="post-item-title">
                      <a href={sequencePostPath(sequence.id, post.id)}>{post.title}</a>
                    </h3>
                    <p class="post-meta">
                      {post.readingMinutes} min read
                      <ReadMark read={post.read} />
                    </p>
                    {post.excerpt ? (
                      <p class="post-excerpt">
                        <Excerpt text={post.excerpt} html={post.excerptHtml} />
                      </p>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
          </section>
        ))}
      </section>
    </Layout>
  );
}

export function SequenceListRow({ sequence, showAuthor = true }: { sequence: SequenceListItem; showAuthor?: boolean }) {
  return (
    <li class="post-item sequence-item">
      <span class="post-score" title="Total karma of its posts">
        {sequence.karma}
      </span>
      <div class="post-item-main">
        <h3 class="post-item-title">
          <a href={sequencePath(sequence.id)}>{sequence.title}</a>
        </h3>
        <p class="post-meta">
          {showAuthor ? (
            <>
              <a href={`/users/${sequence.authorUsername}`}>{sequence.authorDisplayName}</a> ·{' '}
            </>
          ) : null}
          {plural(sequence.postCount, 'post')} · <Time date={sequence.createdAt} />
        </p>
        {sequence.descriptionExcerpt ? (
          <p class="post-excerpt">
            <Excerpt text={sequence.descriptionExcerpt} html={sequence.descriptionExcerptHtml} />
          </p>
        ) : null}
      </div>
    </li>
  );
}

const SORT_LABELS: Record<SequenceSort, string> = { new: 'Newest', top: 'Top' };

export function SequenceListPage(props: {
  ctx: PageContext;
  sort: SequenceSort;
  sequences: SequenceListItem[];
  nextHref: string | undefined;
}) {
  return (
    <Layout ctx={props.ctx} title="Sequences" math={false}>
      <section class="narrow sequence-list-page" aria-labelledby="sequences-heading">
        <h1 id="sequences-heading">Sequences</h1>
        <p class="sequence-list-intro">
          Posts meant to be read in order.
          {props.ctx.user ? (
            <>
              {' '}
              <a href="/sequences/new">Create a sequence</a>
            </>
          ) : null}
        </p>
        <h2 class="visually-hidden">All sequences</h2>
        <nav class="list-tabs" aria-label="Order sequences by">
          {(['new', 'top'] as const).map((sort) => (
            <a href={`/sequences?sort=${sort}`} aria-current={sort === props.sort ? 'page' : undefined}>
              {SORT_LABELS[sort]}
            </a>
          ))}
        </nav>
        {props.sequences.length === 0 ? (
          <p class="empty">No sequences yet.</p>
        ) : (
          <ol class="post-list" data-list="sequences">
            {props.sequences.map((sequence) => (
              <SequenceListRow sequence={sequence} />
            ))}
          </ol>
        )}
        {props.nextHref ? (
          <p class="load-more">
            <a href={props.nextHref} data-load-more="sequences">
              More sequences
            </a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}
