import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/app.js';
import { connectRaw, startServer } from '../helpers/server.js';

const { db } = useTestDatabase();
let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer(db, { env: { BODY_LIMIT_BYTES: '1024' } });
});
afterAll(async () => {
  await server.close();
});

const FORM_HEADERS =
  'Host: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n';

function statusLine(text: string) {
  return text.slice(0, text.indexOf('\r\n'));
}

describe('a request body over BODY_LIMIT_BYTES', () => {
  it('declared by Content-Length gets a 413 saying Connection: close, and the connection then ends cleanly', async () => {
    const connection = await connectRaw(server.port);
    connection.socket.write(
      `POST /login HTTP/1.1\r\n${FORM_HEADERS}Content-Length: 100000\r\n\r\nlogin=${'a'.repeat(500)}`,
    );
    const outcome = await connection.closed;
    expect(statusLine(connection.received())).toBe('HTTP/1.1 413 Payload Too Large');
    expect(connection.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(connection.received()).not.toMatch(/keep-alive/i);
    expect(connection.received()).toContain('larger than the limit of 1 KB');
    expect(outcome).toEqual({ clean: true });
  });

  it('sent in chunks gets a 413 saying Connection: close, and the connection then ends cleanly', async () => {
    const connection = await connectRaw(server.port);
    const chunk = `login=${'a'.repeat(2000)}`;
    connection.socket.write(
      `POST /login HTTP/1.1\r\n${FORM_HEADERS}Transfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    const outcome = await connection.closed;
    expect(statusLine(connection.received())).toBe('HTTP/1.1 413 Payload Too Large');
    expect(connection.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(outcome).toEqual({ clean: true });
  });

  it('announced with Expect: 100-continue is refused before the client sends it', async () => {
    const connection = await connectRaw(server.port);
    connection.socket.write(
      `POST /login HTTP/1.1\r\n${FORM_HEADERS}Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(await connection.closed).toEqual({ clean: true });
    expect(statusLine(connection.received())).toBe('HTTP/1.1 413 Payload Too Large');

    // A body within the limit is still invited.
    const within = await connectRaw(server.port);
    within.socket.write(`POST /login HTTP/1.1\r\n${FORM_HEADERS}Content-Length: 7\r\nExpect: 100-continue\r\n\r\n`);
    expect(statusLine(await within.waitFor('\r\n\r\n'))).toBe('HTTP/1.1 100 Continue');
    within.socket.end('login=a');
    await within.closed;
    expect(within.received()).not.toContain('413');
  });

  it('does not break the next request a client such as fetch sends right after', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: server.url };
    const declared = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: form,
      body: `login=${'a'.repeat(2_000_000)}`,
    });
    expect(declared.status).toBe(413);
    await declared.text();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const chunked = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: form,
      body: new Blob([`login=${'a'.repeat(2_000_000)}`]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    await chunked.text();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
