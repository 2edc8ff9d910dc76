import { beforeAll, describe, expect, it } from 'vitest';
import { sameOriginPath } from '../../src/web/page.js';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makeUser, TEST_PASSWORD, type TestUser } from '../helpers/factories.js';

const { db, app } = useTestApp();
let user: TestUser;
let reader: TestClient;

beforeAll(async () => {
  user = await makeUser(db);
  reader = new TestClient(app);
  await reader.logIn(user.username, TEST_PASSWORD);
});

/** Targets that must never lead away from our site (as they arrive, decoded). */
const HOSTILE = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r/evil.example',
  '/\0/evil.example',
  '\t//evil.example',
  '/\u007f',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\/evil.example',
  '\\\\evil.example',
  '/.//evil.example',
  '/a/..//evil.example',
  '/%2e//evil.example',
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'http://other.example/',
  'https://other.example/x',
  'http://localhost@evil.example/',
  'http://localhost:80@evil.example/',
  'http://evil.example\\@localhost/',
  `/${'a'.repeat(3000)}`,
  '',
];

/** Same-site targets and the path they must come back as. */
const KEPT: [string, string][] = [
  ['/posts/abc/some-slug', '/posts/abc/some-slug'],
  ['/posts/abc?sort=new#comment-x', '/posts/abc?sort=new#comment-x'],
  ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ['/%5Cevil.example', '/%5Cevil.example'],
  ['/@evil.example', '/@evil.example'],
  ['/a b"<>', '/a%20b%22%3C%3E'],
  [`${TEST_ORIGIN}/users/ada`, '/users/ada'],
];

describe('redirect targets', { timeout: 120_000 }, () => {
  it('keep only paths on our own origin, as the URL parser normalizes them', () => {
    for (const target of HOSTILE) expect(sameOriginPath(target, TEST_ORIGIN), JSON.stringify(target)).toBeUndefined();
    for (const [target, path] of KEPT) expect(sameOriginPath(target, TEST_ORIGIN)).toBe(path);
  });

  it('after login (GET, already logged in) lead to the frontpage unless they are ours, never to a 500', async () => {
    for (const target of HOSTILE) {
      const response = await reader.get(`/login?next=${encodeURIComponent(target)}`);
      const label = JSON.stringify(target);
      if (target.includes('\0')) {
        expect(response.status, label).toBe(400); // the NUL guard, before any route
        continue;
      }
      expect(response.status, label).toBe(302);
      expect(response.headers.get('location'), label).toBe('/');
    }
    for (const [target, path] of KEPT) {
      expect((await reader.get(`/login?next=${encodeURIComponent(target)}`)).headers.get('location')).toBe(path);
    }
  });

  // Each login checks a password (scrypt, slow by design): a sample of each kind of target.
  const POSTED = [
    '/\t/evil.example',
    '/\n/evil.example',
    '/\0/evil.example',
    '/\\evil.example',
    '/.//evil.example',
    'javascript:alert(1)',
    'http://localhost@evil.example/',
    `/${'a'.repeat(3000)}`,
    '/posts/abc?sort=new#comment-x',
    '/%2F%2Fevil.example',
  ];

  it('after login (POST) lead to the frontpage unless they are ours', async () => {
    const client = new TestClient(app, '198.51.100.77');
    for (const target of POSTED) {
      const response = await client.post('/login', { login: user.username, password: TEST_PASSWORD, next: target });
      const label = JSON.stringify(target);
      if (target.includes('\0')) {
        expect(response.status, label).toBe(422); // forms refuse NUL characters by name
        expect(await response.text()).toContain('The field &quot;next&quot; contains a NUL character.');
        continue;
      }
      expect(response.status, label).toBe(303);
      const kept = KEPT.find(([t]) => t === target);
      expect(response.headers.get('location'), label).toBe(kept ? kept[1] : '/');
    }
  });

  it('the login form carries a hostile next only as the frontpage', async () => {
    const html = await (await new TestClient(app).get(`/login?next=${encodeURIComponent('/\t/evil.example')}`)).text();
    expect(html).toContain('name="next" value="/"');
  });

  it('after a vote without JavaScript lead back only to our own pages', async () => {
    const comment = await makeComment(db);
    for (const target of [...HOSTILE, ...KEPT.map(([t]) => t)]) {
      const response = await reader.post('/votes', {
        targetType: 'comment',
        targetId: comment.id,
        kind: 'agree',
        returnTo: target,
      });
      const label = JSON.stringify(target);
      if (target.includes('\0')) {
        expect(response.status, label).toBe(422);
        continue;
      }
      if (target.length > 2000) {
        expect(response.status, label).toBe(422);
        expect(await response.text()).toContain('returnTo is too long.');
        continue;
      }
      expect(response.status, label).toBe(303);
      const kept = KEPT.find(([t]) => t === target);
      expect(response.headers.get('location'), label).toBe(kept ? kept[1] : '/');
    }
  });
});
