import { describe, expect, it } from 'vitest';
import { runUserCommand } from '../../src/moderation/user-command.js';
import { banUser } from '../../src/moderation/users.js';
import { actorFor } from '../../src/policy/actor.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makePost, makeUser } from '../helpers/factories.js';
import { clientAs, logEntries } from './helpers.js';

const { db, app } = useTestApp();

async function banOf(userId: string) {
  const [row] = await db.query<{ banned: boolean; forever: boolean; reason: string; role: string }>(
    `SELECT coalesce(banned_until > now(), false) AS banned, coalesce(NOT isfinite(banned_until), false) AS forever,
            ban_reason AS reason, role
       FROM users WHERE id = $1`,
    [userId],
  );
  return row!;
}

describe('banning a user', () => {
  it('bans for N days with a reason, shows it on the profile, refuses their writes, and lifts it', async () => {
    const { client: moderator } = await clientAs(app, db, 'moderator');
    const { client: troll, user } = await clientAs(app, db, 'member');
    const banned = await moderator.post(`/moderation/users/${user.username}/ban`, {
      duration: '7',
      reason: 'Harassment',
    });
    expect(banned.status).toBe(303);
    expect(await banOf(user.id)).toMatchObject({ banned: true, forever: false, reason: 'Harassment' });
    const profile = await (await app.request(`/users/${user.username}`)).text();
    expect(profile).toContain('Banned until');
    expect(profile).toContain('Harassment');
    const post = await makePost(db);
    const refused = await troll.post(`/posts/${post.id}/comments`, { body: 'Hello', intent: 'submit' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Harassment');
    expect((await moderator.post(`/moderation/users/${user.username}/unban`, { reason: 'Apologised' })).status).toBe(
      303,
    );
    expect((await banOf(user.id)).banned).toBe(false);
    expect((await logEntries(db, user.id)).map((e) => [e.action, e.reason])).toEqual([
      ['ban-user', 'For 7 days. Harassment'],
      ['unban-user', 'Apologised'],
    ]);
  });

  it('bans for good', async () => {
    const { client } = await clientAs(app, db, 'admin');
    const user = await makeUser(db);
    expect(
      (await client.post(`/moderation/users/${user.username}/ban`, { duration: 'forever', reason: 'Spam bot' })).status,
    ).toBe(303);
    expect(await banOf(user.id)).toMatchObject({ banned: true, forever: true });
    expect(await (await app.request(`/users/${user.username}`)).text()).toContain('Banned for good');
  });

  it('refuses banning an admin, oneself, by a member, and bad durations or reasons, changing and logging nothing', async () => {
    const { client: moderator, user: self } = await clientAs(app, db, 'moderator');
    const admin = await makeUser(db, { role: 'admin' });
    const target = await makeUser(db);
    const cases: [string, Record<string, string>, number, string][] = [
      [admin.username, { duration: '3', reason: 'Power trip' }, 403, 'Admins cannot be banned.'],
      [self.username, { duration: '3', reason: 'Self' }, 403, 'You cannot ban yourself.'],
      [target.username, { reason: 'No duration' }, 422, 'duration is missing'],
      [target.username, { duration: '0', reason: 'Zero' }, 422, 'whole number of days from 1 to 3650'],
      [target.username, { duration: '-4', reason: 'Negative' }, 422, 'whole number of days'],
      [target.username, { duration: '99999', reason: 'Absurd' }, 422, 'whole number of days'],
      [target.username, { duration: '2.5', reason: 'Fraction' }, 422, 'whole number of days'],
      [target.username, { duration: 'soon', reason: 'Words' }, 422, 'whole number of days'],
      [target.username, { duration: '3', reason: '' }, 422, 'Write a reason'],
      [target.username, { duration: '3', reason: 'y'.repeat(600) }, 422, 'too long'],
      ['nobody_here_at_all', { duration: '3', reason: 'Ghost' }, 404, 'There is no user'],
    ];
    for (const [username, form, status, message] of cases) {
      const response = await moderator.post(`/moderation/users/${username}/ban`, form);
      expect(response.status, `${username} ${JSON.stringify(form)}`).toBe(status);
      const text = await response.text();
      expect(text).toContain(message);
      if (status === 422 && form.reason) expect(text).toContain(form.reason.slice(0, 50));
    }
    const { client: member } = await clientAs(app, db, 'member');
    expect((await member.post(`/moderation/users/${target.username}/ban`, { duration: '3', reason: 'x' })).status).toBe(
      403,
    );
    expect((await member.post(`/moderation/users/${target.username}/unban`, { reason: 'x' })).status).toBe(403);
    for (const user of [admin, self, target]) {
      expect((await banOf(user.id)).banned).toBe(false);
      expect(await logEntries(db, user.id)).toEqual([]);
    }
    // Unbanning someone not banned is refused too.
    expect((await moderator.post(`/moderation/users/${target.username}/unban`, { reason: 'x' })).status).toBe(409);
    // And the service refuses without the route.
    await expect(
      banUser(db, actorFor(self.id, { role: 'moderator' }), { userId: admin.id, duration: 1, reason: 'x' }),
    ).rejects.toThrow('Admins cannot be banned.');
  });
});

describe('roles', () => {
  it('lets an admin change a member’s role from their profile, logged, and nobody else', async () => {
    const { client: admin, user: adminUser } = await clientAs(app, db, 'admin');
    const { client: moderator } = await clientAs(app, db, 'moderator');
    const member = await makeUser(db);
    const profile = await (await admin.get(`/users/${member.username}`)).text();
    expect(profile).toContain(`/moderation/users/${member.username}/role`);
    expect(await (await moderator.get(`/users/${member.username}`)).text()).not.toContain('/role"');
    expect((await moderator.post(`/moderation/users/${member.username}/role`, { role: 'admin' })).status).toBe(403);
    const bad = await admin.post(`/moderation/users/${member.username}/role`, { role: 'overlord' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('role must be admin, moderator or member');
    expect((await banOf(member.id)).role).toBe('member');
    const made = await admin.post(`/moderation/users/${member.username}/role`, {
      role: 'moderator',
      reason: 'Helpful',
    });
    expect(made.status).toBe(303);
    expect((await banOf(member.id)).role).toBe('moderator');
    expect(await logEntries(db, member.id)).toEqual([
      {
        action: 'change-role',
        reason: 'member → moderator. Helpful',
        moderator_id: adminUser.id,
        target_label: member.username,
      },
    ]);
    // The promoted moderator's next request has the new rights (their cached session was dropped).
    const promoted = new TestClient(app);
    await promoted.logIn(member.username, member.password);
    const post = await makePost(db);
    expect((await promoted.post(`/moderation/posts/${post.id}/lock`, { reason: 'Trying it' })).status).toBe(303);
    // Changing one's own role is refused.
    expect((await admin.post(`/moderation/users/${adminUser.username}/role`, { role: 'member' })).status).toBe(422);
  });

  it('npm run user: make-admin, make-moderator, make-member, with clear messages', async () => {
    const user = await makeUser(db);
    expect(await runUserCommand(db, ['make-admin', user.username])).toBe(
      `${user.username} is now an admin (was member).`,
    );
    expect((await banOf(user.id)).role).toBe('admin');
    expect(await runUserCommand(db, ['make-admin', user.username.toUpperCase()])).toContain('already an admin');
    expect(await runUserCommand(db, ['make-moderator', user.username])).toContain('now a moderator');
    expect(await runUserCommand(db, ['make-member', user.username])).toContain('now a member');
    await expect(runUserCommand(db, ['make-admin', 'no_such_user_x'])).rejects.toThrow(
      'There is no user named "no_such_user_x"',
    );
    await expect(runUserCommand(db, ['make-king', user.username])).rejects.toThrow('Usage: npm run user');
    await expect(runUserCommand(db, ['make-admin'])).rejects.toThrow('Usage: npm run user');
    // Nobody did it on the site: nothing in the public log.
    expect(await logEntries(db, user.id)).toEqual([]);
  });

  it('npm run user -- set-password: sets a piped password or makes one, ends the sessions, checks the rules', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, user.password);
    await expect(runUserCommand(db, ['set-password', user.username], async () => 'short\n')).rejects.toThrow(
      'at least 10 characters',
    );
    expect(await runUserCommand(db, ['set-password', user.username], async () => 'a brand new passphrase\n')).toContain(
      'password is set',
    );
    // The old session is over, the old password refused, the new one works.
    expect((await client.get('/posts/new')).status).not.toBe(200);
    expect((await new TestClient(app).post('/login', { login: user.username, password: user.password })).status).toBe(
      422,
    );
    await new TestClient(app).logIn(user.username, 'a brand new passphrase');
    const made = await runUserCommand(db, ['set-password', user.username]);
    const password = /new password: (\S+)/.exec(made)![1]!;
    await new TestClient(app).logIn(user.username, password);
  });
});
