import { raw } from 'hono/html';
import type { PostRow } from '../posts/queries.js';
import { FormError } from '../web/forms.js';
import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import { type BannedCommenter, COMMENTS_LOCKED } from './authors.js';
import { removedNote } from './controls.js';
import type { ModerationAction } from './log.js';
import type { LogEntry } from './log-queries.js';
import { MAX_BAN_DAYS, MAX_REASON_CHARS } from './validation.js';

/** A reason box: every moderator action says why, and the log shows it. */
function ReasonField(props: { value?: string | undefined; error?: string | undefined }) {
  return (
    <label class="moderation-reason">
      Reason{' '}
      <input
        type="text"
        name="reason"
        required
        maxlength={MAX_REASON_CHARS}
        value={props.value ?? ''}
        aria-invalid={props.error ? 'true' : undefined}
      />
      {props.error ? <span class="field-error"> {props.error}</span> : null}
    </label>
  );
}

/** One moderator action as a plain form: a reason and a button, posting to /moderation/…. */
export function ActionForm(props: {
  action: string;
  label: string;
  csrfToken: string;
  reason?: string;
  error?: string;
}) {
  return (
    <form method="post" action={props.action} class="moderation-form">
      <CsrfField token={props.csrfToken} />
      <ReasonField value={props.reason} error={props.error} />{' '}
      <button type="submit" class="link-button">
        {props.label}
      </button>
    </form>
  );
}

/** The staff's tools on a post page (shown only to staff; the routes check again). */
export function PostModerationPanel({ post, csrfToken }: { post: PostRow; csrfToken: string }) {
  const base = `/moderation/posts/${post.id}`;
  if (post.deletedAt) {
    return post.removedReason !== null ? (
      <div class="moderation-panel">
        <p class="removed-note">{removedNote(post.removedReason)} (only staff see this post now)</p>
        <ActionForm action={`${base}/restore`} label="Restore post" csrfToken={csrfToken} />
      </div>
    ) : null;
  }
  return (
    <details class="moderation-panel">
      <summary>Moderate</summary>
      <ActionForm action={`${base}/remove`} label="Remove post" csrfToken={csrfToken} />
      <ActionForm
        action={`${base}/${post.commentsLocked ? 'unlock' : 'lock'}`}
        label={post.commentsLocked ? 'Unlock comments' : 'Lock comments'}
        csrfToken={csrfToken}
      />
      <ActionForm
        action={`${base}/${post.frontpage ? 'personal' : 'frontpage'}`}
        label={post.frontpage ? 'Move to personal blog' : 'Move to frontpage'}
        csrfToken={csrfToken}
      />
    </details>
  );
}

/** Above the comment box: the author's guidelines, and the lock if there is one. */
export function CommentBoxNotes({ post }: { post: PostRow }) {
  return (
    <>
      {post.guidelinesHtml ? (
        <aside class="moderation-guidelines" aria-label="Moderation guidelines">
          <p class="moderation-guidelines-title">Moderation guidelines</p>
          <div class="content">{raw(post.guidelinesHtml)}</div>
        </aside>
      ) : null}
      {post.commentsLocked ? <p class="comments-locked">{COMMENTS_LOCKED}</p> : null}
    </>
  );
}

/** A moderator action refused for its input: the form again with the reason as typed and the message. */
export function ActionFormPage(props: {
  ctx: PageContext;
  title: string;
  action: string;
  label: string;
  message: string;
  values: Record<string, string>;
  fields: Record<string, string>;
  ban?: boolean;
}) {
  return (
    <Layout ctx={props.ctx} title={props.title} math={false}>
      <section class="narrow">
        <h1>{props.title}</h1>
        <FormError message={props.message} />
        {props.ban ? (
          <BanForm action={props.action} csrfToken={props.ctx.csrfToken} values={props.values} fields={props.fields} />
        ) : (
          <ActionForm
            action={props.action}
            label={props.label}
            csrfToken={props.ctx.csrfToken}
            reason={props.values.reason ?? ''}
            error={props.fields.reason}
          />
        )}
      </section>
    </Layout>
  );
}

export function BanForm(props: {
  action: string;
  csrfToken: string;
  values?: Record<string, string>;
  fields?: Record<string, string>;
}) {
  const error = props.fields?.duration;
  return (
    <form method="post" action={props.action} class="moderation-form">
      <CsrfField token={props.csrfToken} />
      <label>
        Days (1–{MAX_BAN_DAYS}) or “forever”{' '}
        <input
          type="text"
          name="duration"
          required
          size={8}
          value={props.values?.duration ?? ''}
          aria-invalid={error ? 'true' : undefined}
        />
        {error ? <span class="field-error"> {error}</span> : null}
      </label>{' '}
      <ReasonField value={props.values?.reason} error={props.fields?.reason} />{' '}
      <button type="submit" class="link-button">
        Ban
      </button>
    </form>
  );
}

/** On a profile: the ban in force (everyone sees it), and for staff the ban and role controls. */
export function ProfileModeration(props: {
  ctx: PageContext;
  username: string;
  role: string;
  ban: { forever: boolean; until: Date | null; reason: string } | null;
  /** The profile is the reader's own: a link to their list of banned commenters. */
  isOwner: boolean;
  canBan: boolean;
  canChangeRole: boolean;
}) {
  const base = `/moderation/users/${props.username}`;
  return (
    <>
      {props.ban ? (
        <p class="profile-ban">
          Banned{' '}
          {props.ban.forever || !props.ban.until ? (
            'for good'
          ) : (
            <>
              until <Time date={props.ban.until} style="date" />
            </>
          )}
          {props.ban.reason ? `: ${props.ban.reason}` : '.'}
        </p>
      ) : null}
      {props.isOwner ? (
        <p class="post-meta">
          <a href="/settings">Account settings</a> ·{' '}
          <a href="/settings/commenter-bans">Users banned from commenting on your posts</a>
        </p>
      ) : null}
      {props.canBan || props.canChangeRole ? (
        <details class="moderation-panel">
          <summary>Moderate</summary>
          {props.canBan ? (
            props.ban ? (
              <ActionForm action={`${base}/unban`} label="Lift the ban" csrfToken={props.ctx.csrfToken} />
            ) : (
              <BanForm action={`${base}/ban`} csrfToken={props.ctx.csrfToken} />
            )
          ) : null}
          {props.canChangeRole ? (
            <form method="post" action={`${base}/role`} class="moderation-form">
              <CsrfField token={props.ctx.csrfToken} />
              <label>
                Role{' '}
                <select name="role">
                  {['member', 'moderator', 'admin'].map((role) => (
                    <option value={role} selected={role === props.role}>
                      {role}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <ReasonField />{' '}
              <button type="submit" class="link-button">
                Change role
              </button>
            </form>
          ) : null}
        </details>
      ) : null}
    </>
  );
}

// Typed by every action, so an action added to ModerationAction without words for the log does not compile.
const ACTION_LABELS: Record<ModerationAction, string> = {
  'remove-post': 'removed post',
  'restore-post': 'restored post',
  'remove-comment': 'removed',
  'restore-comment': 'restored',
  'lock-comments': 'locked comments on',
  'unlock-comments': 'unlocked comments on',
  'move-to-frontpage': 'moved to the frontpage',
  'move-to-personal-blog': 'moved to personal blog',
  'ban-user': 'banned',
  'unban-user': 'lifted the ban of',
  'change-role': 'changed the role of',
  'approve-post': 'approved the post',
  'reject-post': 'sent back to its author the post',
  'approve-comment': 'approved',
  'reject-comment': 'rejected',
  'resolve-report': 'resolved a report on',
  'change-site-settings': 'changed the site settings of',
};

export function ModerationLogPage(props: { ctx: PageContext; entries: LogEntry[]; nextHref?: string | undefined }) {
  return (
    <Layout ctx={props.ctx} title="Moderation log" math={false}>
      <section class="narrow moderation-log">
        <h1>Moderation log</h1>
        <p>Everything moderators do is listed here, newest first. Removed content itself is never shown.</p>
        {props.entries.length === 0 ? (
          <p class="empty">Nothing yet.</p>
        ) : (
          <ol class="moderation-log-entries" data-list="moderation-log">
            {props.entries.map((entry) => (
              <li class="moderation-log-entry">
                <a href={`/users/${entry.moderatorUsername}`}>{entry.moderatorDisplayName}</a>{' '}
                {ACTION_LABELS[entry.action as ModerationAction] ?? entry.action}{' '}
                {entry.href ? <a href={entry.href}>{entry.targetLabel}</a> : <span>{entry.targetLabel}</span>} ·{' '}
                <Time date={entry.createdAt} />
                {entry.reason ? <p class="moderation-log-reason">{entry.reason}</p> : null}
              </li>
            ))}
          </ol>
        )}
        {props.nextHref ? (
          <p class="load-more">
            <a href={props.nextHref}>Load more</a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

export function CommenterBansPage(props: {
  ctx: PageContext;
  bans: BannedCommenter[];
  username?: string;
  error?: string | undefined;
}) {
  return (
    <Layout ctx={props.ctx} title="Banned commenters" math={false}>
      <section class="narrow">
        <h1>Banned commenters</h1>
        <p>Users on this list cannot comment on any of your posts.</p>
        <form method="post" action="/settings/commenter-bans" class="stack-form">
          <CsrfField token={props.ctx.csrfToken} />
          <FormError message={props.error} />
          <label>
            Username <input type="text" name="username" required maxlength={32} value={props.username ?? ''} />
          </label>{' '}
          <button type="submit">Ban from my posts</button>
        </form>
        {props.bans.length === 0 ? (
          <p class="empty">Nobody is banned from your posts.</p>
        ) : (
          <ul class="commenter-bans">
            {props.bans.map((ban) => (
              <li>
                <a href={`/users/${ban.username}`}>{ban.displayName}</a> (since{' '}
                <Time date={ban.createdAt} style="date" />){' '}
                <form method="post" action={`/settings/commenter-bans/${ban.userId}/delete`} class="inline-form">
                  <CsrfField token={props.ctx.csrfToken} />
                  <button type="submit" class="link-button">
                    Lift
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
