import { describe, expect, it } from 'vitest';
import { loadAssets } from '../../src/web/assets.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makePost } from '../helpers/factories.js';

const { app, db } = useTestApp({ BODY_LIMIT_BYTES: '4096' });

describe('every response', () => {
  it('carries a CSP without inline script, nosniff, a referrer policy, frame-ancestors none and a request id', async () => {
    const post = await makePost(db);
    const client = new TestClient(app);
    // Pages, a redirect, a 404 page, a JSON error, a form's error, a static file and its 304: every kind of answer
    // (the headers are set on the answer once made, web/middleware.ts setAnswerHeaders).
    const asset = (await (await client.get('/login')).text()).match(/src="(\/static\/app\.[\w-]+\.js)"/)![1]!;
    const answers = [
      await client.get('/'),
      await client.get(`/posts/${post.id}/${post.slug}`),
      await client.get(`/posts/${post.id}/wrong-slug`),
      await client.get('/no/such/page'),
      await client.get('/no/such/page', { accept: 'application/json' }),
      await client.post('/login', { login: 'nobody', password: 'wrong' }),
      await client.get(asset, { 'accept-encoding': 'gzip' }),
    ];
    expect(answers.map((response) => response.status)).toEqual([200, 200, 301, 404, 404, 422, 200]);
    for (const response of answers) {
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    }
    // Each answer names its own request.
    const ids = answers.map((response) => response.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has no inline script in the page', async () => {
    const html = await (await new TestClient(app).get('/login')).text();
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/static\/app\.[\w-]+\.js"/);
  });
});

describe('errors', () => {
  it('answers an unknown address with a 404 page in the site layout', async () => {
    const response = await new TestClient(app).get('/no/such/page');
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('Page not found');
    expect(html).toContain('class="site-header"');
  });

  it('answers JSON callers with JSON', async () => {
    const response = await new TestClient(app).get('/no/such/page', { accept: 'application/json' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/nothing at this address/);
  });

  it('answers a malformed post id with a 404, not a 500', async () => {
    const client = new TestClient(app);
    for (const id of ['x', "1' OR 1=1--", '%00', 'a'.repeat(500)]) {
      const response = await client.get(`/posts/${encodeURIComponent(id)}/slug`);
      expect(response.status).toBe(404);
    }
  });

  it('refuses a body over the size limit with 413 and a message', async () => {
    const client = new TestClient(app);
    const response = await client.post('/login', { login: 'x'.repeat(10_000), password: 'y' });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('larger than the limit of 4 KB');
  });

  it('answers a malformed multipart body with a 4xx and a message', async () => {
    const client = new TestClient(app);
    await client.get('/login');
    const response = await client.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz', origin: 'http://localhost' },
      body: '--zzz\r\nContent-Disposition: form-data; name="login"\r\n\r\nunterminated',
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

describe('static assets and health', () => {
  it('serves fingerprinted CSS, JS and KaTeX files with an immutable cache lifetime', async () => {
    const client = new TestClient(app);
    const html = await (await client.get('/')).text();
    const urls = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls.some((u) => /\/static\/style\.[\w-]{10}\.css$/.test(u))).toBe(true);
    expect(urls.some((u) => /\/static\/app\.[\w-]{10}\.js$/.test(u))).toBe(true);
    for (const url of urls) {
      const response = await client.get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('immutable');
    }
    // Pages with math link KaTeX's stylesheet, fingerprinted too.
    const katexUrl = (await loadAssets()).urls.katexCss;
    expect(katexUrl).toMatch(/^\/static\/katex-[\d.]+\/katex\.min\.[\w-]{10}\.css$/);
    const katexCss = await (await client.get(katexUrl)).text();
    // Formulas show at once in a fallback font while theirs loads; only WOFF2 is listed.
    expect(katexCss).toContain('font-display:swap');
    expect(katexCss).not.toContain('font-display:block');
    expect(katexCss).not.toMatch(/\.(woff|ttf)\)/);
    const font = katexCss.match(/url\((fonts\/[\w-]+\.woff2)\)/)![1];
    const fontResponse = await client.get(katexUrl.replace(/[^/]+$/, font!));
    expect(fontResponse.headers.get('content-type')).toBe('font/woff2');
    expect((await client.get(katexUrl.replace(/[^/]+$/, font!.replace('.woff2', '.ttf')))).status).toBe(404);
    // A page that may show formulas has one stylesheet in its head, ours with KaTeX's inside, fonts found.
    const { id, slug } = await makePost(db, { markdown: 'Math $x^2$ on $\\mathbb{R}$.' });
    const post = await (await client.get(`/posts/${id}/${slug}`)).text();
    const stylesheets = [...post.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    expect(stylesheets).toEqual([(await loadAssets()).urls.cssWithMath]);
    expect(stylesheets[0]).toMatch(/^\/static\/style-math\.[\w-]{10}\.css$/);
    const bundled = await (await client.get(stylesheets[0]!)).text();
    expect(bundled).toContain(await (await client.get(urls.find((u) => u.endsWith('.css'))!)).text());
    expect(bundled).toContain('.katex{');
    const bundledFonts = [...bundled.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(bundledFonts.length).toBeGreaterThan(10);
    for (const href of bundledFonts.slice(0, 3)) {
      const response = await client.get(new URL(href, `http://localhost${stylesheets[0]}`).pathname);
      expect(response.headers.get('content-type'), href).toBe('font/woff2');
    }
    // The fonts its formulas are set in are asked for beside the stylesheet, at the URLs the stylesheet names.
    const preloaded = [
      ...post.matchAll(/<link rel="preload" href="([^"]+)" as="font" type="font\/woff2" crossorigin=""\/?>/g),
    ];
    const named = new Set(bundledFonts.map((href) => new URL(href, `http://localhost${stylesheets[0]}`).pathname));
    expect(preloaded.map((m) => m[1]!.replace(/.*\//, ''))).toEqual([
      'KaTeX_Main-Regular.woff2',
      'KaTeX_Math-Italic.woff2',
      'KaTeX_AMS-Regular.woff2',
    ]);
    for (const [, href] of preloaded) {
      expect(named.has(href!), href).toBe(true);
      expect((await client.get(href!)).status).toBe(200);
    }
    // A page without formulas preloads none.
    const plain = await makePost(db, { markdown: 'No math here.' });
    expect(await (await client.get(`/posts/${plain.id}/${plain.slug}`)).text()).not.toContain('rel="preload"');
  });

  it('reports database health', async () => {
    const response = await new TestClient(app).get('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});

describe('NUL characters', () => {
  it('are refused with a 4xx in addresses and form fields, never reaching the database', async () => {
    const client = new TestClient(app);
    for (const path of ['/users/%00', '/posts/abc%00/x', '/?view=%00', '/users/x?after=%00']) {
      const response = await client.get(path);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('NUL character');
    }
    const form = await client.post('/login', { login: 'a\u0000b', password: 'whatever pass' });
    expect(form.status).toBe(422);
    expect(await form.text()).toContain('contains a NUL character');
  });
});
