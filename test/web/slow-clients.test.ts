import http from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { clientOf, connectionCap } from '../../src/web/server.js';
import { useTestDatabase } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { connectRaw, type RawConnection, startServer } from '../helpers/server.js';

const { db } = useTestDatabase();

/** Sends `bytes` one at a time, a few hundredths of a second apart, until they run out or the server hangs up. */
function trickle(connection: RawConnection, bytes: string) {
  let sent = 0;
  const timer = setInterval(() => {
    if (connection.socket.destroyed || sent >= bytes.length) {
      clearInterval(timer);
      return;
    }
    connection.socket.write(bytes[sent++]!);
  }, 40);
  return { sent: () => sent, stop: () => clearInterval(timer) };
}

/** GET /healthz on a connection of its own from `localAddress` (all of 127/8 is loopback on Linux). */
function healthFrom(port: number, localAddress: string) {
  return new Promise<number>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', localAddress, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

describe('slow clients', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer(db, {
      env: { HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '600', KEEP_ALIVE_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(() => server.close());

  it('cuts off a request body trickled a byte at a time with 408 and closes the connection', async () => {
    const connection = await connectRaw(server.port);
    const body = `login=${'a'.repeat(10_000)}`;
    connection.socket.write(
      'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\n' +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const sending = trickle(connection, body);
    await connection.closed;
    sending.stop();
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(sending.sent()).toBeLessThan(body.length);
  });

  it('cuts off headers trickled a byte at a time, and a connection that sends nothing', async () => {
    const trickled = await connectRaw(server.port);
    trickled.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const sending = trickle(trickled, `X-Slow: ${'a'.repeat(10_000)}`);
    const silent = await connectRaw(server.port);

    await Promise.all([trickled.closed, silent.closed]);
    sending.stop();
    expect(trickled.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(silent.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('answers a request sent at once as usual, then closes the connection once it stays idle', async () => {
    const connection = await connectRaw(server.port);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await connection.waitFor('"status":"ok"');
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // Clients are told how long an idle connection is kept, and it is closed then.
    expect(connection.received()).toMatch(/\r\nKeep-Alive: timeout=1\r\n/);
    expect(await connection.closed).toEqual({ clean: true });
  });
});

describe('connection caps', () => {
  it('refuses connections past MAX_CONNECTIONS_PER_CLIENT from one address, serves other addresses, and warns', async () => {
    const lines: string[] = [];
    const logger = pino(new Writable({ write: (chunk, _encoding, done) => done(void lines.push(String(chunk))) }));
    const server = await startServer(db, { env: { MAX_CONNECTIONS_PER_CLIENT: '3' }, logger });
    try {
      const held = await Promise.all([1, 2, 3].map(() => connectRaw(server.port)));
      const refused = await connectRaw(server.port);
      refused.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await refused.closed;
      expect(refused.received()).toBe('');
      expect(lines.join('')).toContain('MAX_CONNECTIONS_PER_CLIENT');

      expect(await healthFrom(server.port, '127.0.0.2')).toBe(200);

      // Once one of the three is closed, the address gets a connection again.
      held[0]!.socket.destroy();
      await eventually(async () => (await healthFrom(server.port, '127.0.0.1').catch(() => 0)) === 200);
      for (const connection of held) connection.socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('refuses connections past MAX_CONNECTIONS at once, whoever opens them', async () => {
    const server = await startServer(db, { env: { MAX_CONNECTIONS: '2', MAX_CONNECTIONS_PER_CLIENT: '0' } });
    try {
      const held = await Promise.all([
        connectRaw(server.port, { localAddress: '127.0.0.3' }),
        connectRaw(server.port, { localAddress: '127.0.0.4' }),
      ]);
      const refused = await connectRaw(server.port, { localAddress: '127.0.0.5' });
      refused.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await refused.closed;
      expect(refused.received()).toBe('');

      held[0]!.socket.destroy();
      await eventually(async () => (await healthFrom(server.port, '127.0.0.5').catch(() => 0)) === 200);
      held[1]!.socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('keeps the connection cap below the open-file limit', () => {
    expect(connectionCap(10_000, 1_048_576)).toBe(10_000);
    expect(connectionCap(10_000, 4_096)).toBe(3_840);
    expect(connectionCap(10_000, 300)).toBe(150);
    expect(connectionCap(10_000, undefined)).toBe(10_000);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped one by its IPv4 address', () => {
    expect(clientOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientOf('2001:db8:0:42:1:2:3:4')).toBe(clientOf('2001:db8::42:ffff:0:0:1'));
    expect(clientOf('2001:db8:0:42::1')).toBe('2001:db8:0:42::/64');
    expect(clientOf('2001:db8:0:43::1')).not.toBe(clientOf('2001:db8:0:42::1'));
    expect(clientOf('::1')).toBe('0:0:0:0::/64');
  });
});

describe('connection settings', () => {
  it('turns the per-client cap off behind a trusted proxy unless it is set', () => {
    expect(loadConfig({}).maxConnectionsPerClient).toBe(100);
    expect(loadConfig({ TRUST_PROXY: '1' }).maxConnectionsPerClient).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '1', MAX_CONNECTIONS_PER_CLIENT: '500' }).maxConnectionsPerClient).toBe(500);
  });

  it('refuses a headers deadline longer than the whole request deadline, naming both', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })).toThrow(ConfigError);
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /HEADERS_TIMEOUT_MS \(20000\) must not exceed REQUEST_TIMEOUT_MS \(10000\)/,
    );
    expect(() => loadConfig({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS/);
  });
});
