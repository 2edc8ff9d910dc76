import { describe, expect, it } from 'vitest';
import { TEST_ORIGIN, TestClient, useTestApp, useTestDatabase } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { connectRaw, startServer } from '../helpers/server.js';

/**
 * Hostile traffic against every route in the app's route table: random, oversized and malformed paths, queries,
 * bodies and headers, with and without a session and a valid CSRF token. Whatever arrives, the answer is never
 * a 5xx, never a hang, and the server is healthy afterwards. Bounded by a request count and a time budget; the
 * seed is printed with any failure so it can be replayed (FUZZ_SEED=…).
 */

const TIME_BUDGET_MS = Number(process.env.FUZZ_MS ?? 25_000);
const PER_REQUEST_MS = 20_000;

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELD_NAMES = [
  'title',
  'markdown',
  'body',
  'note',
  'reason',
  'name',
  'description',
  'login',
  'username',
  'password',
  'email',
  'displayName',
  'display_name',
  'bio',
  'q',
  'parentId',
  'commentId',
  'postId',
  'tagId',
  'target',
  'targetType',
  'kind',
  'value',
  'direction',
  'strength',
  'sort',
  'days',
  'until',
  'forever',
  'role',
  'tags',
  'tag',
  'mode',
  'filter',
  'position',
  'chapterId',
  'order',
  'publish',
  'action',
  'next',
  'back',
  'status',
  'siteName',
  'siteDescription',
  'newMembers',
  'belowKarma',
  'postsPerWeek',
  'commentsPerDay',
  'guidelines',
  'website',
  'confirm',
  'current',
  'author',
  'from',
  'to',
  'type',
  'page',
  'after',
  'before',
  '_csrf',
];

function hostileStrings(known: string[]): string[] {
  return [
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    '99999999999999999999999999',
    'NaN',
    'null',
    'true',
    '[]',
    '{}',
    '../../etc/passwd',
    '%00',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\uFFFF\uFFFE',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    '$$\\begin{array}{c}'.repeat(30),
    '\\mathcal{B}',
    '[x](javascript:alert(1))',
    '#'.repeat(2000),
    '>'.repeat(3000),
    '*'.repeat(5000),
    'x'.repeat(70_000),
    '\u202e\u200b\ufeff',
    '𝔅'.repeat(500),
    'ñ'.repeat(100),
    ...known,
  ];
}

/** Percent-encodes like a browser; a lone surrogate (which has no UTF-8) goes as the raw bytes a client might send. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

const BAD_PATH_SEGMENTS = ['%', '%E0%A4%A', '%C0%AF', '%FF', '%00', '..%2F..', 'x'.repeat(3000), '%25%', '😀', ''];

describe('fuzzing every route', () => {
  const { app, db } = useTestApp({ BODY_LIMIT_BYTES: '200000' });

  it('answers random, oversized and malformed requests to every route without a 5xx or a hang', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

    // Something real for the routes to act on, owned by the fuzzing users and by others.
    const member = await makeUser(db, { karma: 50 });
    const moderator = await makeUser(db, { role: 'moderator', karma: 50 });
    const other = await makeUser(db);
    const post = await makePost(db, { authorId: member.id, title: 'Fuzzed post' });
    const othersPost = await makePost(db, { authorId: other.id, title: 'Someone else’s post' });
    const comment = await makeComment(db, { postId: post.id, authorId: other.id });
    const own = await makeComment(db, { postId: othersPost.id, authorId: member.id });
    const postSlug = (await db.query<{ slug: string }>('SELECT slug FROM posts WHERE id = $1', [post.id]))[0]!.slug;

    const mod = new TestClient(app, '203.0.113.50');
    await mod.logIn(moderator.username, moderator.password);
    await mod.post('/tags/new', { name: 'Fuzz topic', description: 'About fuzzing.' });
    await mod.post('/sequences/new', { title: 'Fuzz sequence', description: 'A series.' });
    const [tag] = await db.query<{ id: string; slug: string }>('SELECT id, slug FROM tags LIMIT 1');
    const [sequence] = await db.query<{ id: string }>('SELECT id FROM sequences LIMIT 1');
    const [chapter] = await db.query<{ id: string }>('SELECT id FROM sequence_chapters LIMIT 1');

    const realValues: Record<string, string[]> = {
      postId: [post.id, othersPost.id],
      commentId: [comment.id, own.id],
      slug: [postSlug, tag?.slug ?? 'x'],
      username: [member.username, other.username, moderator.username],
      sequenceId: [sequence?.id ?? 'x'],
      chapterId: [chapter?.id ?? 'x'],
      tagId: [tag?.id ?? 'x'],
      n: ['1', '2'],
      id: ['1'],
    };
    const known = Object.values(realValues).flat();
    const strings = hostileStrings(known);

    const anonymous = new TestClient(app, '203.0.113.51');
    const loggedIn = new TestClient(app, '203.0.113.52');
    await loggedIn.logIn(member.username, member.password);
    const clients = [anonymous, loggedIn, mod];

    const routes = app.routes
      .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
      .map((route) => ({ method: route.method, path: route.path }));
    const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
    expect(unique.length).toBeGreaterThan(30);

    const fillPath = (path: string) =>
      path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => {
        const roll = random();
        if (roll < 0.6 && realValues[name]) return encode(pick(realValues[name]!));
        if (roll < 0.8) return pick(BAD_PATH_SEGMENTS);
        return encode(pick(strings).slice(0, 300));
      });

    const randomForm = (csrf: string | undefined): string => {
      const parts: string[] = [];
      const count = Math.floor(random() * 8);
      for (let i = 0; i < count; i++) {
        const name = random() < 0.9 ? pick(FIELD_NAMES) : pick(strings).slice(0, 50);
        const value = pick(strings);
        // Sometimes raw bytes that are not valid percent-encoding or UTF-8.
        const encoded = random() < 0.1 ? pick(['%', '%G1', '%C3%28', '%FF%FE', '%00']) : encode(value);
        parts.push(`${encode(name)}=${encoded}`);
        if (random() < 0.15) parts.push(`${encode(name)}=${encoded}`); // duplicated field
      }
      if (csrf && random() < 0.85) parts.push(`_csrf=${encode(csrf)}`);
      return parts.join('&');
    };

    const randomJson = (csrf: string | undefined): string => {
      const roll = random();
      if (roll < 0.2) return '{"a":'.repeat(5000); // truncated and deeply nested
      if (roll < 0.3) return `${'['.repeat(3000)}${']'.repeat(3000)}`;
      if (roll < 0.4) return 'not json at all';
      const body: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(random() * 6); i++) {
        const v = random();
        body[pick(FIELD_NAMES)] =
          v < 0.3
            ? pick(strings)
            : v < 0.5
              ? Math.floor(random() * 1e12) - 5e11
              : v < 0.6
                ? null
                : v < 0.7
                  ? [1, 2]
                  : { x: 1 };
      }
      if (csrf) body._csrf = csrf;
      return JSON.stringify(body);
    };

    const failures: string[] = [];
    const started = Date.now();
    let sent = 0;
    const send = async (client: TestClient, path: string, init: RequestInit) => {
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hang'>((resolve) => {
        timer = setTimeout(() => resolve('hang'), PER_REQUEST_MS);
      });
      try {
        const outcome = await Promise.race([client.request(path, init), hang]);
        sent++;
        if (outcome === 'hang') failures.push(`hang: ${init.method ?? 'GET'} ${path.slice(0, 200)}`);
        else {
          const text = await outcome.text();
          if (outcome.status >= 500 && outcome.status !== 503) {
            failures.push(`${outcome.status}: ${init.method ?? 'GET'} ${path.slice(0, 200)} → ${text.slice(0, 200)}`);
          }
        }
      } catch (error) {
        failures.push(`threw: ${init.method ?? 'GET'} ${path.slice(0, 200)}: ${String(error).slice(0, 200)}`);
      } finally {
        clearTimeout(timer);
      }
    };

    // Every route at least once per client, then random routes until the budget is spent.
    const schedule = [...unique.flatMap((route) => clients.map((client) => ({ route, client })))];
    while (schedule.length > 0 || Date.now() - started < TIME_BUDGET_MS) {
      if (Date.now() - started > TIME_BUDGET_MS * 2) break;
      const next = schedule.shift() ?? { route: pick(unique), client: pick(clients) };
      const { route, client } = next;
      let path = fillPath(route.path);
      if (random() < 0.3) path += `?${randomForm(undefined)}`;
      const csrf = client.cookies.get('lyceum_csrf');
      const headers: Record<string, string> = {};
      if (random() < 0.9) headers.origin = TEST_ORIGIN;
      if (route.method === 'GET') {
        if (random() < 0.2) headers.accept = pick(['application/json', 'text/html', '*/*', '\u00ff', 'x'.repeat(500)]);
        await send(client, path, { method: 'GET', headers });
        continue;
      }
      const kind = random();
      let body: BodyInit;
      if (kind < 0.55) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = randomForm(csrf);
      } else if (kind < 0.75) {
        headers['content-type'] = pick(['application/json', 'application/json; charset=utf-8']);
        if (csrf && random() < 0.7) headers['x-csrf-token'] = csrf;
        body = randomJson(csrf);
      } else if (kind < 0.85) {
        headers['content-type'] = pick([
          'multipart/form-data',
          'multipart/form-data; boundary=zz',
          'Multipart/Form-Data; boundary=zz',
          'APPLICATION/X-WWW-FORM-URLENCODED',
          'text/plain',
        ]);
        body = `--zz\r\nContent-Disposition: form-data; name="title"\r\n\r\n${pick(strings).slice(0, 100)}\r\n`;
        if (csrf && random() < 0.7) headers['x-csrf-token'] = csrf;
      } else if (kind < 0.92) {
        // Invalid UTF-8 bytes in a form body.
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new Uint8Array([
          ...Buffer.from(`title=`),
          0xff,
          0xfe,
          0xc3,
          0x28,
          ...Buffer.from(`&_csrf=${csrf ?? ''}`),
        ]);
      } else {
        // No content type at all, or an oversized body past the limit.
        if (random() < 0.5) headers['content-type'] = 'application/x-www-form-urlencoded';
        body = random() < 0.5 ? 'x'.repeat(300_000) : '';
      }
      await send(client, path, { method: route.method, headers, body });
    }

    // Still healthy: the health check and a real page answer as before.
    const health = await app.request(`${TEST_ORIGIN}/healthz`);
    expect(health.status).toBe(200);
    const page = await new TestClient(app, '203.0.113.60').get(`/posts/${post.id}/${postSlug}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Fuzzed post');
    expect(sent).toBeGreaterThan(unique.length * clients.length - 1);
    expect(failures, `FUZZ_SEED=${seed}`).toEqual([]);
  }, 240_000);
});

describe('malformed requests on the wire', () => {
  const { db } = useTestDatabase();

  it('answers broken request lines, paths, headers and bodies with a 4xx or a closed connection, never a 5xx', async () => {
    const server = await startServer(db, { env: { BODY_LIMIT_BYTES: '4096' } });
    try {
      const form = 'Host: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n';
      const requests = [
        'GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        'GET /posts/%00/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        'GET /search?q=%FF%FE%C3%28 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(40_000)}\r\n\r\n`,
        'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: lyceum_session=\u00ff\u00fe; lyceum_csrf=%%%\r\n\r\n',
        'BREW /coffee HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        'GET / HTTP/9.9\r\n\r\n',
        'this is not http\r\n\r\n',
        `POST /login HTTP/1.1\r\n${form}Content-Length: 12\r\n\r\nlogin=%FF%FE`,
        `POST /login HTTP/1.1\r\n${form}Content-Length: 5\r\n\r\nab`,
        `POST /login HTTP/1.1\r\n${form}Content-Length: -1\r\n\r\n`,
        `POST /login HTTP/1.1\r\n${form}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`,
        `POST /login HTTP/1.1\r\n${form}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
        `POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 20\r\n\r\n--x\r\nbroken\r\n\r\n\r\n`,
      ];
      for (const request of requests) {
        const connection = await connectRaw(server.port);
        connection.socket.end(Buffer.from(request, 'latin1'));
        await Promise.race([connection.closed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(connection.received())?.[1];
        // Either an answer below 500 or the connection closed without one (a request too broken to answer).
        if (status) expect(Number(status), request.slice(0, 80)).toBeLessThan(500);
        connection.socket.destroy();
      }
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await server.close();
    }
  }, 120_000);
});
