import { HtmlValidate, type Message } from 'html-validate';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestClient, useTestApp } from '../helpers/app.js';
import type { TestUser } from '../helpers/factories.js';
import { makePageTour, routesMissingFrom, type TourPage } from '../helpers/page-tour.js';

const { db, app } = useTestApp();

const validator = new HtmlValidate({
  extends: ['html-validate:standard', 'html-validate:a11y'],
  rules: {
    // KaTeX positions its glyphs with inline styles (em values), which the sanitizer keeps on purpose. (Neither
    // preset turns this rule on today; it stays off should one start to.)
    'no-inline-style': 'off',
    // Not in either preset, turned on: one way to write boolean attributes everywhere. hono/jsx can only write
    // `open=""` (never a bare `open`), which HTML allows (the empty string or the attribute's name), and
    // sanitize-html writes the same; so "empty" it is. A value such as "true" is invalid (attribute-allowed-values).
    'attribute-boolean-style': ['error', { style: 'empty' }],
  },
});

let author: TestUser;
let admin: TestUser;
let pages: TourPage[];
beforeAll(async () => {
  ({ author, admin, pages } = await makePageTour(db));
});

/** Every problem html-validate finds in a page, one line each, naming the page. */
async function problems(label: string, html: string): Promise<string[]> {
  const report = await validator.validateString(html, label);
  return report.results.flatMap((result) =>
    result.messages.map(
      (m: Message) => `${label} ${m.line}:${m.column} ${m.ruleId}: ${m.message} (${m.selector ?? ''})`,
    ),
  );
}

describe('every page type is valid HTML (html-validate: standard and a11y presets)', () => {
  it('visits every page route of the app', () => {
    expect(routesMissingFrom(pages, app.routes)).toEqual([]);
  });

  it('finds no errors on any page, for a logged-out reader and for a logged-in author', async () => {
    const readers = { reader: new TestClient(app), author: new TestClient(app), admin: new TestClient(app) };
    await readers.author.logIn(author.username, author.password);
    await readers.admin.logIn(admin.username, admin.password);
    const found: string[] = [];
    for (const page of pages) {
      const response = await readers[page.as].get(page.path);
      const expected = page.route === 'not found' ? 404 : 200;
      expect(response.status, `${page.as} ${page.path}`).toBe(expected);
      found.push(...(await problems(`${page.as} ${page.path}`, await response.text())));
    }
    expect(found).toEqual([]);
  });

  it('finds no errors on the pages that show a form with its mistakes', async () => {
    const reader = new TestClient(app);
    const forms: [string, Record<string, string>][] = [
      ['/login', { login: author.username, password: 'not the password' }],
      ['/signup', { username: 'x', email: 'not an email', password: 'short' }],
      ['/forgot-password', { email: 'not an email' }],
    ];
    const writer = new TestClient(app);
    await writer.logIn(author.username, author.password);
    const found: string[] = [];
    for (const [path, form] of forms) {
      const response = await reader.post(path, form);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      found.push(...(await problems(`POST ${path}`, await response.text())));
    }
    for (const [path, form] of [
      ['/posts/new', { title: '', body: 'No title.', intent: 'publish' }],
      ['/posts/new', { title: 'Previewed', body: 'Math $x^2$.', intent: 'preview' }],
      ['/sequences/new', { title: '', description: '' }],
      ['/settings/email', { email: 'not an email', emailPassword: '' }],
    ] as const) {
      const response = await writer.post(path, form);
      expect(response.status, `${path} ${form.intent ?? ''}`).not.toBe(303);
      found.push(...(await problems(`POST ${path} ${'intent' in form ? form.intent : ''}`, await response.text())));
    }
    const siteAdmin = new TestClient(app);
    await siteAdmin.logIn(admin.username, admin.password);
    const settings = await siteAdmin.post('/admin/settings', {
      name: '',
      description: 'x',
      'tiers.0.belowKarma': 'five',
      'tiers.0.postsPerWeek': '2',
      newMemberLinks: '-1',
    });
    expect(settings.status).toBe(422);
    found.push(...(await problems('POST /admin/settings', await settings.text())));
    expect(found).toEqual([]);
  });
});
