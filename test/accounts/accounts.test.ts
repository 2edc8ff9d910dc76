import { describe, expect, it } from 'vitest';
import { deleteExpiredSessions, hashToken } from '../../src/accounts/sessions.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeUser, TEST_PASSWORD } from '../helpers/factories.js';

const { db, app } = useTestApp();

function uniqueName(prefix = 'u') {
  return `${prefix}${Math.random().toString(36).slice(2, 10)}`;
}

describe('sign up', () => {
  it('creates the account, logs the new user in and shows their name in the header', async () => {
    const client = new TestClient(app);
    const username = uniqueName('ada_');
    const response = await client.post('/signup', {
      username,
      email: `${username}@example.org`,
      password: 'a long passphrase',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('lyceum_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const home = await (await client.get('/')).text();
    expect(home).toContain(username);
    expect(home).toContain('Log out');
  });

  it('stores only a hash of the session token, and the password only as a salted scrypt hash', async () => {
    const client = new TestClient(app);
    const username = uniqueName();
    await client.post('/signup', { username, email: `${username}@example.org`, password: 'another passphrase' });
    const token = client.cookies.get('lyceum_session')!;
    expect(token.length).toBeGreaterThanOrEqual(43); // 32 random bytes in base64url
    const byToken = await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [token]);
    expect(byToken).toHaveLength(0);
    const byHash = await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [hashToken(token)]);
    expect(byHash).toHaveLength(1);
    const [user] = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = $1', [
      username,
    ]);
    expect(user!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(user!.password_hash).not.toContain('another passphrase');
  });

  it('re-shows the form with each problem next to its field and the input kept', async () => {
    const client = new TestClient(app);
    const response = await client.post('/signup', { username: 'a b', email: 'not-an-email', password: 'short' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Username may contain only letters, digits');
    expect(html).toContain('Enter an email address like name@example.org.');
    expect(html).toContain('Password must be at least 10 characters.');
    expect(html).toContain('value="a b"');
    expect(html).toContain('value="not-an-email"');
    expect(html).not.toContain('value="short"');
    expect(await db.query("SELECT 1 FROM users WHERE email = 'not-an-email'")).toHaveLength(0);
  });

  it('refuses usernames that are too short or too long', async () => {
    const client = new TestClient(app);
    const short = await (
      await client.post('/signup', { username: 'ab', email: 'ab@example.org', password: 'long enough pass' })
    ).text();
    expect(short).toContain('Username must be at least 3 characters.');
    const long = await (
      await client.post('/signup', { username: 'x'.repeat(33), email: 'x@example.org', password: 'long enough pass' })
    ).text();
    expect(long).toContain('Username must be at most 32 characters.');
  });

  it('says when the username or email is taken, whatever its case', async () => {
    const existing = await makeUser(db);
    const client = new TestClient(app);
    const response = await client.post('/signup', {
      username: existing.username.toUpperCase(),
      email: existing.email.toUpperCase(),
      password: 'a long passphrase',
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('That username is taken.');
    expect(html).toContain('An account with that email already exists.');
  });

  it('answers a missing field with a message naming it, not a crash', async () => {
    const client = new TestClient(app);
    const response = await client.post('/signup', { username: uniqueName() });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('email is missing');
    expect(html).toContain('password is missing');
  });
});

describe('log in and out', () => {
  it('logs in by username or by email, and logging out ends the session in the database', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, TEST_PASSWORD);
    const token = client.cookies.get('lyceum_session')!;
    expect(await (await client.get('/')).text()).toContain(user.username);

    const logout = await client.post('/logout', {});
    expect(logout.status).toBe(303);
    expect(client.cookies.has('lyceum_session')).toBe(false);
    expect(await db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [hashToken(token)])).toHaveLength(0);
    expect(await (await client.get('/')).text()).toContain('Log in');

    await client.logIn(user.email.toUpperCase(), TEST_PASSWORD);
    expect(await (await client.get('/')).text()).toContain(user.username);
  });

  it('answers a wrong password without saying which part was wrong, keeping the login typed', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    const response = await client.post('/login', { login: user.username, password: 'wrong password' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Wrong username, email or password.');
    expect(html).toContain(`value="${user.username}"`);
    const unknown = await (await client.post('/login', { login: 'nobody_here', password: 'wrong password' })).text();
    expect(unknown).toContain('Wrong username, email or password.');
  });

  it('returns to the page the user came from, but never to another site', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    const back = await client.post('/login', { login: user.username, password: TEST_PASSWORD, next: '/posts/abc' });
    expect(back.headers.get('location')).toBe('/posts/abc');
    const other = new TestClient(app);
    const away = await other.post('/login', {
      login: user.username,
      password: TEST_PASSWORD,
      next: '//evil.example/x',
    });
    expect(away.headers.get('location')).toBe('/');
  });

  it('ignores an expired session', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, TEST_PASSWORD);
    await db.query("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1", [user.id]);
    expect(await (await client.get('/')).text()).toContain('Log in');
  });

  it('slides a session forward once it is a day old', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, TEST_PASSWORD);
    await db.query("UPDATE sessions SET expires_at = now() + interval '10 days' WHERE user_id = $1", [user.id]);
    const response = await client.get('/');
    expect(response.headers.getSetCookie().some((c) => c.startsWith('lyceum_session='))).toBe(true);
    const [row] = await db.query<{ days: number }>(
      'SELECT extract(day from expires_at - now())::int AS days FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(row!.days).toBeGreaterThanOrEqual(29);
  });
});

describe('maintenance', () => {
  it('forgets expired sessions, keeping current ones', async () => {
    const user = await makeUser(db);
    await db.query(
      `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ('old-${user.id}', $1, now() - interval '1 day'), ('live-${user.id}', $1, now() + interval '1 day')`,
      [user.id],
    );
    expect(await deleteExpiredSessions(db)).toBeGreaterThanOrEqual(1);
    const sessions = await db.query<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = $1', [
      user.id,
    ]);
    expect(sessions.map((s) => s.token_hash)).toEqual([`live-${user.id}`]);
  });
});
