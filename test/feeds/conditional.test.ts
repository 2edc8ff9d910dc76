import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { respondConditionally, weakEtag } from '../../src/web/conditional.js';

const ETAG = 'W/"abc"';
const LAST_MODIFIED = new Date('2024-05-01T10:00:00.500Z');
const HTTP_DATE = 'Wed, 01 May 2024 10:00:00 GMT';

function makeApp() {
  const render = vi.fn();
  const app = new Hono().on(['GET', 'POST'], '/', (c) =>
    respondConditionally(c, { etag: ETAG, lastModified: LAST_MODIFIED, cacheControl: 'public, max-age=60' }, () => {
      render();
      return c.text('the body');
    }),
  );
  return { app, render };
}

async function status(headers: Record<string, string>, method = 'GET') {
  const { app } = makeApp();
  return (await app.request('/', { method, headers })).status;
}

describe('respondConditionally', () => {
  it('sends the validators and the body to a request without conditions', async () => {
    const { app } = makeApp();
    const response = await app.request('/');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('the body');
    expect(response.headers.get('etag')).toBe(ETAG);
    expect(response.headers.get('last-modified')).toBe(HTTP_DATE);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('answers 304, without rendering, with the validators and no body when If-None-Match matches', async () => {
    const { app, render } = makeApp();
    const response = await app.request('/', { headers: { 'if-none-match': ETAG } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
    expect(response.headers.get('etag')).toBe(ETAG);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(render).not.toHaveBeenCalled();
  });

  it('compares entity tags weakly, in lists, and accepts *', async () => {
    expect(await status({ 'if-none-match': '"abc"' })).toBe(304);
    expect(await status({ 'if-none-match': '"x", W/"y",W/"abc"' })).toBe(304);
    expect(await status({ 'if-none-match': '*' })).toBe(304);
    expect(await status({ 'if-none-match': 'W/"abd"' })).toBe(200);
    expect(await status({ 'if-none-match': 'abc' })).toBe(200);
  });

  it('answers 304 to If-Modified-Since naming our Last-Modified second, and 200 to any other date', async () => {
    expect(await status({ 'if-modified-since': HTTP_DATE })).toBe(304);
    expect(await status({ 'if-modified-since': 'Wed, 01 May 2024 10:00:01 GMT' })).toBe(200);
    expect(await status({ 'if-modified-since': 'Wed, 01 May 2024 09:59:59 GMT' })).toBe(200);
    expect(await status({ 'if-modified-since': 'not a date' })).toBe(200);
  });

  it('lets If-None-Match decide over If-Modified-Since', async () => {
    expect(await status({ 'if-none-match': 'W/"other"', 'if-modified-since': HTTP_DATE })).toBe(200);
  });

  it('answers HEAD like GET and ignores conditions on other methods', async () => {
    expect(await status({ 'if-none-match': ETAG }, 'HEAD')).toBe(304);
    expect(await status({ 'if-none-match': ETAG }, 'POST')).toBe(200);
  });
});

describe('weakEtag', () => {
  it('is stable for the same parts and differs when any part or the split between parts changes', () => {
    const at = new Date('2024-01-01T00:00:00Z');
    expect(weakEtag('feed', at, 3)).toBe(weakEtag('feed', new Date(at), 3));
    expect(weakEtag('feed', at, 3)).toMatch(/^W\/"[\w-]+"$/);
    expect(weakEtag('feed', at, 4)).not.toBe(weakEtag('feed', at, 3));
    expect(weakEtag('ab', 'c')).not.toBe(weakEtag('a', 'bc'));
  });
});
