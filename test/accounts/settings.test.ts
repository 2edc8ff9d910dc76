import { describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

async function sessionsOf(userId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [userId]);
  return row!.n;
}

describe('account settings: password and sessions', () => {
  it('sends a logged-out reader to log in, and shows a member their settings', async () => {
    const anonymous = await new TestClient(app).get('/settings');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=/settings');
    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, user.password);
    const page = await (await client.get('/settings')).text();
    expect(page).toContain('Change your password');
    expect(page).toContain('Log out everywhere');
    expect(page).toContain(`/users/${user.username}/edit`);
  });

  it('changes the password with the current one, ends every other session and keeps this one', async () => {
    const user = await makeUser(db);
    const here = new TestClient(app, '203.0.113.80');
    const elsewhere = new TestClient(app, '203.0.113.81');
    await here.logIn(user.username, user.password);
    await elsewhere.logIn(user.username, user.password);
    expect(await sessionsOf(user.id)).toBe(2);

    const changed = await here.post('/settings/password', {
      current: user.password,
      password: 'a new long passphrase',
    });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/settings?changed=password');
    expect(await (await here.get('/settings?changed=password')).text()).toContain('Your password is changed');
    expect(await sessionsOf(user.id)).toBe(1);
    // The other browser is logged out; this one is not.
    expect((await elsewhere.get('/settings')).status).toBe(303);
    expect((await here.get('/settings')).status).toBe(200);
    // The old password is refused at login, the new one works.
    expect((await new TestClient(app).post('/login', { login: user.username, password: user.password })).status).toBe(
      422,
    );
    await new TestClient(app).logIn(user.username, 'a new long passphrase');
  });

  it('refuses a wrong current password, a short new one and missing fields, naming the field, never echoing them', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app, '203.0.113.82');
    await client.logIn(user.username, user.password);
    const [before] = await db.query<{ hash: string }>('SELECT password_hash AS hash FROM users WHERE id = $1', [
      user.id,
    ]);
    const cases: [Record<string, string>, string][] = [
      [{ current: 'not my password', password: 'a new long passphrase' }, 'This is not your current password.'],
      [{ current: user.password, password: 'short' }, 'Password must be at least 10 characters.'],
      [{ current: '', password: 'a new long passphrase' }, 'Enter your current password.'],
      [{ current: user.password }, 'password'],
      [{ current: user.password, password: 'x'.repeat(1100) }, 'at most 1,024 characters'],
    ];
    for (const [form, message] of cases) {
      const response = await client.post('/settings/password', form);
      expect(response.status, JSON.stringify(form).slice(0, 80)).toBe(422);
      const html = await response.text();
      expect(html).toContain(message);
      expect(html).not.toContain('a new long passphrase');
      expect(html).not.toContain(user.password);
    }
    const [after] = await db.query<{ hash: string }>('SELECT password_hash AS hash FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(after!.hash).toBe(before!.hash);
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it('counts wrong current passwords as failed logins: a stolen session cannot guess faster than the login form', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app, '203.0.113.83');
    await client.logIn(user.username, user.password);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await client.post('/settings/password', { current: `guess ${i}`, password: 'a new long passphrase' })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 422)).toBe(true);
    const refused = await client.post('/settings/password', {
      current: user.password,
      password: 'a new long passphrase',
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
  });

  it('logs out everywhere: every session of the member ends, this one included', async () => {
    const user = await makeUser(db);
    const here = new TestClient(app, '203.0.113.84');
    const elsewhere = new TestClient(app, '203.0.113.85');
    await here.logIn(user.username, user.password);
    await elsewhere.logIn(user.username, user.password);
    const response = await here.post('/settings/logout-everywhere', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(await sessionsOf(user.id)).toBe(0);
    expect((await here.get('/settings')).status).toBe(303);
    expect((await elsewhere.get('/settings')).status).toBe(303);
  });

  it('lets a banned member secure their account: change the password and log out everywhere', async () => {
    const user = await makeUser(db);
    await db.query(`UPDATE users SET banned_until = now() + interval '3 days', ban_reason = 'Spam' WHERE id = $1`, [
      user.id,
    ]);
    const client = new TestClient(app, '203.0.113.86');
    await client.logIn(user.username, user.password);
    expect(
      (await client.post('/settings/password', { current: user.password, password: 'a new long passphrase' })).status,
    ).toBe(303);
    expect((await client.post('/settings/logout-everywhere', {})).status).toBe(303);
    expect(await sessionsOf(user.id)).toBe(0);
  });
});
