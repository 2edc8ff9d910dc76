import { beforeAll, describe, expect, it } from 'vitest';
import { makePost, makeUser } from '../helpers/factories.js';
import { useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

beforeAll(async () => {
  const author = await makeUser(db, { username: 'topologist' });
  await makePost(db, {
    authorId: author.id,
    title: 'Compactness of nets',
    markdown: 'Let $\\mathcal{B}$ be a base of the topology; every net has a convergent subnet.',
  });
});

describe('the header search box', () => {
  it('with JavaScript: suggests titles as one types, chosen with the keyboard', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const box = page.getByRole('combobox', { name: 'Search' });
    await box.pressSequentially('compactnes');
    const option = page.getByRole('option', { name: /Compactness of nets/ });
    await option.waitFor();
    await expect(box.getAttribute('aria-expanded')).resolves.toBe('true');
    await box.press('ArrowDown');
    await expect(option.getAttribute('aria-selected')).resolves.toBe('true');
    await expect(box.getAttribute('aria-activedescendant')).resolves.toBe(await option.getAttribute('id'));
    await box.press('Enter');
    await page.waitForURL(/\/posts\/\w+\/compactness-of-nets$/);
    await page.close();
  });

  it('with JavaScript: a formula typed in the box finds the post, shown typeset in the snippet', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const box = page.getByRole('combobox', { name: 'Search' });
    await box.fill('\\mathcal{B}');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    const result = page.locator('.search-result', { hasText: 'Compactness of nets' });
    await result.waitFor();
    const mark = result.locator('.search-snippet mark math');
    await expect(mark.count()).resolves.toBe(1);
    const box2 = await mark.boundingBox();
    expect(box2!.width).toBeGreaterThan(4);
    // biome-ignore lint/performance/useDomNodeTextContent: what is drawn is checked, not the annotation
    await expect(result.locator('.search-snippet').innerText()).resolves.not.toContain('\\mathcal');
    await page.close();
  });

  it('without JavaScript: the box is a plain form that submits to /search', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.fill('convergent subnet');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=convergent\+subnet/);
    await expect(page.locator('.search-result h3').allTextContents()).resolves.toEqual(['Compactness of nets']);
    await expect(page.locator('.search-snippet mark').allTextContents()).resolves.toEqual(['convergent', 'subnet']);
    await context.close();
  });
});
