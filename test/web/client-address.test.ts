import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { LOGIN_RULES } from '../../src/limits/limits.js';
import type { AppEnv, Deps } from '../../src/web/context.js';
import { clientIp, withDeps } from '../../src/web/middleware.js';
import { makeTestApp, TestClient, useTestDatabase } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';

const { db } = useTestDatabase();

/** The address Lyceum takes for a request from `socket` carrying `forwardedFor`, with TRUST_PROXY=`proxies`. */
async function addressSeen(proxies: string, socket: string, forwardedFor?: string) {
  const config = loadConfig({ LOG_LEVEL: 'silent', TRUST_PROXY: proxies });
  const deps = { config, logger: pino({ level: 'silent' }) } as Deps;
  const app = new Hono<AppEnv>().use(withDeps(deps)).get('/', (c) => c.text(clientIp(c)));
  const headers: Record<string, string> = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  const response = await app.request(
    'http://localhost/',
    { headers },
    { incoming: { socket: { remoteAddress: socket } } },
  );
  return response.text();
}

describe('the client address behind proxies', () => {
  it('is the socket address unless TRUST_PROXY is set', async () => {
    expect(await addressSeen('0', '192.0.2.9', '198.51.100.1')).toBe('192.0.2.9');
  });

  it('with one proxy is the rightmost X-Forwarded-For entry, whatever the client wrote before it', async () => {
    expect(await addressSeen('1', '10.0.0.1', '1.2.3.4, 198.51.100.1')).toBe('198.51.100.1');
    expect(await addressSeen('1', '10.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    expect(await addressSeen('1', '10.0.0.1', 'spoofed,198.51.100.1 ')).toBe('198.51.100.1');
    expect(await addressSeen('1', '10.0.0.1')).toBe('10.0.0.1');
  });

  it('with N proxies is the Nth entry from the right: what the outermost proxy saw', async () => {
    expect(await addressSeen('2', '10.0.0.2', '1.2.3.4, 198.51.100.1, 10.0.0.1')).toBe('198.51.100.1');
    expect(await addressSeen('3', '10.0.0.3', 'spoof, 198.51.100.1, 10.0.0.1, 10.0.0.2')).toBe('198.51.100.1');
    // A header shorter than the chain: the leftmost entry is the closest to the client there is.
    expect(await addressSeen('3', '10.0.0.3', '198.51.100.1, 10.0.0.2')).toBe('198.51.100.1');
  });

  it('refuses a TRUST_PROXY that is not a number of proxies, naming it', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY: must be the number of reverse proxies/);
    expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
  });
});

describe('login throttling behind a proxy', { timeout: 120_000 }, () => {
  it('is not dodged by rotating a spoofed leftmost X-Forwarded-For entry', async () => {
    const { app } = await makeTestApp(db, { TRUST_PROXY: '1' });
    const owner = await makeUser(db);
    const proxy = new TestClient(app, '10.0.0.1');
    await proxy.get('/login');
    // All at once: a slow machine must not let the counter drain between them.
    const responses = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        proxy.request('/login', {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'http://localhost',
            'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.99`,
          },
          body: new URLSearchParams({
            login: owner.username,
            password: `wrong ${i}`,
            _csrf: proxy.cookies.get('lyceum_csrf')!,
          }).toString(),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 422)).toHaveLength(LOGIN_RULES.accountFromAddress.capacity);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14 - LOGIN_RULES.accountFromAddress.capacity);
  });
});
