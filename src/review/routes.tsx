import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isId } from '../db/ids.js';
import { AppError, Forbidden, NotFound } from '../errors.js';
import { canReview } from '../policy/policy.js';
import { openReports } from '../reports/queries.js';
import { resolveReport } from '../reports/service.js';
import { resolveInput } from '../reports/validation.js';
import type { AppEnv } from '../web/context.js';
import { formStrings } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import { commentsAwaitingReview, postsAwaitingReview, QUEUE_PAGE_SIZE } from './queries.js';
import { ModerationQueuePage, type QueueFormState } from './queue-views.js';
import { approveComment, approvePost, rejectComment, rejectPost } from './service.js';
import { rejectInput } from './validation.js';

/** The staff's reviewer, or a refusal: a logged-out reader is sent to log in (GET) or refused (POST). */
function reviewer(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new Forbidden('Log in as a moderator to use the moderation queue.');
  if (!canReview(user)) throw new Forbidden('Only moderators and admins can use the moderation queue.');
  return user;
}

/** The queue page, with a refused action's message or a form's input and problem when there was one. */
async function showQueue(
  c: Context<AppEnv>,
  problem: { message?: string; form?: QueueFormState } = {},
  status: ContentfulStatusCode = 200,
) {
  const db = c.get('deps').db;
  const [posts, comments, reports] = await Promise.all([
    postsAwaitingReview(db),
    commentsAwaitingReview(db),
    openReports(db, QUEUE_PAGE_SIZE),
  ]);
  return c.html(
    <ModerationQueuePage
      ctx={pageContext(c)}
      posts={posts}
      comments={comments}
      reports={reports}
      message={problem.message}
      form={problem.form}
    />,
    status,
  );
}

/** A refusal that re-shows the queue (409 already decided, 404 gone) rather than a bare error page. */
async function orShowQueue(c: Context<AppEnv>, work: () => Promise<void>) {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError) || error.status === 403) throw error;
    return showQueue(c, { message: error.message }, error.status);
  }
  return c.redirect('/moderation', 303);
}

function itemId(c: Context<AppEnv>, name: string, what: string): string {
  const id = c.req.param(name) ?? '';
  if (!isId(id)) throw new NotFound(`There is no such ${what}.`);
  return id;
}

export const reviewRoutes = new Hono<AppEnv>()
  .get('/moderation', async (c) => {
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent('/moderation')}`);
    reviewer(c);
    return showQueue(c);
  })
  .post('/moderation/review/posts/:postId/approve', async (c) => {
    const user = reviewer(c);
    const postId = itemId(c, 'postId', 'post');
    return orShowQueue(c, () => approvePost(c.get('deps').db, user, postId));
  })
  .post('/moderation/review/posts/:postId/reject', async (c) => {
    const user = reviewer(c);
    const postId = itemId(c, 'postId', 'post');
    const form = formStrings(await c.req.parseBody());
    const parsed = rejectInput.safeParse({ reason: form.reason });
    if (!parsed.success) {
      const error = parsed.error.issues[0]?.message ?? 'reason is missing.';
      return showQueue(c, { form: { key: `reject-posts:${postId}`, value: form.reason ?? '', error } }, 422);
    }
    return orShowQueue(c, () => rejectPost(c.get('deps').db, user, postId, parsed.data.reason));
  })
  .post('/moderation/review/comments/:commentId/approve', async (c) => {
    const user = reviewer(c);
    const id = itemId(c, 'commentId', 'comment');
    return orShowQueue(c, () => approveComment(c.get('deps').db, user, id, c.get('deps').config.baseUrl));
  })
  .post('/moderation/review/comments/:commentId/reject', async (c) => {
    const user = reviewer(c);
    const id = itemId(c, 'commentId', 'comment');
    const form = formStrings(await c.req.parseBody());
    const parsed = rejectInput.safeParse({ reason: form.reason });
    if (!parsed.success) {
      const error = parsed.error.issues[0]?.message ?? 'reason is missing.';
      return showQueue(c, { form: { key: `reject-comments:${id}`, value: form.reason ?? '', error } }, 422);
    }
    return orShowQueue(c, () => rejectComment(c.get('deps').db, user, id, parsed.data.reason));
  })
  .post('/moderation/reports/:reportId/resolve', async (c) => {
    const user = reviewer(c);
    const id = itemId(c, 'reportId', 'report');
    const form = formStrings(await c.req.parseBody());
    const parsed = resolveInput.safeParse({ note: form.note });
    if (!parsed.success) {
      const error = parsed.error.issues[0]?.message ?? 'note must be text.';
      return showQueue(c, { form: { key: `resolve:${id}`, value: form.note ?? '', error } }, 422);
    }
    return orShowQueue(c, () => resolveReport(c.get('deps').db, user, id, parsed.data.note));
  });
