import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/queue.js';
import { registerMailJob } from '../../src/mail/send.js';
import { mailTransport } from '../../src/mail/transport.js';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';
import { linkIn, startSmtpServer } from '../helpers/smtp.js';

const { db, app } = useTestApp();
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  // As main.ts registers it with SMTP_URL set: through a real SMTP server.
  registerMailJob({
    transport: mailTransport(smtp.url),
    from: 'Lyceum <noreply@localhost>',
    baseUrl: TEST_ORIGIN,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(() => smtp?.close());

/** Runs the queue, then the mails that reached the SMTP server for `address`. */
async function mailsTo(address: string) {
  await runDueJobs(db);
  return smtp.received.filter((m) => m.to.includes(address));
}

/** The path and query of a link from a mail (the test app answers on TEST_ORIGIN). */
const pathOf = (url: string) => url.slice(TEST_ORIGIN.length);

async function sessionsOf(userId: string) {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [userId]);
  return row!.n;
}

describe('password reset', () => {
  it('sends a one-time link through SMTP; following it sets a new password and ends every session', async () => {
    const user = await makeUser(db);
    const laptop = new TestClient(app, '203.0.113.90');
    const phone = new TestClient(app, '203.0.113.91');
    await laptop.logIn(user.username, user.password);
    await phone.logIn(user.username, user.password);

    const visitor = new TestClient(app, '203.0.113.92');
    expect(await (await visitor.get('/login')).text()).toContain('href="/forgot-password"');
    expect((await visitor.get('/forgot-password')).status).toBe(200);
    const asked = await visitor.post('/forgot-password', { email: user.email.toUpperCase() });
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe('/forgot-password?sent=1');
    expect(await (await visitor.get('/forgot-password?sent=1')).text()).toContain('If an account uses that address');

    const [mail] = await mailsTo(user.email);
    expect(mail!.subject).toBe('Reset your password');
    expect(mail!.html).toContain('/reset-password?token=');
    const link = pathOf(linkIn(mail!.text, '/reset-password'));
    const form = await visitor.get(link);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Choose a new password');

    const token = new URL(link, TEST_ORIGIN).searchParams.get('token')!;
    const done = await visitor.post('/reset-password', { token, password: 'a brand new passphrase' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your password is set');
    expect(await sessionsOf(user.id)).toBe(0);
    expect((await laptop.get('/settings')).status).toBe(303);
    expect((await phone.get('/settings')).status).toBe(303);
    expect(
      (await new TestClient(app, '203.0.113.93').post('/login', { login: user.username, password: user.password }))
        .status,
    ).toBe(422);
    await new TestClient(app, '203.0.113.93').logIn(user.username, 'a brand new passphrase');

    // Single use: the same link again is refused, and the password stays.
    const again = await visitor.get(link);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('has been used already');
    const reused = await visitor.post('/reset-password', { token, password: 'yet another passphrase' });
    expect(reused.status).toBe(400);
    await new TestClient(app, '203.0.113.93').logIn(user.username, 'a brand new passphrase');
  });

  it('answers the same for an address no account uses, and sends nothing', async () => {
    const visitor = new TestClient(app, '203.0.113.94');
    const asked = await visitor.post('/forgot-password', { email: 'nobody-here@example.org' });
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe('/forgot-password?sent=1');
    expect(await mailsTo('nobody-here@example.org')).toHaveLength(0);
  });

  it('refuses expired and forged links with a 400 page saying so, changing nothing', async () => {
    const user = await makeUser(db);
    const visitor = new TestClient(app, '203.0.113.95');
    await visitor.post('/forgot-password', { email: user.email });
    const [mail] = await mailsTo(user.email);
    const link = pathOf(linkIn(mail!.text, '/reset-password'));
    const token = new URL(link, TEST_ORIGIN).searchParams.get('token')!;
    await db.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    const expired = await visitor.get(link);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('has expired');
    expect((await visitor.post('/reset-password', { token, password: 'a brand new passphrase' })).status).toBe(400);
    // Two characters changed (to others than the token's own: one token in 4,096 ends in "AA").
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const forged of ['forged', altered, 'x'.repeat(500)]) {
      const page = await visitor.get(`/reset-password?token=${forged}`);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('is not valid');
    }
    expect((await visitor.get('/reset-password')).status).toBe(400);
    await new TestClient(app, '203.0.113.96').logIn(user.username, user.password);
  });

  it('names the field for a bad address or password, keeping what was typed', async () => {
    const visitor = new TestClient(app, '203.0.113.97');
    const long = `${'a'.repeat(488)}@example.org`;
    const refused = await visitor.post('/forgot-password', { email: long });
    expect(refused.status).toBe(422);
    const body = await refused.text();
    expect(body).toContain('Email address is too long');
    expect(body).toContain(long);
    expect((await visitor.post('/forgot-password', { email: 'not an address' })).status).toBe(422);

    const user = await makeUser(db);
    await visitor.post('/forgot-password', { email: user.email });
    const [mail] = await mailsTo(user.email);
    const token = new URL(linkIn(mail!.text, '/reset-password')).searchParams.get('token')!;
    const short = await visitor.post('/reset-password', { token, password: 'short' });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('Password must be at least 10 characters.');
    // The link still works after a refused password.
    expect((await visitor.post('/reset-password', { token, password: 'long enough now' })).status).toBe(200);
  });

  it('limits the emails to one address, whether or not an account uses it', async () => {
    const visitor = new TestClient(app, '203.0.113.98');
    for (let i = 0; i < 3; i++) {
      expect((await visitor.post('/forgot-password', { email: 'flooded@example.org' })).status).toBe(303);
    }
    const limited = await visitor.post('/forgot-password', { email: 'flooded@example.org' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
});

describe('email verification and change', () => {
  it('sends a verification link at sign-up (with the optional display name); following it verifies the address', async () => {
    const visitor = new TestClient(app, '198.51.100.60');
    const signedUp = await visitor.post('/signup', {
      username: 'verity',
      displayName: 'Verity Lane',
      email: 'verity@example.org',
      password: 'a long enough password',
    });
    expect(signedUp.status).toBe(303);
    const [user] = await db.query<{ id: string; displayName: string; verified: boolean }>(
      `SELECT id, display_name AS "displayName", email_verified_at IS NOT NULL AS verified FROM users WHERE username = 'verity'`,
    );
    expect(user).toMatchObject({ displayName: 'Verity Lane', verified: false });
    const settings = await (await visitor.get('/settings')).text();
    expect(settings).toContain('not verified yet');
    expect(settings).toContain('Send the verification link again');

    const [mail] = await mailsTo('verity@example.org');
    expect(mail!.subject).toBe('Confirm your email address');
    const link = pathOf(linkIn(mail!.text, '/verify-email'));
    // Opening the link (as a mail scanner would) changes nothing; the button does.
    const confirm = await visitor.get(link);
    expect(confirm.status).toBe(200);
    const token = new URL(link, TEST_ORIGIN).searchParams.get('token')!;
    expect((await db.query('SELECT 1 FROM users WHERE id = $1 AND email_verified_at IS NULL', [user!.id])).length).toBe(
      1,
    );
    const done = await visitor.post('/verify-email', { token });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your address is verified');
    expect(await (await visitor.get('/settings')).text()).toContain('(verified)');
    expect((await visitor.post('/verify-email', { token })).status).toBe(400);
  });

  it('sends the verification link again from /settings; the older link stops working', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app, '198.51.100.61');
    await client.logIn(user.username, user.password);
    const first = await client.post('/settings/email/verify', {});
    expect(first.headers.get('location')).toBe('/settings?changed=verify');
    const second = await client.post('/settings/email/verify', {});
    expect(second.status).toBe(303);
    const mails = await mailsTo(user.email);
    expect(mails).toHaveLength(2);
    const [older, newer] = mails.map((m) => new URL(linkIn(m.text, '/verify-email')).searchParams.get('token')!);
    expect((await client.post('/verify-email', { token: older! })).status).toBe(400);
    expect((await client.post('/verify-email', { token: newer! })).status).toBe(200);
    expect((await client.post('/settings/email/verify', {})).status).toBe(409);
  });

  it('changes the address only once the link sent to the new one is followed; links to the old one stop working', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app, '198.51.100.62');
    await client.logIn(user.username, user.password);
    await new TestClient(app, '198.51.100.65').post('/forgot-password', { email: user.email });
    const [resetMail] = await mailsTo(user.email);
    const resetLink = pathOf(linkIn(resetMail!.text, '/reset-password'));
    const asked = await client.post('/settings/email', { email: 'moved@example.org', emailPassword: user.password });
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe('/settings?changed=email');
    const settings = await (await client.get('/settings?changed=email')).text();
    expect(settings).toContain('Waiting for confirmation: <strong>moved@example.org</strong>');
    const [row] = await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [user.id]);
    expect(row!.email).toBe(user.email);
    expect(await mailsTo(user.email)).toHaveLength(1);

    const [mail] = await mailsTo('moved@example.org');
    const link = pathOf(linkIn(mail!.text, '/confirm-email'));
    expect((await client.get(link)).status).toBe(200);
    const token = new URL(link, TEST_ORIGIN).searchParams.get('token')!;
    const done = await client.post('/confirm-email', { token });
    expect(done.status).toBe(200);
    const [after] = await db.query<{ email: string; verified: boolean }>(
      'SELECT email, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1',
      [user.id],
    );
    expect(after).toEqual({ email: 'moved@example.org', verified: true });
    expect((await client.post('/confirm-email', { token })).status).toBe(400);
    expect((await client.get(resetLink)).status).toBe(400);
  });

  it('refuses a taken or overlong address and a wrong password with a message on the field', async () => {
    const user = await makeUser(db);
    const other = await makeUser(db);
    const client = new TestClient(app, '198.51.100.63');
    await client.logIn(user.username, user.password);
    const cases: [Record<string, string>, string, string][] = [
      [
        { email: other.email.toUpperCase(), emailPassword: user.password },
        'An account with that email already exists.',
        other.email.toUpperCase(),
      ],
      [{ email: `${'b'.repeat(488)}@example.org`, emailPassword: user.password }, 'Email address is too long', 'bbbb'],
      [
        { email: 'fresh@example.org', emailPassword: 'wrong password' },
        'This is not your current password.',
        'fresh@example.org',
      ],
    ];
    for (const [form, message, shown] of cases) {
      const refused = await client.post('/settings/email', form);
      expect(refused.status).toBe(422);
      const body = await refused.text();
      expect(body).toContain(message);
      expect(body).toContain(shown);
    }
    expect(await db.query(`SELECT 1 FROM account_tokens WHERE user_id = $1`, [user.id])).toHaveLength(0);
  });

  it('refuses a confirmation when another account took the address meanwhile, changing nothing', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app, '198.51.100.64');
    await client.logIn(user.username, user.password);
    await client.post('/settings/email', { email: 'contested@example.org', emailPassword: user.password });
    const [mail] = await mailsTo('contested@example.org');
    const token = new URL(linkIn(mail!.text, '/confirm-email')).searchParams.get('token')!;
    const rival = await makeUser(db);
    await db.query(`UPDATE users SET email = 'contested@example.org' WHERE id = $1`, [rival.id]);
    const refused = await client.post('/confirm-email', { token });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Another account uses that address now');
    const [row] = await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [user.id]);
    expect(row!.email).toBe(user.email);
  });
});
