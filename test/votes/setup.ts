import type { Database, Queryable } from '../../src/db/database.js';
import type { TargetType } from '../../src/votes/kinds.js';
import { voteRoutes } from '../../src/votes/routes.js';
import { applyAuthorVote } from '../../src/votes/service.js';
import { makeTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

// createPost/addComment do not apply the author's vote yet; these do it, and stay correct once they do
// (applyAuthorVote is idempotent).

export async function setKarma(db: Queryable, userId: string, karma: number): Promise<void> {
  await db.query('UPDATE users SET karma = $2 WHERE id = $1', [userId, karma]);
}

export async function userWithKarma(db: Queryable, karma: number) {
  const user = await makeUser(db);
  await setKarma(db, user.id, karma);
  return user;
}

export async function votablePost(db: Queryable, overrides: { authorId?: string; at?: Date } = {}) {
  const post = await makePost(db, overrides);
  await applyAuthorVote(db, { authorId: post.authorId, targetType: 'post', targetId: post.id });
  return post;
}

export async function votableComment(db: Queryable, overrides: { authorId?: string; postId?: string } = {}) {
  const comment = await makeComment(db, overrides);
  await applyAuthorVote(db, { authorId: comment.authorId, targetType: 'comment', targetId: comment.id });
  return comment;
}

export interface Totals {
  score: number;
  voteCount: number;
  agreement: number;
  agreementCount: number;
}

export async function totalsOf(db: Queryable, targetType: TargetType, id: string): Promise<Totals> {
  const [row] =
    targetType === 'post'
      ? await db.query<Totals>(
          `SELECT base_score AS score, vote_count AS "voteCount", 0 AS agreement, 0 AS "agreementCount"
             FROM posts WHERE id = $1`,
          [id],
        )
      : await db.query<Totals>(
          `SELECT base_score AS score, vote_count AS "voteCount", agreement_score AS agreement,
                  agreement_vote_count AS "agreementCount"
             FROM comments WHERE id = $1`,
          [id],
        );
  return row!;
}

export async function karmaOf(db: Queryable, userId: string): Promise<number> {
  const [row] = await db.query<{ karma: number }>('SELECT karma FROM users WHERE id = $1', [userId]);
  return row!.karma;
}

/**
 * The real app with the vote routes: mounted here until src/web/app.tsx mounts them itself (then this adds
 * nothing). Added after createApp's middleware, so they get the session and CSRF checks like every route.
 */
export async function makeVoteTestApp(db: Database, env: Record<string, string> = {}) {
  const made = await makeTestApp(db, env);
  if (!made.app.routes.some((route) => route.path === '/api/votes')) made.app.route('/', voteRoutes);
  return made;
}
