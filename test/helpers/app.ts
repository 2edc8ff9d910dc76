import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { applyChange, startCaches } from '../../src/cache/caches.js';
import { type Config, loadConfig } from '../../src/config.js';
import { renderPoolOptions, startRenderPool } from '../../src/content/pool.js';
import { type ChangeFeed, startChangeFeed } from '../../src/db/changes.js';
import type { Database } from '../../src/db/database.js';
import { LiveHub } from '../../src/live/hub.js';
import { openSiteSettings } from '../../src/settings/store.js';
import { createApp } from '../../src/web/app.js';
import { loadAssets } from '../../src/web/assets.js';
import { openTestDatabase } from './db.js';

export const TEST_ORIGIN = 'http://localhost';

export interface TestAppOptions {
  /** Stands between the change feed and the caches (a test may delay what the caches hear). */
  feed?: (feed: ChangeFeed) => ChangeFeed;
  /** Live updates (live/hub.tsx), which hear changes through a change feed even with the caches off. */
  live?: boolean;
}

export async function makeTestApp(db: Database, env: Record<string, string> = {}, options: TestAppOptions = {}) {
  // The page cache is off unless a test turns it on: most tests change rows directly and read at once. Renders
  // get a minute unless a test lowers the limit: a machine shared with other work must not fail them.
  const config: Config = loadConfig({
    LOG_LEVEL: 'silent',
    BASE_URL: TEST_ORIGIN,
    PAGE_CACHE_TTL_MS: '0',
    RENDER_TIMEOUT_MS: '60000',
    ...env,
  });
  const logger = pino({ level: 'silent' });
  // The process's render pool takes the app's settings (as main.ts does); a test may lower RENDER_TIMEOUT_MS.
  await startRenderPool(renderPoolOptions(config));
  const feed = config.pageCacheTtlMs > 0 || options.live ? await startChangeFeed(db, logger) : undefined;
  const started = feed && startCaches(config, options.feed ? options.feed(feed) : feed);
  const live = options.live ? new LiveHub(db, logger, feed) : undefined;
  const caching = started && {
    caches: started.caches,
    feed: feed!,
    async stop() {
      started.stop();
      live?.stop();
      await feed?.stop();
    },
  };
  /** Stops what the app started beside it (caches, live updates, the change feed). */
  const stop = async () => {
    if (caching) return caching.stop();
    live?.stop();
    await feed?.stop();
  };
  // The site's settings as main.ts holds them; without a change feed a test that stores settings directly calls
  // settings.reload() before reading a page (the admin page reloads them itself).
  const settings = await openSiteSettings(db, {
    feed,
    onChange: () => {
      if (started) applyChange(started.caches, 'all');
    },
  });
  const app = createApp({ db, config, logger, assets: await loadAssets(), caches: caching?.caches, settings, live });
  return { app, config, caching, settings, live, stop };
}

type App = Awaited<ReturnType<typeof makeTestApp>>['app'];

/** A browser stand-in for app.request(): keeps cookies, sends Origin, and echoes the CSRF token in forms. */
export class TestClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: App,
    private readonly ip = '203.0.113.7',
  ) {}

  private absorb(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', this.cookieHeader());
    const env = { incoming: { socket: { remoteAddress: this.ip } } };
    const response = await this.app.request(`${TEST_ORIGIN}${path}`, { ...init, headers, redirect: 'manual' }, env);
    this.absorb(response);
    return response;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  /** GETs a page first when no CSRF cookie is held yet, then posts the form as a browser on our origin would. */
  async post(
    path: string,
    form: Record<string, string>,
    options: { csrf?: string | null; origin?: string | null } = {},
  ) {
    if (!this.cookies.has('lyceum_csrf')) await this.get('/login');
    const body = new URLSearchParams(form);
    const token = options.csrf === undefined ? this.cookies.get('lyceum_csrf') : options.csrf;
    if (token !== null && token !== undefined) body.set('_csrf', token);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const origin = options.origin === undefined ? TEST_ORIGIN : options.origin;
    if (origin !== null) headers.origin = origin;
    return this.request(path, { method: 'POST', body: body.toString(), headers });
  }

  async logIn(login: string, password: string) {
    const response = await this.post('/login', { login, password });
    if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
    return response;
  }
}

/**
 * Stands for a value a test file opens in beforeAll: every property read or method call goes to the value once
 * it exists. So a file can write `const { db, app } = useTestApp()` at the top and use them in its tests as if
 * they were plain values.
 */
export function late<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get(_, property) {
      const target = get();
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    // `{ ...db, query }` (a test wrapping the database) copies the value's own properties.
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor(_, property) {
      const descriptor = Reflect.getOwnPropertyDescriptor(get(), property);
      return descriptor && { ...descriptor, configurable: true };
    },
    has: (_, property) => Reflect.has(get(), property),
  });
}

export function opened<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is opened in beforeAll; use it inside a test or hook`);
  return value;
}

/** This test file's database (a migrated template, see helpers/db.ts), open for its tests and closed after. */
export function useTestDatabase(): { db: Database } {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  return { db: late(() => opened(db, 'The test database')) };
}

/**
 * This test file's database and app (makeTestApp with `env`), set up before its tests and closed after them: the
 * setup every file that tests through the app shares.
 */
export function useTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}) {
  const { db } = useTestDatabase();
  let made: Awaited<ReturnType<typeof makeTestApp>> | undefined;
  beforeAll(async () => {
    made = await makeTestApp(db, env, options);
  });
  afterAll(async () => {
    await made?.caching?.stop();
  });
  const ready = () => opened(made, 'The test app');
  return {
    db,
    app: late(() => ready().app),
    get config() {
      return ready().config;
    },
    get caching() {
      return ready().caching;
    },
    get settings() {
      return ready().settings;
    },
  };
}
