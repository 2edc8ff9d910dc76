import pino from 'pino';
import { startCaches } from '../../src/cache/caches.js';
import { type Config, loadConfig } from '../../src/config.js';
import { renderPoolOptions, startRenderPool } from '../../src/content/pool.js';
import { startChangeFeed } from '../../src/db/changes.js';
import type { Database } from '../../src/db/database.js';
import { createApp } from '../../src/web/app.js';
import { loadAssets } from '../../src/web/assets.js';

export const TEST_ORIGIN = 'http://localhost';

export async function makeTestApp(db: Database, env: Record<string, string> = {}) {
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
  const feed = config.pageCacheTtlMs > 0 ? await startChangeFeed(db, logger) : undefined;
  const started = feed && startCaches(config, feed);
  const caching = started && {
    caches: started.caches,
    feed: feed!,
    async stop() {
      started.stop();
      await feed?.stop();
    },
  };
  const app = createApp({ db, config, logger, assets: await loadAssets(), caches: caching?.caches });
  return { app, config, caching };
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
