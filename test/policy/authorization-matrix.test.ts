import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSession, csrfTokenOf } from '../../src/accounts/sessions.js';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { makeUser, type TestUser } from '../helpers/factories.js';
import { type Attempt, type MatrixEntry, type MatrixRole, ROLES, type Scene } from './authorization-matrix.kit.js';
import { MATRIX } from './authorization-matrix.table.js';

/**
 * Every state-changing route, as every role: allowed means the write happened (a success status: 2xx or a
 * redirect other than to the login page); refused means 401, 403 or 404 (or a redirect to log in) with nothing
 * changed. Each (route, role) builds its own target, so cases never interfere; one database and app serve all.
 */
describe('authorization matrix', () => {
  const test = useTestApp();
  const { db, app } = test;

  /** "POST /posts/:postId/edit" for every route that is not a read (app.use middleware is method ALL). */
  function stateChangingRoutes(): string[] {
    const names = new Set<string>();
    for (const route of app.routes) {
      if (['GET', 'HEAD', 'ALL', 'OPTIONS'].includes(route.method)) continue;
      names.add(`${route.method} ${route.path}`);
    }
    return [...names].sort();
  }

  it('has an entry for every state-changing route, and none for a route that is gone', () => {
    const routes = stateChangingRoutes();
    const missing = routes.filter((name) => !(name in MATRIX));
    const stale = Object.keys(MATRIX).filter((name) => !routes.includes(name));
    expect(missing, `routes missing from test/policy/authorization-matrix.table.ts: ${missing.join(', ')}`).toEqual([]);
    expect(stale, `entries for routes that no longer exist: ${stale.join(', ')}`).toEqual([]);
  });

  /** The user acting as `role` (fresh for each case, so a ban, a vote or a written post never carries over). */
  async function actorFor(role: MatrixRole): Promise<TestUser | undefined> {
    switch (role) {
      case 'anonymous':
        return undefined;
      case 'newMember':
      case 'author':
        return makeUser(db);
      case 'member':
        return makeUser(db, { karma: 20 });
      case 'banned': {
        const user = await makeUser(db, { karma: 20 });
        await db.query(
          "UPDATE users SET banned_until = now() + interval '1 day', ban_reason = 'Matrix test' WHERE id = $1",
          [user.id],
        );
        return user;
      }
      case 'moderator':
        return makeUser(db, { role: 'moderator', karma: 20 });
      case 'admin':
        return makeUser(db, { role: 'admin', karma: 20 });
    }
  }

  /** A browser of its own (own address, so per-address limits never meet), logged in as `user` without a login. */
  async function browserOf(user: TestUser | undefined): Promise<TestClient> {
    const client = new TestClient(app, `198.51.${randomBytes(1)[0]}.${randomBytes(1)[0]}`);
    if (user) {
      const { token } = await createSession(db, user.id);
      client.cookies.set('lyceum_session', token);
      client.cookies.set('lyceum_csrf', csrfTokenOf(token));
    }
    return client;
  }

  /** The request as a browser (a form) or the client script (JSON) sends it, with the CSRF token. */
  async function send(client: TestClient, method: string, attempt: Attempt): Promise<Response> {
    if (method === 'POST' && attempt.json === undefined) return client.post(attempt.path, attempt.form ?? {});
    if (!client.cookies.has('lyceum_csrf')) await client.get('/login');
    const json = attempt.json !== undefined;
    return client.request(attempt.path, {
      method,
      body: json ? JSON.stringify(attempt.json) : new URLSearchParams(attempt.form).toString(),
      headers: {
        'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
        origin: TEST_ORIGIN,
        'x-csrf-token': client.cookies.get('lyceum_csrf') ?? '',
      },
    });
  }

  const isRefusal = (response: Response) =>
    [401, 403, 404].includes(response.status) ||
    (response.status >= 300 && response.status < 400 && /^\/login\b/.test(response.headers.get('location') ?? ''));
  const isSuccess = (response: Response) => response.status < 400 && !isRefusal(response);

  async function run(route: string, entry: MatrixEntry, role: MatrixRole) {
    const actor = await actorFor(role);
    const owner = role === 'author' ? actor! : await makeUser(db);
    const scene: Scene = { db, role, actor, owner };
    const attempt = await entry.arrange(scene);
    const client = await browserOf(actor);
    const before = JSON.stringify(await attempt.probe());
    const response = await send(client, route.split(' ')[0]!, attempt);
    const after = JSON.stringify(await attempt.probe());
    const said = `${route}${entry.label ? ` (${entry.label})` : ''} as ${role}: ${response.status} ${response.headers.get('location') ?? ''}`;
    if (entry.allowed.includes(role)) {
      expect(isSuccess(response), `${said} (expected allowed)`).toBe(true);
      if (!entry.readOnly) expect(after, `${said}: nothing was written`).not.toBe(before);
    } else if (entry.harmless?.includes(role)) {
      expect(isSuccess(response), `${said} (expected harmless)`).toBe(true);
      expect(after, `${said}: something changed`).toBe(before);
    } else {
      expect(isRefusal(response), `${said} (expected refused)`).toBe(true);
      expect(after, `${said}: the refused request changed something`).toBe(before);
    }
  }

  for (const [route, entries] of Object.entries(MATRIX)) {
    describe(route, () => {
      for (const entry of [entries].flat()) {
        for (const role of ROLES) {
          const outcome = entry.allowed.includes(role)
            ? 'allowed'
            : entry.harmless?.includes(role)
              ? 'harmless'
              : 'refused';
          it(`${entry.label ? `${entry.label}, ` : ''}${role}: ${outcome}`, () => run(route, entry, role));
        }
      }
    });
  }
});
