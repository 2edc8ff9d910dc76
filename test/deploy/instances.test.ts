import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverArgs } from '../../bench/lib/lyceum.js';
import { eventually } from '../helpers/eventually.js';

// Several processes against one database need a PostgreSQL server: this runs in the PostgreSQL pass of CI.
const url = process.env.TEST_DATABASE_URL;
const schema = `instances_${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];

function withSchema(base: string): string {
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

function startInstance(extra: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, serverArgs(), {
    env: {
      ...process.env,
      DATABASE_URL: withSchema(url!),
      PORT: '0',
      BASE_URL: '',
      LOG_LEVEL: 'warn',
      PAGE_CACHE_TTL_MS: '60000',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(/running at http:\/\/localhost:(\d+)/);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    });
    child.on('exit', (code) => reject(new Error(`instance exited with ${code}: ${err}`)));
  });
}

/** A browser stand-in over real HTTP: keeps cookies and echoes the CSRF token. */
class Browser {
  cookies = new Map<string, string>();
  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async fetch(base: string, path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const response = await fetch(base + path, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return response;
  }
  async post(base: string, path: string, form: Record<string, string>) {
    if (!this.cookies.has('lyceum_csrf')) await this.fetch(base, '/login');
    const body = new URLSearchParams({ ...form, _csrf: this.cookies.get('lyceum_csrf')! });
    return this.fetch(base, path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    });
  }
}

describe.skipIf(!url)('two instances on one PostgreSQL', () => {
  let a: string;
  let b: string;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    // Both start at once on an empty database: migrations and demo content must each happen once.
    // B also reads logged-out pages through DATABASE_READ_URL (pointed at the same server, as a replica would be).
    [a, b] = await Promise.all([startInstance(), startInstance({ DATABASE_READ_URL: withSchema(url!) })]);
    // These tests write as brand-new members: no review queue or karma limits (tested in test/review, test/limits).
    const settings = new pg.Client({ connectionString: withSchema(url!) });
    await settings.connect();
    await settings.query(
      `INSERT INTO site_settings (key, value) VALUES ('review', '{"newMembers": false}'), ('rateLimits', '{"tiers": []}')
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    );
    await settings.end();
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  it('migrated and loaded the demo content once', async () => {
    const client = new pg.Client({ connectionString: withSchema(url!) });
    await client.connect();
    const versions = await client.query('SELECT version FROM schema_migrations');
    const distinct = new Set(versions.rows.map((r) => r.version));
    expect(distinct.size).toBe(versions.rows.length);
    const users = await client.query('SELECT count(*)::int AS n FROM users');
    await client.end();
    expect(users.rows[0].n).toBe(4);
  });

  it('shares sessions: signed up on one, logged in on the other', async () => {
    const browser = new Browser();
    const signup = await browser.post(a, '/signup', {
      username: 'twin_user',
      email: 'twin@example.org',
      password: 'a long passphrase',
    });
    expect(signup.status).toBe(303);
    expect(await (await browser.fetch(b, '/')).text()).toContain('twin_user');
  });

  it('shows a comment posted through one instance on the other at once, despite its page cache', async () => {
    const home = await (await fetch(`${b}/?view=recent`)).text();
    const path = home.match(/href="(\/posts\/[0-9A-Za-z]{17}\/[^"#]+)"/)![1]!;
    const before = await fetch(b + path);
    expect(await before.text()).not.toContain('Comment through A');
    expect((await fetch(b + path)).headers.get('x-cache')).toBe('hit');

    const writer = new Browser();
    await writer.post(a, '/signup', {
      username: 'writer_twin',
      email: 'writer@example.org',
      password: 'a long passphrase',
    });
    const postId = path.split('/')[2]!;
    const posted = await writer.post(a, `/posts/${postId}/comments`, { body: 'Comment through A', intent: 'submit' });
    expect(posted.status).toBe(303);

    // The notification crosses over PostgreSQL within milliseconds; allow a moment, no more.
    let seen = false;
    for (let i = 0; i < 20 && !seen; i++) {
      seen = (await (await fetch(b + path)).text()).includes('Comment through A');
      if (!seen) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toBe(true);
  });

  it('ends a session on both instances when it is logged out on one, though each keeps sessions in memory', async () => {
    const browser = new Browser();
    await browser.post(a, '/signup', {
      username: 'leaving_twin',
      email: 'leaving@example.org',
      password: 'a long passphrase',
    });
    // Both instances now hold the session in memory.
    expect(await (await browser.fetch(a, '/')).text()).toContain('leaving_twin');
    expect(await (await browser.fetch(b, '/')).text()).toContain('leaving_twin');
    const session = browser.cookies.get('lyceum_session')!;
    const out = await browser.post(a, '/logout', {});
    expect(out.status).toBe(303);
    // Replay the old cookie against B, as a thief holding it would.
    const thief = new Browser();
    thief.cookies.set('lyceum_session', session);
    await eventually(async () => !(await (await thief.fetch(b, '/')).text()).includes('leaving_twin'));
  });

  it('drops a reader\'s "(N new)" mark on the other instance once they open the post on one', async () => {
    const reader = new Browser();
    await reader.post(a, '/signup', {
      username: 'reading_twin',
      email: 'reading@example.org',
      password: 'a long passphrase',
    });
    const home = await (await reader.fetch(b, '/?view=recent')).text();
    const path = home.match(/href="(\/posts\/[0-9A-Za-z]{17}\/[^"#]+)"/)![1]!;
    const postId = path.split('/')[2]!;
    await reader.fetch(a, path);
    const writer = new Browser();
    await writer.post(b, '/signup', {
      username: 'noisy_twin',
      email: 'noisy@example.org',
      password: 'a long passphrase',
    });
    await writer.post(b, `/posts/${postId}/comments`, { body: 'Something new to read', intent: 'submit' });
    await eventually(async () => (await (await reader.fetch(b, '/?view=recent')).text()).includes('(1 new)'));
    await reader.fetch(a, path);
    await eventually(async () => !(await (await reader.fetch(b, '/?view=recent')).text()).includes('(1 new)'));
  });
});
