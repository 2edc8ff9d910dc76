import { raw } from 'hono/html';
import { commentPath, postPath } from '../posts/paths.js';
import type { OpenReport } from '../reports/queries.js';
import { targetHref } from '../reports/views.js';
import { Excerpt } from '../web/excerpt.js';
import { FormError, TextAreaField } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { QueuedComment, QueuedPost } from './queries.js';

/** A form of the queue sent back with a problem: which one (`key`), what was typed, and what went wrong. */
export interface QueueFormState {
  key: string;
  value: string;
  error: string;
}

interface QueueProps {
  ctx: PageContext;
  posts: QueuedPost[];
  comments: QueuedComment[];
  reports: OpenReport[];
  /** A refusal of a whole action (already approved, resolved …), shown at the top. */
  message?: string | undefined;
  form?: QueueFormState | undefined;
}

/** Approve, and Reject with a reason: one form each (no JavaScript needed). */
function Decision(props: {
  ctx: PageContext;
  kind: 'posts' | 'comments';
  id: string;
  form?: QueueFormState | undefined;
}) {
  const base = `/moderation/review/${props.kind}/${props.id}`;
  const key = `reject-${props.kind}:${props.id}`;
  const state = props.form?.key === key ? props.form : undefined;
  return (
    <div class="queue-decision">
      <form method="post" action={`${base}/approve`} class="inline-form">
        <CsrfField token={props.ctx.csrfToken} />
        <button type="submit">Approve</button>
      </form>
      <form method="post" action={`${base}/reject`} class="stack-form queue-reject">
        <CsrfField token={props.ctx.csrfToken} />
        <TextAreaField
          id={`field-reason-${props.kind}-${props.id}`}
          name="reason"
          label="Reason for rejecting (its author reads it)"
          value={state?.value ?? ''}
          error={state?.error}
          rows={2}
        />
        <button type="submit" class="secondary">
          Reject
        </button>
      </form>
    </div>
  );
}

function ResolveForm(props: { ctx: PageContext; id: string; form?: QueueFormState | undefined }) {
  const key = `resolve:${props.id}`;
  const state = props.form?.key === key ? props.form : undefined;
  return (
    <form method="post" action={`/moderation/reports/${props.id}/resolve`} class="stack-form queue-resolve">
      <CsrfField token={props.ctx.csrfToken} />
      <TextAreaField
        id={`field-note-${props.id}`}
        name="note"
        label="Note to the reporter (optional)"
        value={state?.value ?? ''}
        error={state?.error}
        rows={2}
      />
      <button type="submit">Resolve</button>
    </form>
  );
}

function ReportTargetLine({ report }: { report: OpenReport }) {
  const href = targetHref(report);
  const post = postPath({ id: report.postId, slug: report.postSlug });
  return (
    <p class="post-meta">
      {report.targetType === 'post' ? (
        <>
          Post <a href={href}>{report.postTitle}</a> by {report.targetAuthorDisplayName}
        </>
      ) : (
        <>
          <a href={href}>Comment</a> by {report.targetAuthorDisplayName} on <a href={post}>{report.postTitle}</a>
        </>
      )}
      {report.targetGone ? <strong> (deleted or removed since)</strong> : null}
    </p>
  );
}

/** /moderation: what waits for the staff, oldest first in each list. */
export function ModerationQueuePage(props: QueueProps) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Moderation" math>
      <h1>Moderation</h1>
      <p>
        New members’ first posts and comments wait here until a moderator approves them; approving publishes them as of
        when they were written. A rejected post goes back to its author’s drafts with the reason; a rejected comment
        stays visible to its author only, with the reason. Everything done here is in the{' '}
        <a href="/moderation/log">moderation log</a>.
      </p>
      <FormError message={props.message} />
      <section class="queue" aria-label="Posts awaiting review">
        <h2>Posts awaiting review ({props.posts.length})</h2>
        {props.posts.length === 0 ? <p class="empty">No posts are waiting.</p> : null}
        {props.posts.map((post) => (
          <article class="queue-item">
            <p class="post-meta">
              <a href={postPath(post)}>{post.title}</a> by{' '}
              <a href={`/users/${post.authorUsername}`}>{post.authorDisplayName}</a> · submitted{' '}
              <Time date={post.submittedAt} />
            </p>
            <p class="excerpt">
              <Excerpt text={post.excerpt} html={post.excerptHtml} />
            </p>
            <Decision ctx={ctx} kind="posts" id={post.id} form={props.form} />
          </article>
        ))}
      </section>
      <section class="queue" aria-label="Comments awaiting review">
        <h2>Comments awaiting review ({props.comments.length})</h2>
        {props.comments.length === 0 ? <p class="empty">No comments are waiting.</p> : null}
        {props.comments.map((comment) => {
          const post = { id: comment.postId, slug: comment.postSlug };
          return (
            <article class="queue-item">
              <p class="post-meta">
                <a href={`/users/${comment.authorUsername}`}>{comment.authorDisplayName}</a> on{' '}
                <a href={postPath(post)}>{comment.postTitle}</a>
                {comment.parentId ? (
                  <>
                    {' '}
                    (a <a href={commentPath(post, comment.parentId)}>reply</a>)
                  </>
                ) : null}{' '}
                · <Time date={comment.createdAt} />
              </p>
              <div class="comment-body content">{raw(comment.bodyHtml)}</div>
              <Decision ctx={ctx} kind="comments" id={comment.id} form={props.form} />
            </article>
          );
        })}
      </section>
      <section class="queue" aria-label="Open reports">
        <h2>Open reports ({props.reports.length})</h2>
        {props.reports.length === 0 ? <p class="empty">No open reports.</p> : null}
        {props.reports.map((report) => (
          <article class="queue-item">
            <ReportTargetLine report={report} />
            {report.excerpt ? <blockquote class="report-excerpt">{report.excerpt}</blockquote> : null}
            <p>
              Reported by <a href={`/users/${report.reporterUsername}`}>{report.reporterDisplayName}</a>{' '}
              <Time date={report.createdAt} />: {report.reason}
            </p>
            <ResolveForm ctx={ctx} id={report.id} form={props.form} />
          </article>
        ))}
      </section>
    </Layout>
  );
}
