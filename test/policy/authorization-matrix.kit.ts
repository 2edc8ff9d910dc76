/**
 * What the authorization matrix's tables share: the roles, a case's scene, and small helpers to make targets and
 * read what a request would change.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database.js';
import { makeComment, makePost, type TestUser } from '../helpers/factories.js';
import { makeSequence } from '../sequences/helpers.js';

export const ROLES = ['anonymous', 'newMember', 'member', 'banned', 'author', 'moderator', 'admin'] as const;
export type MatrixRole = (typeof ROLES)[number];

/** One (route, role) case's world: its own target, so cases never share rows. */
export interface Scene {
  db: Database;
  role: MatrixRole;
  /** Who makes the request (undefined: anonymous). */
  actor: TestUser | undefined;
  /** Who owns the target: the actor for 'author' (a member with 0 karma), another member otherwise. */
  owner: TestUser;
}

export interface Attempt {
  path: string;
  /** Posted as a browser's form (with the CSRF token), unless `json` is given. */
  form?: Record<string, string>;
  json?: unknown;
  /** What the route would change, read before and after the request: it wrote when the two differ. */
  probe: () => Promise<unknown>;
}

export interface MatrixEntry {
  /** Which of a route's cases this is, when it has several (a moderation tool's name). */
  label?: string;
  arrange: (scene: Scene) => Promise<Attempt>;
  allowed: readonly MatrixRole[];
  /** Routes that store nothing (a preview): allowed means a success status, refused a refusal. */
  readOnly?: boolean;
  /** Roles for whom the request is harmless and answered as a success with nothing changed (logging out when logged out). */
  harmless?: readonly MatrixRole[];
}

/** Entries by "METHOD /path/:pattern", as the app's route table names them; a route may have several cases. */
export type MatrixTable = Record<string, MatrixEntry | readonly MatrixEntry[]>;

export const LOGGED_IN: readonly MatrixRole[] = ['newMember', 'member', 'author', 'moderator', 'admin'];
export const STAFF: readonly MatrixRole[] = ['moderator', 'admin'];
/** The tagging karma (10) or staff: 'member' has 20, 'author' and 'newMember' 0. */
export const TAGGERS: readonly MatrixRole[] = ['member', 'moderator', 'admin'];

export const unique = (what: string) => `${what} ${randomBytes(4).toString('hex')}`;

export const one = async (db: Database, sql: string, params: unknown[]) => (await db.query(sql, params))[0] ?? null;

/** A post by the scene's owner and how its row reads. */
export async function ownersPost(scene: Scene, publish = true) {
  const post = await makePost(scene.db, { authorId: scene.owner.id, publish });
  return post;
}

export const postRow = (db: Database, id: string) =>
  one(
    db,
    `SELECT title, body_markdown, status, deleted_at, removed_reason, comments_locked, frontpage, base_score, vote_count
       FROM posts WHERE id = $1`,
    [id],
  );

export const commentRow = (db: Database, id: string) =>
  one(
    db,
    `SELECT body_markdown, retracted, deleted, removed_reason, base_score, agreement_score
       FROM comments WHERE id = $1`,
    [id],
  );

/** A comment by the owner on someone else's post. */
export async function ownersComment(scene: Scene) {
  return makeComment(scene.db, { authorId: scene.owner.id, markdown: 'A comment to act on.' });
}

export async function ownersSequence(scene: Scene) {
  return makeSequence(scene.db, scene.owner.id, { 'Part one': ['First', 'Second'], 'Part two': ['Third'] });
}
