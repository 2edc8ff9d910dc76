import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/queue.js';
import { registerMailJob } from '../../src/mail/send.js';
import { mailTransport } from '../../src/mail/transport.js';
import { makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

describe('a member who forgot their password, on a forum without SMTP', () => {
  it('asks for a link from the login page; the admin finds it in the outbox; the member sets a new password', async () => {
    // As main.ts registers the mail job without SMTP_URL: mail is kept for the outbox.
    registerMailJob({
      transport: mailTransport(undefined),
      from: 'Lyceum <noreply@localhost>',
      baseUrl: server.url,
      logger: pino({ level: 'silent' }),
    });
    const member = await makeUser(db, { username: 'forgetful' });
    const admin = await makeUser(db, { username: 'outbox_admin', role: 'admin' });

    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel("Your account's email address").fill(member.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await expect(page.locator('p.notice').textContent()).resolves.toContain('If an account uses that address');
    await runDueJobs(db);

    const adminPage = await browser.newPage();
    await logInAs(adminPage, server.url, admin);
    await adminPage.goto(`${server.url}/admin/outbox`);
    const mail = adminPage.locator('.outbox-message').first();
    await expect(mail.locator('h2').textContent()).resolves.toBe('Reset your password');
    const text = (await mail.locator('pre').textContent()) ?? '';
    // The link's path (the test server's BASE_URL has no port).
    const link = /\/reset-password\?token=[\w-]+/.exec(text)?.[0];
    expect(link).toBeDefined();

    await page.goto(`${server.url}${link}`);
    await page.getByLabel('New password').fill('my memorable new passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Your password is set');
    await logInAs(page, server.url, { username: member.username, password: 'my memorable new passphrase' });
  });
});
