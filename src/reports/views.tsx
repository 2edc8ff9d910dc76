import { commentPath, postPath } from '../posts/paths.js';
import { FormError, TextAreaField } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { OwnReport, ReportTarget } from './queries.js';
import { MAX_REPORT_REASON_CHARS } from './validation.js';

/** Where a report's target is read: the post, or the comment's permalink. */
export function targetHref(target: {
  targetType: 'post' | 'comment';
  targetId: string;
  postId: string;
  postSlug: string;
}) {
  const post = { id: target.postId, slug: target.postSlug };
  return target.targetType === 'post' ? postPath(post) : commentPath(post, target.targetId);
}

export interface ReportFormState {
  reason: string;
  /** The reason's own problem (missing, too long). */
  fieldError?: string | undefined;
  /** A refusal of the report as a whole (already reported, own content). */
  error?: string | undefined;
}

/** The report form: what is reported, and the reason. */
export function ReportPage(props: { ctx: PageContext; target: ReportTarget; action: string; state: ReportFormState }) {
  const { target, state } = props;
  const noun = target.type;
  const href = targetHref({
    targetType: target.type,
    targetId: target.id,
    postId: target.postId,
    postSlug: target.postSlug,
  });
  return (
    <Layout ctx={props.ctx} title={`Report a ${noun}`} math={false}>
      <h1>Report a {noun}</h1>
      <p class="post-meta">
        {noun === 'post' ? (
          <>
            The post <a href={href}>{target.postTitle}</a> by {target.authorDisplayName}
          </>
        ) : (
          <>
            <a href={href}>A comment</a> by {target.authorDisplayName} on{' '}
            <a href={postPath({ id: target.postId, slug: target.postSlug })}>{target.postTitle}</a>
          </>
        )}
      </p>
      {target.excerpt ? <blockquote class="report-excerpt">{target.excerpt}</blockquote> : null}
      <form method="post" action={props.action} class="stack-form">
        <CsrfField token={props.ctx.csrfToken} />
        <FormError message={state.error} />
        <TextAreaField
          name="reason"
          label="Why are you reporting it?"
          hint={`Only the moderators read this. At most ${MAX_REPORT_REASON_CHARS.toLocaleString('en')} characters.`}
          value={state.reason}
          error={state.fieldError}
          rows={5}
        />
        <div class="editor-buttons">
          <button type="submit">Send report</button>
        </div>
      </form>
    </Layout>
  );
}

/** A reporter's own reports, with what the moderators did about each. */
export function YourReportsPage(props: { ctx: PageContext; reports: OwnReport[]; sent: boolean }) {
  return (
    <Layout ctx={props.ctx} title="Your reports" math={false}>
      <h1>Your reports</h1>
      {props.sent ? (
        <p class="notice" role="status">
          Thank you: your report was sent to the moderators. You will see here what they decide.
        </p>
      ) : null}
      {props.reports.length === 0 ? (
        <p class="empty">You have not reported anything.</p>
      ) : (
        <ul class="report-list">
          {props.reports.map((report) => (
            <li class="report-item">
              <p class="post-meta">
                {report.targetType === 'post' ? 'Post' : 'A comment on'}{' '}
                <a href={targetHref(report)}>{report.postTitle}</a> · reported <Time date={report.createdAt} /> ·{' '}
                {report.resolvedAt ? (
                  <strong class="report-status">
                    Resolved <Time date={report.resolvedAt} />
                  </strong>
                ) : (
                  <span class="report-status">Open</span>
                )}
              </p>
              <p class="report-reason">Your reason: {report.reason}</p>
              {report.resolvedAt && report.resolutionNote ? (
                <p class="report-note">Moderator’s note: {report.resolutionNote}</p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
