import fs from 'node:fs';
import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createHttpServer } from '../../src/web/server.js';
import { late, makeTestApp, opened, useTestDatabase } from './app.js';

/**
 * The real app on a real port (random) behind the real server (src/web/server.ts: its deadlines and connection
 * caps, set through `env`). With `caching`, as `npm start` runs it: caches on and their hits answered before
 * the app.
 */
export async function startServer(
  db: Database,
  options: { caching?: boolean; live?: boolean; env?: Record<string, string>; logger?: Logger } = {},
): Promise<{ url: string; port: number; server: Server; close: () => Promise<void> }> {
  const { app, config, caching, live, stop } = await makeTestApp(
    db,
    {
      BASE_URL: 'http://127.0.0.1',
      ...(options.caching ? { PAGE_CACHE_TTL_MS: '30000' } : {}),
      ...options.env,
    },
    { live: options.live },
  );
  const logger = options.logger ?? pino({ level: 'silent' });
  const server = createHttpServer({ app, config, logger, caches: caching?.caches });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        live?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(stop),
  };
}

/** A raw TCP connection to a test server, for what fetch hides: trickled bytes, connection reuse and closing. */
export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves once the socket is closed, telling whether the server ended it cleanly (no reset or error). */
  closed: Promise<{ clean: boolean; error?: string }>;
  /** Resolves with the received text once it contains `text`. */
  waitFor(text: string | RegExp): Promise<string>;
}

export async function connectRaw(port: number, options: { localAddress?: string } = {}): Promise<RawConnection> {
  const socket = net.connect({ host: '127.0.0.1', port, ...options });
  let text = '';
  const waiters = new Set<() => void>();
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const wake of waiters) wake();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e.code ?? e.message;
  });
  const closed = new Promise<{ clean: boolean; error?: string }>((resolve) =>
    socket.on('close', (hadError) => {
      for (const wake of waiters) wake();
      resolve(error === undefined && !hadError ? { clean: true } : { clean: false, error: error ?? 'error' });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    received: () => text,
    closed,
    waitFor: (wanted) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          if (typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text)) {
            waiters.delete(check);
            resolve(text);
          } else if (socket.destroyed) {
            waiters.delete(check);
            reject(new Error(`connection closed before ${String(wanted)} arrived; got: ${text.slice(0, 200)}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** Turns off the background services that would try to reach the network (this machine has none). */
const QUIET_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set (a path that does not exist means "none here"),
 * else Debian's at /usr/bin/chromium, else the build shipped in the @sparticuz/chromium devDependency, so
 * `npm install && npm test` needs nothing else on a fresh machine.
 */
export async function chromiumToLaunch(): Promise<{ executablePath: string; args: string[] }> {
  const chosen = process.env.CHROMIUM_PATH ?? SYSTEM_CHROMIUM;
  if (fs.existsSync(chosen)) return { executablePath: chosen, args: QUIET_ARGS };
  const { default: packaged } = await import('@sparticuz/chromium');
  // Not its own flags: they are for serverless hosts (one process, web security off) and would make the tests
  // crash and pass what a real browser refuses.
  return { executablePath: await packaged.executablePath(), args: QUIET_ARGS };
}

/** A headless Chromium (see chromiumToLaunch), with the background services that would use the network off. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ headless: true, ...(await chromiumToLaunch()) });
}

/** Logs in through the real form, as a reader would, and waits for the frontpage. */
export async function logInAs(page: Page, baseUrl: string, user: { username: string; password: string }) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${baseUrl}/`);
}

/**
 * The setup every browser test file shares: its database, the real server on it (`startServer` with `options`)
 * and a headless Chromium, opened before its tests and closed after them.
 */
export function useBrowserTest(options: Parameters<typeof startServer>[1] = {}) {
  const { db } = useTestDatabase();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(db, options);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    db,
    server: late(() => opened(server, 'The test server')),
    browser: late(() => opened(browser, 'The browser')),
  };
}
