import { describe, expect, it } from 'vitest';
import { addComment } from '../../src/comments/service.js';
import { SETTINGS, saveSetting } from '../../src/settings/settings.js';
import { makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

describe('sign-up and write limits in a browser', () => {
  it('hides the honeypot from people: off-screen, skipped by Tab, so a person signs up and a bot does not', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/signup`);
    const trap = page.locator('#field-website');
    expect(await trap.isVisible()).toBe(true); // in the document, not display: none (which bots look for)…
    const box = await trap.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(0); // …but off-screen, by the stylesheet
    await page.getByLabel('Username').fill('browser_person');
    await page.getByLabel('Email').fill('person@example.org');
    await page.getByLabel('Password').fill('a long enough password');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign up');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/`);
    expect(await page.locator('.nav-user').textContent()).toBe('browser_person');

    const bot = await browser.newPage();
    await bot.goto(`${server.url}/signup`);
    for (const [name, value] of [
      ['username', 'browser_bot'],
      ['email', 'bot@example.org'],
      ['password', 'a long enough password'],
      ['website', 'https://spam.example'],
    ]) {
      await bot.locator(`[name="${name}"]`).fill(value!);
    }
    await bot.locator('button[type="submit"]', { hasText: 'Sign up' }).click();
    await expect.poll(() => bot.locator('.form-error').textContent()).toContain('no account was made');
    const rows = await db.query(`SELECT 1 FROM users WHERE username = 'browser_bot'`);
    expect(rows).toHaveLength(0);
  });

  it('tells a member over their comments for the day when they may comment again, keeping the text', async () => {
    await saveSetting(db, 'rateLimits', {
      ...SETTINGS.rateLimits.default,
      tiers: [...SETTINGS.rateLimits.default.tiers],
    });
    const post = await makePost(db, { title: 'A busy thread' });
    const member = await makeUser(db, { username: 'eager_member' });
    for (let i = 0; i < 3; i++)
      await addComment(db, { postId: post.id, authorId: member.id, markdown: `Earlier ${i}` });
    const page = await browser.newPage();
    await logInAs(page, server.url, member);
    await page.goto(`${server.url}/posts/${post.id}/${post.slug}`);
    await page.getByLabel('Your comment').fill('One more thought I do not want to lose');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await expect
      .poll(() => page.locator('.comment-form .form-error').first().textContent())
      .toMatch(/the most members with less than 5 karma may; you may comment again (at|on) .* UTC, in 24 hours\./);
    expect(await page.getByLabel('Your comment').inputValue()).toBe('One more thought I do not want to lose');
  });
});
