/**
 * The authorization matrix's entries for notifications: marking read, subscriptions and the notification settings
 * (see authorization-matrix.table.ts for the format). Each is a member's own business: every logged-in reader acts
 * on their own; a banned one is refused, as every write but securing their account is (web/middleware.ts).
 */
import type { Database } from '../../src/db/database.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { makeSequence } from '../sequences/helpers.js';
import { makeTag } from '../tags/tags-helpers.js';
import { LOGGED_IN, type MatrixEntry, type MatrixTable, one, type Scene } from './authorization-matrix.kit.js';

/** A notification for `userId` (a comment on a post of theirs), unread. */
async function notificationFor(db: Database, userId: string): Promise<string> {
  const post = await makePost(db, { authorId: userId });
  const comment = await makeComment(db, { postId: post.id });
  const [row] = await db.query<{ id: string }>('SELECT id FROM notifications WHERE event_key = $1 AND user_id = $2', [
    comment.id,
    userId,
  ]);
  return row!.id;
}

const readState = (db: Database, id: string) => one(db, 'SELECT read_at FROM notifications WHERE id = $1', [id]);

const subscriptionsOf = (db: Database, userId: string) =>
  db.query(
    'SELECT target_type, target_id, subscribed FROM notification_subscriptions WHERE user_id = $1 ORDER BY 1, 2',
    [userId],
  );

/** Subscribing to something of a third member's (so the actor's own default never makes it a no-op). */
function subscription(type: string, make: (scene: Scene) => Promise<string>): MatrixEntry {
  return {
    label: type,
    allowed: LOGGED_IN,
    async arrange(scene) {
      const key = await make(scene);
      return {
        path: `/subscriptions/${type}/${key}`,
        form: { subscribe: '1' },
        probe: () => subscriptionsOf(scene.db, scene.actor?.id ?? ''),
      };
    },
  };
}

export const NOTIFICATIONS_MATRIX: MatrixTable = {
  // The owner's notification: only its owner marks it read; anyone else gets a 404 and it stays unread.
  'POST /notifications/:id/read': {
    allowed: ['author'],
    async arrange({ db, owner }) {
      const id = await notificationFor(db, owner.id);
      return { path: `/notifications/${id}/read`, form: {}, probe: () => readState(db, id) };
    },
  },
  'POST /notifications/read-all': {
    allowed: LOGGED_IN,
    async arrange({ db, actor, owner }) {
      const id = await notificationFor(db, (actor ?? owner).id);
      return { path: '/notifications/read-all', form: {}, probe: () => readState(db, id) };
    },
  },
  'POST /subscriptions/:type/:key': [
    subscription('post', async ({ db }) => (await makePost(db)).id),
    subscription('comment', async ({ db }) => (await makeComment(db)).id),
    subscription('user', async ({ db }) => (await makeUser(db)).username),
    subscription('sequence', async ({ db }) => (await makeSequence(db, (await makeUser(db)).id, { One: ['A'] })).id),
    subscription('tag', async ({ db }) => (await makeTag(db)).id),
  ],
  'POST /settings/notifications': {
    allowed: LOGGED_IN,
    async arrange({ db, actor }) {
      return {
        path: '/settings/notifications',
        form: {
          reply: 'off',
          mention: 'email',
          post_comment: 'site',
          thread_comment: 'site',
          followed_post: 'site',
          subscribed_post: 'site',
          moderation: 'email',
        },
        probe: () => db.query('SELECT kind, delivery FROM notification_settings WHERE user_id = $1', [actor?.id ?? '']),
      };
    },
  },
};
