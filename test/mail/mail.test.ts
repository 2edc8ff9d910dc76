import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/queue.js';
import { OUTBOX_PAGE_SIZE } from '../../src/mail/queries.js';
import { registerMailJob, sendMail } from '../../src/mail/send.js';
import { mailTransport } from '../../src/mail/transport.js';
import { unsubscribeToken } from '../../src/mail/unsubscribe.js';
import { html } from '../../src/web/html.js';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';
import { startSmtpServer } from '../helpers/smtp.js';

const { db, app } = useTestApp();
const logger = pino({ level: 'silent' });
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
/** Recipients whose next delivery the SMTP server refuses once (a server failing for a moment). */
const refuseOnce = new Set<string>();

beforeAll(async () => {
  smtp = await startSmtpServer({
    onRcptTo: (address) => {
      if (!refuseOnce.delete(address)) return undefined;
      return 'mailbox busy, try later';
    },
  });
});
afterAll(() => smtp?.close());

function useOutbox() {
  registerMailJob({
    transport: mailTransport(undefined),
    from: 'Lyceum <noreply@localhost>',
    baseUrl: TEST_ORIGIN,
    logger,
  });
}
function useSmtp() {
  registerMailJob({
    transport: mailTransport(smtp.url),
    from: 'Lyceum <noreply@localhost>',
    baseUrl: TEST_ORIGIN,
    logger,
  });
}

async function messagesTo(address: string) {
  return db.query<{ subject: string; text: string; html: string; headers: Record<string, string>; delivery: string }>(
    `SELECT subject, text_body AS text, html_body AS html, headers, delivery FROM mail_messages WHERE to_address = $1`,
    [address],
  );
}

const reply = (name: string) => ({
  subject: `New reply from ${name}`,
  text: `${name} replied to you.`,
  html: html`<p>${name} replied to you.</p>`.toString(),
});

describe('mail through the job queue', () => {
  it('keeps a mail in the outbox without SMTP_URL, with text and escaped HTML parts and one-click unsubscribe headers', async () => {
    useOutbox();
    const user = await makeUser(db, { emailVerified: true });
    await sendMail(db, { userId: user.id, ...reply('<b>Mallory</b>'), topic: 'reply' }, { key: `t1:${user.id}` });
    expect((await runDueJobs(db)).done).toBeGreaterThanOrEqual(1);
    const [message] = await messagesTo(user.email);
    expect(message!.delivery).toBe('outbox');
    expect(message!.text).toContain('<b>Mallory</b> replied to you.');
    expect(message!.html).toContain('&lt;b&gt;Mallory&lt;/b&gt; replied');
    expect(message!.html).not.toContain('<b>Mallory');
    expect(message!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(message!.headers['List-Unsubscribe']).toMatch(new RegExp(`^<${TEST_ORIGIN}/unsubscribe\\?token=`));
    expect(message!.text).toContain(`${TEST_ORIGIN}/unsubscribe?token=`);
  });

  it('sends nothing but account mails to an unverified address', async () => {
    useOutbox();
    const user = await makeUser(db);
    await sendMail(db, { userId: user.id, ...reply('Ann'), topic: 'reply' }, { key: `t2:${user.id}` });
    await sendMail(db, { userId: user.id, ...reply('Account'), account: true }, { key: `t2a:${user.id}` });
    await runDueJobs(db);
    expect((await messagesTo(user.email)).map((m) => m.subject)).toEqual(['New reply from Account']);
  });

  it('sends once through SMTP when the server refuses at first: retried, never twice, even when the job runs again', async () => {
    useSmtp();
    const user = await makeUser(db, { emailVerified: true });
    refuseOnce.add(user.email);
    const key = `t3:${user.id}`;
    expect(await sendMail(db, { userId: user.id, ...reply('Bo'), topic: 'reply' }, { key })).not.toBeNull();
    // The same event again: no second job.
    expect(await sendMail(db, { userId: user.id, ...reply('Bo'), topic: 'reply' }, { key })).toBeNull();
    const first = await runDueJobs(db);
    expect(first.retried).toBe(1);
    expect(smtp.received.filter((m) => m.to.includes(user.email))).toHaveLength(0);
    await db.query(`UPDATE jobs SET run_at = now() WHERE key = $1`, [`mail:${key}`]);
    expect((await runDueJobs(db)).done).toBe(1);
    // Run the finished job once more (as a worker whose lease ran out might): nothing is sent again.
    await db.query(`UPDATE jobs SET state = 'waiting', run_at = now() WHERE key = $1`, [`mail:${key}`]);
    await runDueJobs(db);
    const arrived = smtp.received.filter((m) => m.to.includes(user.email));
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.subject).toBe('New reply from Bo');
    expect(arrived[0]!.text).toContain('Bo replied to you.');
    expect(arrived[0]!.html).toContain('<p>Bo replied to you.</p>');
    expect(arrived[0]!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(await messagesTo(user.email)).toHaveLength(1);
  });
});

describe('unsubscribing', () => {
  it('stops a topic by a mail client’s one-click POST (no CSRF token, from no page of ours), and not other topics', async () => {
    useOutbox();
    const user = await makeUser(db, { emailVerified: true });
    const token = await unsubscribeToken(db, { userId: user.id, topic: 'reply' });
    const page = await new TestClient(app).get(`/unsubscribe?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop these emails?');
    // A GET changes nothing.
    expect(await db.query('SELECT 1 FROM mail_unsubscribes WHERE user_id = $1', [user.id])).toHaveLength(0);

    const oneClick = await app.request(`${TEST_ORIGIN}/unsubscribe?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('You are unsubscribed');
    await sendMail(db, { userId: user.id, ...reply('Cy'), topic: 'reply' }, { key: `t4:${user.id}` });
    await sendMail(db, { userId: user.id, ...reply('Mention'), topic: 'mention' }, { key: `t4m:${user.id}` });
    await runDueJobs(db);
    expect((await messagesTo(user.email)).map((m) => m.subject)).toEqual(['New reply from Mention']);
  });

  it('refuses forged and altered tokens with a 4xx and changes nothing', async () => {
    const user = await makeUser(db, { emailVerified: true });
    const token = await unsubscribeToken(db, { userId: user.id, topic: 'reply' });
    const other = await makeUser(db);
    const [, , signature] = token.split('.');
    const bad = [`${other.id}.reply.${signature}`, `${user.id}.mention.${signature}`, 'nonsense', `${token}x`, ''];
    for (const forged of bad) {
      const shown = await new TestClient(app).get(`/unsubscribe?token=${encodeURIComponent(forged)}`);
      expect(shown.status).toBe(400);
      expect(await shown.text()).toContain('This unsubscribe link is not valid');
      const posted = await app.request(`${TEST_ORIGIN}/unsubscribe?token=${encodeURIComponent(forged)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(posted.status).toBe(403);
    }
    // Our own form with a CSRF token but a forged link: 400.
    const client = new TestClient(app);
    expect((await client.post(`/unsubscribe?token=${other.id}.reply.${signature}`, {})).status).toBe(400);
    expect(
      await db.query('SELECT 1 FROM mail_unsubscribes WHERE user_id = ANY($1)', [[user.id, other.id]]),
    ).toHaveLength(0);
  });
});

describe('the outbox page', () => {
  it('shows the newest mails to admins only', async () => {
    useOutbox();
    const user = await makeUser(db, { emailVerified: true });
    await sendMail(db, { userId: user.id, ...reply('Dee'), topic: 'reply' }, { key: `t5:${user.id}` });
    await runDueJobs(db);
    const admin = await makeUser(db, { role: 'admin' });
    const adminClient = new TestClient(app);
    await adminClient.logIn(admin.username, admin.password);
    const page = await adminClient.get('/admin/outbox');
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('New reply from Dee');
    expect(body).toContain(user.email);
    expect(page.headers.get('cache-control')).toBe('no-store');

    for (const role of ['member', 'moderator'] as const) {
      const someone = await makeUser(db, { role });
      const client = new TestClient(app);
      await client.logIn(someone.username, someone.password);
      const refused = await client.get('/admin/outbox');
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain('New reply from Dee');
    }
    expect((await new TestClient(app).get('/admin/outbox')).status).toBe(403);
  });

  it('pages through older mails, newest first', async () => {
    useOutbox();
    const user = await makeUser(db, { emailVerified: true });
    for (let i = 0; i < OUTBOX_PAGE_SIZE + 2; i++) {
      await sendMail(db, { userId: user.id, ...reply(`Writer ${i}`) }, { key: `t6:${user.id}:${i}` });
    }
    await runDueJobs(db);
    const admin = await makeUser(db, { role: 'admin' });
    const client = new TestClient(app);
    await client.logIn(admin.username, admin.password);
    const first = await (await client.get('/admin/outbox')).text();
    const newest = first.indexOf(`New reply from Writer ${OUTBOX_PAGE_SIZE + 1}<`);
    expect(newest).toBeGreaterThan(0);
    expect(first.indexOf('New reply from Writer 2<')).toBeGreaterThan(newest);
    expect(first).not.toContain('New reply from Writer 1<');
    const older = /href="(\/admin\/outbox\?before=\d+)"/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = await (await client.get(older!)).text();
    expect(second).toContain('New reply from Writer 1<');
    expect(second).toContain('New reply from Writer 0<');
    expect(second).not.toContain('New reply from Writer 2<');
  });
});
