import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/accounts/passwords.js';
import { addComment } from '../../src/comments/service.js';
import type { Queryable } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import { type Actor, actorFor, type Role } from '../../src/policy/actor.js';
import { createPost } from '../../src/posts/service.js';

export const TEST_PASSWORD = 'correct horse battery';
// Hashing is deliberately slow; factories share one hash of TEST_PASSWORD.
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
}

export async function makeUser(
  db: Queryable,
  overrides: { username?: string; role?: Role; karma?: number; emailVerified?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const username = overrides.username ?? `user_${randomBytes(4).toString('hex')}`;
  const email = `${username}@example.org`;
  const id = newId();
  // Unverified unless asked (as after sign-up): such a member gets account mails only (mail/send.ts).
  await db.query(
    `INSERT INTO users (id, username, display_name, email, password_hash, role, karma, email_verified_at)
     VALUES ($1, $2, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END)`,
    [
      id,
      username,
      email,
      await passwordHash,
      overrides.role ?? 'member',
      overrides.karma ?? 0,
      overrides.emailVerified === true,
    ],
  );
  return { id, username, email, password: TEST_PASSWORD };
}

/**
 * The Actor a service takes for this user (not banned): their role and karma as given, else a member with the
 * karma the user object carries (makeTagger's) or 0. It reads nothing from the database.
 */
export function actorOf(
  user: string | { id: string; karma?: number; role?: Role },
  overrides: Partial<Omit<Actor, 'id'>> = {},
): Actor {
  if (typeof user === 'string') return actorFor(user, overrides);
  return actorFor(user.id, {
    ...(user.karma !== undefined ? { karma: user.karma } : {}),
    ...(user.role !== undefined ? { role: user.role } : {}),
    ...overrides,
  });
}

export async function makePost(
  db: Queryable,
  overrides: { authorId?: string; title?: string; markdown?: string; publish?: boolean; at?: Date } = {},
) {
  const authorId = overrides.authorId ?? (await makeUser(db)).id;
  const title = overrides.title ?? `A post ${randomBytes(3).toString('hex')}`;
  const post = await createPost(db, {
    authorId,
    title,
    markdown: overrides.markdown ?? 'Some text with math $x^2$.',
    publish: overrides.publish ?? true,
    ...(overrides.at ? { at: overrides.at } : {}),
  });
  return { ...post, authorId, title };
}

export async function makeComment(
  db: Queryable,
  overrides: { postId?: string; parentId?: string | null; authorId?: string; markdown?: string; at?: Date } = {},
) {
  const postId = overrides.postId ?? (await makePost(db)).id;
  const authorId = overrides.authorId ?? (await makeUser(db)).id;
  const comment = await addComment(db, {
    postId,
    parentId: overrides.parentId ?? null,
    authorId,
    markdown: overrides.markdown ?? 'A comment.',
    ...(overrides.at ? { at: overrides.at } : {}),
  });
  return { ...comment, postId, authorId };
}
