import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { changedHere } from '../cache/middleware.js';
import { isId } from '../db/ids.js';
import { AppError, Forbidden, NotFound } from '../errors.js';
import { canReport } from '../policy/policy.js';
import type { AppEnv } from '../web/context.js';
import { formStrings } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import { type ReportTarget, reportableComment, reportablePost, reportsOfUser } from './queries.js';
import { fileReport, markResolutionsSeen } from './service.js';
import { reportInput } from './validation.js';
import { type ReportFormState, ReportPage, YourReportsPage } from './views.js';

/** "Your reports" lists this many, newest first. */
const OWN_REPORTS_SHOWN = 100;

type Kind = 'post' | 'comment';

/** The post or comment the path names, if it can be reported (live, on a live post); otherwise a 404. */
async function targetOf(c: Context<AppEnv>, kind: Kind): Promise<ReportTarget> {
  const id = c.req.param(kind === 'post' ? 'postId' : 'commentId') ?? '';
  const db = c.get('deps').db;
  const target = !isId(id)
    ? undefined
    : kind === 'post'
      ? await reportablePost(db, id)
      : await reportableComment(db, id);
  if (!target) throw new NotFound(`There is no ${kind} at this address, or it has been deleted.`);
  return target;
}

function showForm(
  c: Context<AppEnv>,
  target: ReportTarget,
  state: ReportFormState,
  status: ContentfulStatusCode = 200,
) {
  return c.html(<ReportPage ctx={pageContext(c)} target={target} action={c.req.path} state={state} />, status);
}

async function reportForm(c: Context<AppEnv>, kind: Kind) {
  const user = c.get('user');
  if (!user) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
  const target = await targetOf(c, kind);
  if (!canReport(user, target)) throw new Forbidden(`You cannot report your own ${kind}.`);
  return showForm(c, target, { reason: '' });
}

async function sendReport(c: Context<AppEnv>, kind: Kind) {
  const user = c.get('user');
  if (!user) throw new Forbidden(`Log in to report a ${kind}.`);
  const target = await targetOf(c, kind);
  const form = formStrings(await c.req.parseBody());
  const parsed = reportInput.safeParse({ reason: form.reason });
  if (!parsed.success) {
    const fieldError = parsed.error.issues[0]?.message ?? 'reason is missing.';
    return showForm(c, target, { reason: form.reason ?? '', fieldError }, 422);
  }
  try {
    await fileReport(c.get('deps').db, user, target, parsed.data.reason);
  } catch (error) {
    // Reported already, or one's own: said on the form, with the reason kept.
    if (!(error instanceof AppError)) throw error;
    return showForm(c, target, { reason: form.reason ?? '', error: error.message }, error.status);
  }
  return c.redirect('/reports?sent=1', 303);
}

export const reportRoutes = new Hono<AppEnv>()
  // Under /reports, not /posts/:postId/report: that is the address of a post whose title slugs to "report".
  .get('/reports/post/:postId', (c) => reportForm(c, 'post'))
  .post('/reports/post/:postId', (c) => sendReport(c, 'post'))
  .get('/reports/comment/:commentId', (c) => reportForm(c, 'comment'))
  .post('/reports/comment/:commentId', (c) => sendReport(c, 'comment'))
  .get('/reports', async (c) => {
    const user = c.get('user');
    if (!user) return c.redirect(`/login?next=${encodeURIComponent('/reports')}`);
    const db = c.get('deps').db;
    const reports = await reportsOfUser(db, user.id, OWN_REPORTS_SHOWN);
    if ((user.unseenReportResolutions ?? 0) > 0) {
      // Read now: the header's "Your reports" link goes (the user's row changes: their session follows).
      await markResolutionsSeen(db, user.id);
      changedHere(c, `user:${user.id}`);
    }
    const ctx = pageContext(c);
    // This page shows them: its own header needs no link to it.
    ctx.user = { ...user, unseenReportResolutions: 0 };
    return c.html(<YourReportsPage ctx={ctx} reports={reports} sent={c.req.query('sent') === '1'} />);
  });
