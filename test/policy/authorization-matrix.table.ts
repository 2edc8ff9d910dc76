/**
 * The authorization matrix's table: for every state-changing route (by Hono's method and path pattern), how to
 * make a request to it acting on a target of its own, what that request would change, and which roles may make
 * it. authorization-matrix.test.ts runs each entry once per role and fails for a route missing here. The
 * moderation tools, reports, the review queue and the admin settings are in authorization-matrix.moderation.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database.js';
import { makePost, makeUser } from '../helpers/factories.js';
import { snapshot } from '../sequences/helpers.js';
import { linkPost, makeTag } from '../tags/tags-helpers.js';
import { ACCOUNTS_MATRIX } from './authorization-matrix.accounts.js';
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
  ownersSequence,
  postRow,
  ROLES,
  type Scene,
  STAFF,
  TAGGERS,
  unique,
} from './authorization-matrix.kit.js';
import { MODERATION_MATRIX } from './authorization-matrix.moderation.js';
import { NOTIFICATIONS_MATRIX } from './authorization-matrix.notifications.js';

export const MATRIX: MatrixTable = {
  // ---- Accounts ----
  'POST /signup': {
    allowed: ['anonymous', ...LOGGED_IN],
    async arrange({ db }) {
      const username = `new_${randomBytes(4).toString('hex')}`;
      return {
        path: '/signup',
        form: { username, email: `${username}@example.org`, password: 'a long enough password' },
        probe: () => one(db, 'SELECT id FROM users WHERE username = $1', [username]),
      };
    },
  },
  'POST /login': {
    // Banned users log in (and read); anonymous readers log in as the target's owner.
    allowed: [...ROLES],
    async arrange({ db, actor, owner }) {
      const who = actor ?? owner;
      return {
        path: '/login',
        form: { login: who.username, password: who.password },
        probe: () => one(db, 'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [who.id]),
      };
    },
  },
  'POST /logout': {
    allowed: ['newMember', 'member', 'banned', 'author', 'moderator', 'admin'],
    harmless: ['anonymous'],
    async arrange({ db, actor }) {
      return {
        path: '/logout',
        form: {},
        probe: () => one(db, 'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [actor?.id ?? '']),
      };
    },
  },
  // A member's own account: whoever is logged in acts on their own (banned members too: securing an account
  // is not writing on the forum).
  'POST /settings/password': {
    allowed: ['newMember', 'member', 'banned', 'author', 'moderator', 'admin'],
    async arrange({ db, actor }) {
      return {
        path: '/settings/password',
        form: { current: actor?.password ?? 'none', password: 'a brand new passphrase' },
        probe: () => one(db, 'SELECT password_hash FROM users WHERE id = $1', [actor?.id ?? '']),
      };
    },
  },
  'POST /settings/logout-everywhere': {
    allowed: ['newMember', 'member', 'banned', 'author', 'moderator', 'admin'],
    async arrange({ db, actor }) {
      return {
        path: '/settings/logout-everywhere',
        form: {},
        probe: () => one(db, 'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [actor?.id ?? '']),
      };
    },
  },
  'POST /users/:username/edit': {
    allowed: ['author'],
    async arrange({ db, owner }) {
      return {
        path: `/users/${owner.username}/edit`,
        form: { displayName: unique('Renamed'), bio: 'A new bio.' },
        probe: () => one(db, 'SELECT display_name, bio_markdown FROM users WHERE id = $1', [owner.id]),
      };
    },
  },
  'POST /tag-filters': {
    allowed: LOGGED_IN,
    async arrange({ db, actor }) {
      const tag = await makeTag(db);
      return {
        path: '/tag-filters',
        form: { tagId: tag.id, mode: 'hidden', returnTo: '/' },
        probe: () =>
          one(db, 'SELECT count(*)::int AS n FROM user_tag_filters WHERE tag_id = $1 AND user_id = $2', [
            tag.id,
            actor?.id ?? '',
          ]),
      };
    },
  },

  // ---- Posts ----
  'POST /posts/new': {
    allowed: LOGGED_IN,
    async arrange({ db }) {
      const title = unique('A new post');
      return {
        path: '/posts/new',
        form: { title, body: 'Its text.', intent: 'publish' },
        probe: () => one(db, 'SELECT count(*)::int AS n FROM posts WHERE title = $1', [title]),
      };
    },
  },
  'POST /posts/:postId/edit': {
    allowed: ['author'],
    async arrange(scene) {
      const post = await ownersPost(scene);
      return {
        path: `/posts/${post.id}/edit`,
        form: { title: unique('Edited'), body: 'Edited text.', intent: 'save' },
        probe: () => postRow(scene.db, post.id),
      };
    },
  },
  'POST /posts/:postId/delete': {
    allowed: ['author', ...STAFF],
    async arrange(scene) {
      const post = await ownersPost(scene);
      return { path: `/posts/${post.id}/delete`, form: { confirm: 'yes' }, probe: () => postRow(scene.db, post.id) };
    },
  },
  'POST /api/preview': {
    allowed: LOGGED_IN,
    readOnly: true,
    async arrange() {
      return { path: '/api/preview', json: { markdown: 'Some *text*.' }, probe: async () => null };
    },
  },

  // ---- Comments ----
  'POST /posts/:postId/comments': {
    allowed: LOGGED_IN,
    async arrange(scene) {
      const post = await ownersPost(scene);
      const body = unique('A new comment');
      return {
        path: `/posts/${post.id}/comments`,
        form: { body, intent: 'submit' },
        probe: () => one(scene.db, 'SELECT count(*)::int AS n FROM comments WHERE body_markdown = $1', [body]),
      };
    },
  },
  'POST /comments/:commentId/edit': {
    allowed: ['author'],
    async arrange(scene) {
      const comment = await ownersComment(scene);
      return {
        path: `/comments/${comment.id}/edit`,
        form: { body: unique('Edited comment') },
        probe: () => commentRow(scene.db, comment.id),
      };
    },
  },
  'POST /comments/:commentId/retract': {
    allowed: ['author'],
    async arrange(scene) {
      const comment = await ownersComment(scene);
      return {
        path: `/comments/${comment.id}/retract`,
        form: { retracted: 'true' },
        probe: () => commentRow(scene.db, comment.id),
      };
    },
  },
  'POST /comments/:commentId/delete': {
    allowed: ['author', ...STAFF],
    async arrange(scene) {
      const comment = await ownersComment(scene);
      return { path: `/comments/${comment.id}/delete`, form: {}, probe: () => commentRow(scene.db, comment.id) };
    },
  },

  // ---- Votes (never on one's own post or comment) ----
  'POST /votes': {
    allowed: ['newMember', 'member', 'moderator', 'admin'],
    async arrange(scene) {
      const post = await ownersPost(scene);
      return {
        path: '/votes',
        form: { vote: `post/${post.id}/up/none`, returnTo: '/' },
        probe: () => postRow(scene.db, post.id),
      };
    },
  },
  'POST /api/votes': {
    allowed: ['newMember', 'member', 'moderator', 'admin'],
    async arrange(scene) {
      const comment = await ownersComment(scene);
      return {
        path: '/api/votes',
        json: { targetType: 'comment', targetId: comment.id, kind: 'agree' },
        probe: () => commentRow(scene.db, comment.id),
      };
    },
  },

  // ---- Tags ----
  'POST /tags/new': {
    allowed: TAGGERS,
    async arrange({ db }) {
      const name = unique('Topic');
      return {
        path: '/tags/new',
        form: { name, description: 'About it.' },
        probe: () => one(db, 'SELECT count(*)::int AS n FROM tags WHERE name = $1', [name]),
      };
    },
  },
  'POST /tags/:slug/edit': {
    // A tag's creator has no right of their own over it: the tagging karma decides.
    allowed: TAGGERS,
    async arrange({ db, owner }) {
      const tag = await makeTag(db, { creatorId: owner.id });
      return {
        path: `/tags/${tag.slug}/edit`,
        form: { name: tag.name, description: unique('New words'), note: '' },
        probe: () => one(db, 'SELECT description_markdown FROM tags WHERE id = $1', [tag.id]),
      };
    },
  },
  'POST /posts/:postId/tags': {
    // The post's author tags it at any karma; others need the tagging karma.
    allowed: ['member', 'author', ...STAFF],
    async arrange(scene) {
      const [post, tag] = await Promise.all([ownersPost(scene), makeTag(scene.db)]);
      return {
        path: `/posts/${post.id}/tags`,
        form: { tagId: tag.id },
        probe: () => one(scene.db, 'SELECT count(*)::int AS n FROM post_tags WHERE post_id = $1', [post.id]),
      };
    },
  },
  'POST /posts/:postId/tags/:tagId/relevance': {
    allowed: LOGGED_IN,
    async arrange(scene) {
      const { post, tag } = await taggedPost(scene);
      return {
        path: `/posts/${post.id}/tags/${tag.id}/relevance`,
        form: { relevance: 'up/none' },
        probe: () => relevanceRow(scene.db, post.id, tag.id),
      };
    },
  },
  'POST /api/posts/:postId/tags/:tagId/relevance': {
    allowed: LOGGED_IN,
    async arrange(scene) {
      const { post, tag } = await taggedPost(scene);
      return {
        path: `/api/posts/${post.id}/tags/${tag.id}/relevance`,
        json: { relevance: 'down/none' },
        probe: () => relevanceRow(scene.db, post.id, tag.id),
      };
    },
  },

  // ---- Sequences (their author edits them; the staff may also delete one) ----
  'POST /sequences/new': {
    allowed: LOGGED_IN,
    async arrange({ db }) {
      const title = unique('A sequence');
      return {
        path: '/sequences/new',
        form: { title, description: 'In order.' },
        probe: () => one(db, 'SELECT count(*)::int AS n FROM sequences WHERE title = $1', [title]),
      };
    },
  },
  ...sequenceRoutes(),
  ...MODERATION_MATRIX,
  ...ACCOUNTS_MATRIX,
  ...NOTIFICATIONS_MATRIX,
};

async function taggedPost(scene: Scene) {
  const [post, tag, applier] = await Promise.all([ownersPost(scene), makeTag(scene.db), makeUser(scene.db)]);
  await linkPost(scene.db, post.id, tag.id, 1, applier.id);
  return { post, tag };
}

const relevanceRow = (db: Database, postId: string, tagId: string) =>
  one(db, 'SELECT relevance, vote_count FROM post_tags WHERE post_id = $1 AND tag_id = $2', [postId, tagId]);

/** The sequence editor's routes: each acts on a sequence of the owner's, judged by everything stored about it. */
function sequenceRoutes(): Record<string, MatrixEntry> {
  const entry = (
    request: (s: Awaited<ReturnType<typeof ownersSequence>>, scene: Scene) => Promise<Omit<Attempt, 'probe'>>,
    allowed: readonly MatrixRole[] = ['author'],
  ): MatrixEntry => ({
    allowed,
    async arrange(scene) {
      const sequence = await ownersSequence(scene);
      return { ...(await request(sequence, scene)), probe: () => snapshot(scene.db, sequence.id) };
    },
  });
  const at = (s: { id: string }, rest = '') => `/s/${s.id}${rest}`;
  return {
    'POST /s/:sequenceId/edit': entry(async (s) => ({
      path: at(s, '/edit'),
      form: { title: unique('Renamed'), description: 'Changed.' },
    })),
    'POST /s/:sequenceId/delete': entry(
      async (s) => ({ path: at(s, '/delete'), form: { confirm: 'yes' } }),
      ['author', ...STAFF],
    ),
    'POST /s/:sequenceId/posts': entry(async (s, scene) => {
      const post = await makePost(scene.db, { authorId: scene.owner.id });
      return { path: at(s, '/posts'), form: { postId: post.id } };
    }),
    'POST /s/:sequenceId/posts/:postId/move': entry(async (s) => ({
      path: at(s, `/posts/${s.postIds.Second}/move`),
      form: { direction: 'up' },
    })),
    'POST /s/:sequenceId/posts/:postId/remove': entry(async (s) => ({
      path: at(s, `/posts/${s.postIds.First}/remove`),
      form: {},
    })),
    'POST /s/:sequenceId/chapters': entry(async (s) => ({ path: at(s, '/chapters'), form: { title: 'Part three' } })),
    'POST /s/:sequenceId/chapters/:chapterId/move': entry(async (s) => ({
      path: at(s, `/chapters/${s.chapterIds['Part two']}/move`),
      form: { direction: 'up' },
    })),
    'POST /s/:sequenceId/chapters/:chapterId/delete': entry(async (s) => ({
      path: at(s, `/chapters/${s.chapterIds['Part two']}/delete`),
      form: {},
    })),
    'POST /s/:sequenceId/order': entry(async (s) => ({
      path: at(s, '/order'),
      form: {
        [`position.${s.postIds.First}`]: '2',
        [`position.${s.postIds.Second}`]: '1',
        [`position.${s.postIds.Third}`]: '1',
      },
    })),
  };
}
