import { commentPath, postPath } from '../posts/paths.js';
import type { Backlink } from './links.js';
import type { SequenceListItem } from './list-queries.js';
import { sequencePath, sequencePostPath } from './paths.js';
import type { InProgress, Membership, SequencePosition } from './queries.js';
import { SequenceListRow } from './views.js';

// Pieces other pages show: the banners and navigation around a post, backlinks, the frontpage's "Continue
// reading" and a profile's sequences.

/** Above the title of a post read inside a sequence. */
export function SequenceBanner({ position }: { position: SequencePosition }) {
  return (
    <nav class="sequence-banner" aria-label="Sequence">
      <p>
        Part of the <a href={sequencePath(position.sequenceId)}>{position.sequenceTitle}</a> sequence
        {position.chapterTitle ? <> · {position.chapterTitle}</> : null} ·{' '}
        <span class="sequence-position">
          Post {position.number} of {position.total}
        </span>
      </p>
    </nav>
  );
}

/** Previous and next posts of the sequence, after the body. */
export function SequenceNav({ position }: { position: SequencePosition }) {
  const { previous, next } = position;
  return (
    <nav class="sequence-nav" aria-label="Sequence navigation">
      {previous ? (
        <a class="sequence-nav-previous" rel="prev" href={sequencePostPath(position.sequenceId, previous.id)}>
          <span class="sequence-nav-label">← Previous</span> {previous.title}
        </a>
      ) : (
        <span class="sequence-nav-previous sequence-nav-end">Start of the sequence</span>
      )}
      <a class="sequence-nav-up" href={sequencePath(position.sequenceId)}>
        {position.sequenceTitle}
      </a>
      {next ? (
        <a class="sequence-nav-next" rel="next" href={sequencePostPath(position.sequenceId, next.id)}>
          <span class="sequence-nav-label">Next →</span> {next.title}
        </a>
      ) : (
        <span class="sequence-nav-next sequence-nav-end">End of the sequence</span>
      )}
    </nav>
  );
}

/** On a post's own page: the sequences it is part of. Renders nothing when there are none. */
export function SequenceMemberships({ postId, sequences }: { postId: string; sequences: Membership[] }) {
  if (sequences.length === 0) return null;
  return (
    <nav class="sequence-banner" aria-label="Sequences">
      {sequences.map((s) => (
        <p>
          Part of the <a href={sequencePostPath(s.id, postId)}>{s.title}</a> sequence ·{' '}
          <span class="sequence-position">
            Post {s.number} of {s.total}
          </span>
        </p>
      ))}
    </nav>
  );
}

/** "Referenced by": the posts and comments linking to this post. Renders nothing when there are none. */
export function Backlinks({ links }: { links: Backlink[] }) {
  if (links.length === 0) return null;
  return (
    <section class="backlinks" aria-labelledby="backlinks-heading">
      <h2 id="backlinks-heading">Referenced by</h2>
      <ul>
        {links.map((link) => {
          const post = { id: link.postId, slug: link.postSlug };
          return link.kind === 'post' || !link.commentId ? (
            <li>
              <a href={postPath(post)}>{link.postTitle}</a> <span class="muted">by {link.authorDisplayName}</span>
            </li>
          ) : (
            <li>
              <a href={commentPath(post, link.commentId)}>{link.authorDisplayName}’s comment</a> on{' '}
              <a href={postPath(post)}>{link.postTitle}</a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The frontpage's "Continue reading": sequences the reader is part-way through. Nothing when there are none. */
export function ContinueReading({ sequences }: { sequences: InProgress[] }) {
  if (sequences.length === 0) return null;
  return (
    <section class="continue-reading" aria-labelledby="continue-heading">
      <h2 id="continue-heading">Continue reading</h2>
      <ul>
        {sequences.map((s) => (
          <li>
            <a href={sequencePath(s.id)}>{s.title}</a>{' '}
            <span class="muted">
              ({s.readCount} of {s.postCount} read)
            </span>
            <br />
            Next: <a href={sequencePostPath(s.id, s.nextPostId)}>{s.nextPostTitle}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** In a line of a post list: the sequence the post is part of (the best one, and how many more). */
export function SequenceTag({ sequences }: { sequences: { id: string; title: string }[] }) {
  const [first] = sequences;
  if (!first) return null;
  return (
    <span class="sequence-tag">
      {' '}
      · in <a href={sequencePath(first.id)}>{first.title}</a>
      {sequences.length > 1 ? ` and ${sequences.length - 1} more` : ''}
    </span>
  );
}

/** A profile's sequences tab: the list, and for the owner empty ones too and a link to create one. */
export function ProfileSequences({ sequences, isOwner }: { sequences: SequenceListItem[]; isOwner: boolean }) {
  return (
    <>
      {sequences.length === 0 ? (
        <p class="empty">No sequences yet.</p>
      ) : (
        <ol class="post-list">
          {sequences.map((sequence) => (
            <SequenceListRow sequence={sequence} showAuthor={false} />
          ))}
        </ol>
      )}
      {isOwner ? (
        <p>
          <a href="/sequences/new">Create a sequence</a>
        </p>
      ) : null}
    </>
  );
}
