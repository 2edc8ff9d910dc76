import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { describe, expect, it } from 'vitest';
import { cookieValue } from '../../src/cache/answer.js';
import { clientHasCurrent } from '../../src/web/conditional.js';

// The page cache answers hits before the framework (cache/fast-path.ts) and inside it: both must read cookies
// and conditional requests exactly as the rest of the app does.
describe('one reading of requests on both paths', () => {
  it('reads cookies as the framework does', async () => {
    const headers = [
      'lyceum_session=abc',
      'a=1;lyceum_session=abc; b=2',
      'lyceum_session="abc"',
      'lyceum_session=%61bc',
      'other=x',
      'lyceum_session=first; lyceum_session=second',
    ];
    const app = new Hono().get('/', (c) => c.text(getCookie(c, 'lyceum_session') ?? '(none)'));
    for (const header of headers) {
      const framework = await (await app.request('/', { headers: { cookie: header } })).text();
      expect(cookieValue(header, 'lyceum_session') ?? '(none)').toBe(framework);
    }
  });

  it('answers conditional requests by one rule: the ETag when sent, else the exact Last-Modified second', () => {
    const page = { etag: '"v1"', lastModified: new Date('2026-12-01T10:00:00Z') };
    expect(clientHasCurrent('"v1"', undefined, page)).toBe(true);
    expect(clientHasCurrent('W/"v1", "v0"', undefined, page)).toBe(true);
    expect(clientHasCurrent('*', undefined, page)).toBe(true);
    expect(clientHasCurrent('"v0"', page.lastModified.toUTCString(), page)).toBe(false);
    expect(clientHasCurrent(undefined, page.lastModified.toUTCString(), page)).toBe(true);
    // A later date is not "unchanged since": the page may have moved back (an item deleted).
    expect(clientHasCurrent(undefined, new Date('2026-12-02T10:00:00Z').toUTCString(), page)).toBe(false);
    expect(clientHasCurrent(undefined, 'not a date', page)).toBe(false);
  });
});
