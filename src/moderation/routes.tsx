import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { USERNAME_PATTERN } from '../accounts/validation.js';
import { isId } from '../db/ids.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { canChangeRoles, canModerate } from '../policy/policy.js';
import { commentPath, postPath } from '../posts/paths.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput, parseNamingFields } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import { banCommenter, commenterBansOf, requireAuthor, unbanCommenter } from './authors.js';
import { decodeLogCursor, encodeLogCursor, moderationLogPage } from './log-queries.js';
import { removeComment, removePost, restoreComment, restorePost, setCommentsLocked, setFrontpage } from './service.js';
import { banUser, setRole, unbanUser } from './users.js';
import { actionInput, banInput, roleInput, unbanInput } from './validation.js';
import { ActionFormPage, CommenterBansPage, ModerationLogPage } from './views.js';

const LOG_PAGE_SIZE = 50;

/** The logged-in staff member making this request; anyone else is refused before their input is read. */
function requireStaff(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new Forbidden('Log in as a moderator to do that.');
  if (!canModerate(user)) throw new Forbidden('Only moderators and admins can do that.');
  return user;
}

/**
 * Reads the form, parses it with `schema` and runs `work`; input that does not parse is shown again on a page
 * with the form, what was typed and the message for each field (422), and nothing is changed or logged.
 */
async function withForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  page: { title: string; label: string; ban?: boolean },
  work: (input: z.infer<S>) => Promise<string>,
) {
  const form = formStrings(await c.req.parseBody());
  let input: z.infer<S>;
  try {
    input = parseInput(schema, form);
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const message = Object.values(error.fields).join(' ') || error.message;
    return c.html(
      <ActionFormPage
        ctx={pageContext(c)}
        title={page.title}
        label={page.label}
        ban={page.ban}
        action={c.req.path}
        message={message}
        values={form}
        fields={error.fields}
      />,
      422,
    );
  }
  return c.redirect(await work(input), 303);
}

async function postTarget(c: Context<AppEnv>) {
  const id = c.req.param('postId') ?? '';
  const rows = isId(id)
    ? await c.get('deps').db.query<{ id: string; slug: string }>('SELECT id, slug FROM posts WHERE id = $1', [id])
    : [];
  if (!rows[0]) throw new NotFound('There is no such post.');
  return rows[0];
}

async function commentTarget(c: Context<AppEnv>) {
  const id = c.req.param('commentId') ?? '';
  const rows = isId(id)
    ? await c
        .get('deps')
        .db.query<{ id: string; postId: string; slug: string }>(
          'SELECT c.id, p.id AS "postId", p.slug FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = $1',
          [id],
        )
    : [];
  if (!rows[0]) throw new NotFound('There is no such comment.');
  return rows[0];
}

async function userTarget(c: Context<AppEnv>) {
  const username = c.req.param('username') ?? '';
  const rows =
    USERNAME_PATTERN.test(username) && username.length <= 32
      ? await c
          .get('deps')
          .db.query<{ id: string; username: string }>(
            'SELECT id, username FROM users WHERE lower(username) = lower($1)',
            [username],
          )
      : [];
  if (!rows[0]) throw new NotFound('There is no user with that name.');
  return rows[0];
}

type PostTool = 'remove' | 'restore' | 'lock' | 'unlock' | 'frontpage' | 'personal';
const POST_TOOLS: Record<PostTool, string> = {
  remove: 'Remove post',
  restore: 'Restore post',
  lock: 'Lock comments',
  unlock: 'Unlock comments',
  frontpage: 'Move to frontpage',
  personal: 'Move to personal blog',
};

export const moderationRoutes = new Hono<AppEnv>()
  .get('/moderation/log', async (c) => {
    const cursor = decodeLogCursor(c.req.query('after'));
    const rows = await moderationLogPage(c.get('deps').db, LOG_PAGE_SIZE + 1, cursor);
    const entries = rows.slice(0, LOG_PAGE_SIZE);
    const last = entries.at(-1);
    const nextHref =
      rows.length > LOG_PAGE_SIZE && last
        ? `/moderation/log?after=${encodeLogCursor({ at: last.createdAt.toISOString(), id: last.id })}`
        : undefined;
    // Not cached: a moderator's action must show at once, and nothing announces log inserts.
    return c.html(<ModerationLogPage ctx={pageContext(c)} entries={entries} nextHref={nextHref} />);
  })
  // The log is a public record: no route deletes or edits an entry, and an attempt is told so.
  .on(['POST', 'PUT', 'PATCH', 'DELETE'], ['/moderation/log', '/moderation/log/*'], () => {
    throw new Forbidden('Moderation log entries cannot be deleted or changed.');
  })
  .post('/moderation/posts/:postId/:tool', async (c) => {
    const tool = c.req.param('tool') as PostTool;
    if (!Object.hasOwn(POST_TOOLS, tool)) throw new NotFound('There is no such moderation tool.');
    const user = requireStaff(c);
    const post = await postTarget(c);
    const db = c.get('deps').db;
    return withForm(c, actionInput, { title: POST_TOOLS[tool], label: POST_TOOLS[tool] }, async ({ reason }) => {
      if (tool === 'remove') await removePost(db, user, post.id, reason);
      else if (tool === 'restore') await restorePost(db, user, post.id, reason);
      else if (tool === 'lock' || tool === 'unlock')
        await setCommentsLocked(db, user, post.id, tool === 'lock', reason);
      else await setFrontpage(db, user, post.id, tool === 'frontpage', reason);
      return postPath(post);
    });
  })
  .post('/moderation/comments/:commentId/:tool{remove|restore}', async (c) => {
    const tool = c.req.param('tool');
    const user = requireStaff(c);
    const comment = await commentTarget(c);
    const db = c.get('deps').db;
    const label = tool === 'remove' ? 'Remove comment' : 'Restore comment';
    return withForm(c, actionInput, { title: label, label }, async ({ reason }) => {
      if (tool === 'remove') await removeComment(db, user, comment.id, reason);
      else await restoreComment(db, user, comment.id, reason);
      return `${commentPath({ id: comment.postId, slug: comment.slug }, comment.id)}`;
    });
  })
  .post('/moderation/users/:username/ban', async (c) => {
    const user = requireStaff(c);
    const target = await userTarget(c);
    return withForm(c, banInput, { title: `Ban ${target.username}`, label: 'Ban', ban: true }, async (input) => {
      await banUser(c.get('deps').db, user, { userId: target.id, duration: input.duration, reason: input.reason });
      return `/users/${target.username}`;
    });
  })
  .post('/moderation/users/:username/unban', async (c) => {
    const user = requireStaff(c);
    const target = await userTarget(c);
    const label = `Lift the ban of ${target.username}`;
    return withForm(c, unbanInput, { title: label, label: 'Lift the ban' }, async ({ reason }) => {
      await unbanUser(c.get('deps').db, user, target.id, reason);
      return `/users/${target.username}`;
    });
  })
  .post('/moderation/users/:username/role', async (c) => {
    const user = c.get('user');
    if (!user || !canChangeRoles(user)) throw new Forbidden('Only admins can change roles.');
    const target = await userTarget(c);
    const form = formStrings(await c.req.parseBody());
    const input = parseNamingFields(roleInput, form);
    await setRole(c.get('deps').db, user, target.id, input.role, input.reason);
    return c.redirect(`/users/${target.username}`, 303);
  })
  .get('/settings/commenter-bans', async (c) => {
    const user = c.get('user');
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    const bans = await commenterBansOf(c.get('deps').db, user.id);
    return c.html(<CommenterBansPage ctx={pageContext(c)} bans={bans} />);
  })
  .post('/settings/commenter-bans', async (c) => {
    const user = requireAuthor(c.get('user'));
    const form = formStrings(await c.req.parseBody());
    const username = (form.username ?? '').trim();
    const db = c.get('deps').db;
    try {
      if (!USERNAME_PATTERN.test(username) || username.length > 32) {
        throw new Invalid('Username: give the name of an existing user.', { username: 'Not a username.' });
      }
      await banCommenter(db, user.id, username);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const bans = await commenterBansOf(db, user.id);
      return c.html(
        <CommenterBansPage ctx={pageContext(c)} bans={bans} username={username} error={error.message} />,
        422,
      );
    }
    return c.redirect('/settings/commenter-bans', 303);
  })
  .post('/settings/commenter-bans/:userId/delete', async (c) => {
    const user = requireAuthor(c.get('user'));
    const userId = c.req.param('userId');
    if (!isId(userId)) throw new NotFound('That user is not on your list.');
    await unbanCommenter(c.get('deps').db, user.id, userId);
    return c.redirect('/settings/commenter-bans', 303);
  });
