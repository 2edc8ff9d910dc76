import { randomBytes } from 'node:crypto';
import { hashPassword } from '../accounts/passwords.js';
import { addComment } from '../comments/service.js';
import { renderPool } from '../content/pool.js';
import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { discardHistoryEmail } from '../notifications/email.js';
import type { Role } from '../policy/actor.js';
import { createPost } from '../posts/service.js';
import { loadDemoSequences } from '../sequences/demo.js';
import { type DemoComment, demoPosts, demoUsers } from './content.js';
import { loadDemoTags } from './tags.js';

// Serializes two processes starting together on one empty PostgreSQL database.
const DEMO_LOCK_KEY = 4_201_772;
const HOUR_MS = 3_600_000;

export interface DemoLogin {
  username: string;
  password: string;
  role: Role;
}

/** The first demo user runs the site, the second moderates, everyone else is a member. */
function demoRole(index: number): Role {
  return index === 0 ? 'admin' : index === 1 ? 'moderator' : 'member';
}

/** A demo user's login with its password already hashed. */
export interface DemoAccount extends Omit<DemoLogin, 'role'> {
  passwordHash: string;
}

/**
 * A random password per demo user, with its hash. Hashing is slow on purpose (scrypt, on libuv's threads), so
 * start-up can begin it early, beside other work, and hand the promise to `loadDemoContent`.
 */
export function makeDemoAccounts(): Promise<DemoAccount[]> {
  return Promise.all(
    demoUsers.map(async ({ username }) => {
      const password = randomBytes(9).toString('base64url');
      return { username, password, passwordHash: await hashPassword(password) };
    }),
  );
}

/** Whether the forum has no users yet, so the demo would be loaded (`loadDemoContent` checks again, under a lock). */
export async function forumIsEmpty(db: Queryable): Promise<boolean> {
  return (await db.query('SELECT 1 FROM users LIMIT 1')).length === 0;
}

export interface DemoOptions {
  now?: Date;
  /** From `makeDemoAccounts`, started earlier; made here when absent. */
  accounts?: Promise<DemoAccount[]>;
}

/**
 * Loads the demo forum into an empty database, in one transaction. Passwords are random per install and
 * returned so the first start can print them; returns [] when the database already has users.
 */
export async function loadDemoContent(db: Queryable, options: DemoOptions = {}): Promise<DemoLogin[]> {
  const { now = new Date() } = options;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [DEMO_LOCK_KEY]);
    if (!(await forumIsEmpty(tx))) {
      // Not needed after all (another process loaded the demo first); its failure would concern no one.
      options.accounts?.catch(() => {});
      return [];
    }

    // Bios render in the pool's workers while the passwords finish hashing.
    const [accounts, bios] = await Promise.all([
      options.accounts ?? makeDemoAccounts(),
      Promise.all(demoUsers.map((user) => renderPool().renderHtml(user.bio))),
    ]);
    const userIds = new Map<string, string>();
    for (const [index, user] of demoUsers.entries()) {
      const account = accounts.find((a) => a.username === user.username);
      if (!account) throw new Error(`No demo account was made for ${user.username}`);
      const id = newId();
      await tx.query(
        `INSERT INTO users (id, username, display_name, email, password_hash, bio_markdown, bio_html, role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, user.username, user.displayName, user.email, account.passwordHash, user.bio, bios[index], demoRole(index)],
      );
      userIds.set(user.username, id);
    }
    const idOf = (username: string) => {
      const id = userIds.get(username);
      if (!id) throw new Error(`Demo content names an unknown user: ${username}`);
      return id;
    };

    const postIds = new Map<string, string>();
    for (const post of demoPosts) {
      const publishedAt = new Date(now.getTime() - post.daysAgo * 24 * HOUR_MS);
      const { id: postId } = await createPost(tx, {
        authorId: idOf(post.author),
        title: post.title,
        markdown: post.body,
        publish: true,
        at: publishedAt,
        unlimited: true,
      });
      postIds.set(post.key, postId);
      const addThread = async (comment: DemoComment, parentId: string | null) => {
        const at = new Date(Math.min(now.getTime(), publishedAt.getTime() + comment.hoursAfterPost * HOUR_MS));
        const { id } = await addComment(tx, {
          postId,
          parentId,
          authorId: idOf(comment.author),
          markdown: comment.body,
          at,
          unlimited: true,
        });
        for (const reply of comment.replies ?? []) await addThread(reply, id);
      };
      for (const comment of post.comments) await addThread(comment, null);
    }
    await loadDemoSequences(tx, postIds, userIds);
    // The first demo user moderates, so may create tags at any karma.
    await loadDemoTags(tx, postIds, idOf(demoUsers[0]!.username));
    // The demo's replies made notifications as any reply does (the first user's inbox has some); no email for them.
    await discardHistoryEmail(tx);
    return accounts.map(({ username, password }, index) => ({ username, password, role: demoRole(index) }));
  });
}
