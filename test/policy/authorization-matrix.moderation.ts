/**
 * The authorization matrix's entries for the moderation tools, reports, the review queue, authors' commenter
 * bans and the admin settings (see authorization-matrix.table.ts for the rest and the format).
 */
import type { Database } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import { removeComment, removePost } from '../../src/moderation/service.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import {
  type Attempt,
  commentRow,
  LOGGED_IN,
  type MatrixEntry,
  type MatrixRole,
  type MatrixTable,
  one,
  ownersComment,
  ownersPost,
  postRow,
  type Scene,
  STAFF,
  unique,
} from './authorization-matrix.kit.js';

const REASON = { reason: 'Matrix test.' };
/** Reporting: any logged-in reader, not of their own post or comment. */
const REPORTERS: readonly MatrixRole[] = ['newMember', 'member', 'moderator', 'admin'];

/** A moderator of the arrangement's own (the log names who acted). */
async function arrangingModerator(db: Database) {
  return actorOf(await makeUser(db, { role: 'moderator' }), { role: 'moderator' });
}

const userRow = (db: Database, id: string) =>
  one(db, 'SELECT role, banned_until, ban_reason FROM users WHERE id = $1', [id]);

/** One case of a moderation tool on a post of the owner's, prepared by `before` (e.g. removed, to restore). */
function postTool(tool: string, before?: (scene: Scene, postId: string) => Promise<unknown>): MatrixEntry {
  return {
    label: tool,
    allowed: STAFF,
    async arrange(scene) {
      const post = await ownersPost(scene);
      await before?.(scene, post.id);
      return { path: `/moderation/posts/${post.id}/${tool}`, form: REASON, probe: () => postRow(scene.db, post.id) };
    },
  };
}

function commentTool(tool: string, before?: (scene: Scene, commentId: string) => Promise<unknown>): MatrixEntry {
  return {
    label: tool,
    allowed: STAFF,
    async arrange(scene) {
      const comment = await ownersComment(scene);
      await before?.(scene, comment.id);
      return {
        path: `/moderation/comments/${comment.id}/${tool}`,
        form: REASON,
        probe: () => commentRow(scene.db, comment.id),
      };
    },
  };
}

/** The log is a public record: no method on it or below it writes, for anyone. */
function logRoutes(): MatrixTable {
  const table: Record<string, MatrixEntry> = {};
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    for (const path of ['/moderation/log', '/moderation/log/*']) {
      table[`${method} ${path}`] = {
        allowed: [],
        async arrange({ db }) {
          return {
            path: path.replace('*', '1'),
            form: {},
            probe: () => one(db, 'SELECT count(*)::int AS n FROM moderation_log', []),
          };
        },
      };
    }
  }
  return table;
}

/** A post of the owner's waiting for review. */
async function pendingPost(scene: Scene) {
  const post = await makePost(scene.db, { authorId: scene.owner.id, publish: false });
  await scene.db.query("UPDATE posts SET status = 'pending', submitted_at = now() WHERE id = $1", [post.id]);
  return post;
}

/** A comment of the owner's waiting for review, on someone else's post. */
async function pendingComment(scene: Scene) {
  const post = await makePost(scene.db);
  const id = newId();
  await scene.db.query(
    `INSERT INTO pending_comments (id, post_id, author_id, body_markdown, body_html, excerpt)
     VALUES ($1, $2, $3, 'Held.', '<p>Held.</p>', 'Held.')`,
    [id, post.id, scene.owner.id],
  );
  return id;
}

const pendingCommentState = (db: Database, id: string) =>
  one(
    db,
    `SELECT (SELECT count(*)::int FROM comments WHERE id = $1) AS published,
            (SELECT to_jsonb(p) - 'created_at' FROM pending_comments p WHERE id = $1) AS held`,
    [id],
  );

function reviewRoute(kind: 'posts' | 'comments', verdict: 'approve' | 'reject'): MatrixEntry {
  return {
    allowed: STAFF,
    async arrange(scene): Promise<Attempt> {
      const form: Record<string, string> = verdict === 'reject' ? { reason: 'Not for this forum.' } : {};
      if (kind === 'posts') {
        const post = await pendingPost(scene);
        return {
          path: `/moderation/review/posts/${post.id}/${verdict}`,
          form,
          probe: () => postRow(scene.db, post.id),
        };
      }
      const id = await pendingComment(scene);
      return {
        path: `/moderation/review/comments/${id}/${verdict}`,
        form,
        probe: () => pendingCommentState(scene.db, id),
      };
    },
  };
}

function reportRoute(kind: 'post' | 'comment'): MatrixEntry {
  return {
    allowed: REPORTERS,
    async arrange(scene) {
      const { id } = kind === 'post' ? await ownersPost(scene) : await ownersComment(scene);
      return {
        path: `/reports/${kind}/${id}`,
        form: { reason: 'This looks like spam.' },
        probe: () => one(scene.db, 'SELECT count(*)::int AS n FROM reports WHERE target_id = $1', [id]),
      };
    },
  };
}

export const MODERATION_MATRIX: MatrixTable = {
  ...logRoutes(),
  'POST /moderation/posts/:postId/:tool': [
    postTool('remove'),
    postTool('restore', async ({ db }, id) => removePost(db, await arrangingModerator(db), id, 'Spam.')),
    postTool('lock'),
    postTool('unlock', ({ db }, id) => db.query('UPDATE posts SET comments_locked = true WHERE id = $1', [id])),
    postTool('personal'),
    postTool('frontpage', ({ db }, id) => db.query('UPDATE posts SET frontpage = false WHERE id = $1', [id])),
  ],
  'POST /moderation/comments/:commentId/:tool{remove|restore}': [
    commentTool('remove'),
    commentTool('restore', async ({ db }, id) => removeComment(db, await arrangingModerator(db), id, 'Spam.')),
  ],
  'POST /moderation/users/:username/ban': {
    allowed: STAFF,
    async arrange({ db, owner }) {
      return {
        path: `/moderation/users/${owner.username}/ban`,
        form: { duration: '7', ...REASON },
        probe: () => userRow(db, owner.id),
      };
    },
  },
  'POST /moderation/users/:username/unban': {
    allowed: STAFF,
    async arrange({ db, owner }) {
      await db.query("UPDATE users SET banned_until = now() + interval '3 days', ban_reason = 'Spam.' WHERE id = $1", [
        owner.id,
      ]);
      return { path: `/moderation/users/${owner.username}/unban`, form: REASON, probe: () => userRow(db, owner.id) };
    },
  },
  'POST /moderation/users/:username/role': {
    allowed: ['admin'],
    async arrange({ db, owner }) {
      return {
        path: `/moderation/users/${owner.username}/role`,
        form: { role: 'moderator', reason: '' },
        probe: () => userRow(db, owner.id),
      };
    },
  },
  // An author's own list of users who may not comment on their posts: every logged-in reader keeps one.
  'POST /settings/commenter-bans': {
    allowed: LOGGED_IN,
    async arrange({ db }) {
      const pest = await makeUser(db);
      return {
        path: '/settings/commenter-bans',
        form: { username: pest.username },
        probe: () => one(db, 'SELECT count(*)::int AS n FROM author_commenter_bans WHERE user_id = $1', [pest.id]),
      };
    },
  },
  'POST /settings/commenter-bans/:userId/delete': {
    allowed: LOGGED_IN,
    async arrange({ db, actor, owner }) {
      const pest = await makeUser(db);
      await db.query('INSERT INTO author_commenter_bans (author_id, user_id) VALUES ($1, $2)', [
        (actor ?? owner).id,
        pest.id,
      ]);
      return {
        path: `/settings/commenter-bans/${pest.id}/delete`,
        form: {},
        probe: () => one(db, 'SELECT count(*)::int AS n FROM author_commenter_bans WHERE user_id = $1', [pest.id]),
      };
    },
  },
  'POST /reports/post/:postId': reportRoute('post'),
  'POST /reports/comment/:commentId': reportRoute('comment'),
  'POST /moderation/reports/:reportId/resolve': {
    allowed: STAFF,
    async arrange(scene) {
      const post = await makePost(scene.db);
      const id = newId();
      await scene.db.query(
        `INSERT INTO reports (id, reporter_id, target_type, target_id, post_id, reason)
         VALUES ($1, $2, 'post', $3, $3, 'Spam.')`,
        [id, scene.owner.id, post.id],
      );
      return {
        path: `/moderation/reports/${id}/resolve`,
        form: { note: 'Removed, thank you.' },
        probe: () => one(scene.db, 'SELECT resolved_at, resolution_note FROM reports WHERE id = $1', [id]),
      };
    },
  },
  'POST /moderation/review/posts/:postId/approve': reviewRoute('posts', 'approve'),
  'POST /moderation/review/posts/:postId/reject': reviewRoute('posts', 'reject'),
  'POST /moderation/review/comments/:commentId/approve': reviewRoute('comments', 'approve'),
  'POST /moderation/review/comments/:commentId/reject': reviewRoute('comments', 'reject'),
  // Saved with the review queue and the karma limits off, as every test database has them (helpers/db.ts).
  'POST /admin/settings': {
    allowed: ['admin'],
    async arrange({ db }) {
      return {
        path: '/admin/settings',
        form: { name: unique('Lyceum'), description: 'A forum.' },
        probe: () => one(db, "SELECT value FROM site_settings WHERE key = 'site'", []),
      };
    },
  },
};
