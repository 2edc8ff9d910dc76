import { PassThrough, Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportForum } from '../../src/archive/export.js';
import { ArchiveError, NO_PASSWORD } from '../../src/archive/format.js';
import { importForum } from '../../src/archive/import.js';
import type { Database } from '../../src/db/database.js';
import { loadDemoContent } from '../../src/demo/seed.js';
import { rerenderStoredContent } from '../../src/rerender/rerender.js';
import { silentProgress } from '../../src/synthetic/progress.js';
import { makeTestApp, TestClient } from '../helpers/app.js';
import { openTestDatabase } from '../helpers/db.js';

/** A fresh database with nothing in it at all (the test template's site settings removed). */
async function emptyDatabase(): Promise<Database> {
  const db = await openTestDatabase();
  await db.query('DELETE FROM site_settings');
  return db;
}

async function exportToBuffer(db: Database, withSecrets = false): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportForum(db, out, { progress: silentProgress, withSecrets });
  return Buffer.concat(chunks);
}

function importBuffer(db: Database, archive: Buffer) {
  return importForum(db, Readable.from([archive]), { progress: silentProgress });
}

async function tarGz(entries: { name: string; text: string }[]): Promise<Buffer> {
  const archive = tarPack();
  const chunks: Buffer[] = [];
  const gzip = archive.pipe(createGzip());
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  for (const entry of entries) archive.entry({ name: entry.name }, entry.text);
  archive.finalize();
  await new Promise((resolve) => gzip.on('end', resolve));
  return Buffer.concat(chunks);
}

async function userCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return row!.n;
}

/** A page as a reader gets it, with the browser's CSRF token (different per browser) blanked. */
async function page(client: TestClient, path: string): Promise<{ status: number; body: string }> {
  const response = await client.get(path);
  const body = (await response.text())
    .replace(/(name="_csrf" value=")[^"]*"/g, '$1"')
    .replace(/(content=")[\w-]{40,}"/g, '$1"');
  return { status: response.status, body };
}

describe('exporting a forum and importing it into a new database', () => {
  let source: Database;
  let restored: Database;
  let archive: Buffer;
  let logins: Awaited<ReturnType<typeof loadDemoContent>>;
  beforeAll(async () => {
    source = await openTestDatabase();
    await makeTestApp(source); // starts the render pool the demo loader uses
    logins = await loadDemoContent(source);
    archive = await exportToBuffer(source);
    restored = await emptyDatabase();
  }, 120_000);
  afterAll(async () => {
    await source?.close();
    await restored?.close();
  });

  it('restores every page: posts, comment trees, profiles, tags, sequences and feeds read the same', async () => {
    const { manifest, rows } = await importBuffer(restored, archive);
    expect(manifest.tables.find((t) => t.name === 'comments')!.rows).toBeGreaterThan(10);
    expect(rows).toBe(manifest.tables.reduce((sum, t) => sum + t.rows, 0));
    // The import command re-renders stored HTML with the current pipeline; the pages must not change by it.
    await rerenderStoredContent(restored);

    const before = new TestClient((await makeTestApp(source)).app);
    const after = new TestClient((await makeTestApp(restored)).app);
    const posts = await source.query<{ id: string; slug: string }>(
      `SELECT id, slug FROM posts WHERE status = 'published' AND deleted_at IS NULL ORDER BY id`,
    );
    const users = await source.query<{ username: string }>('SELECT username FROM users ORDER BY username');
    const tags = await source.query<{ slug: string }>('SELECT slug FROM tags ORDER BY slug');
    const sequences = await source.query<{ id: string }>('SELECT id FROM sequences ORDER BY id');
    const comments = await source.query<{ id: string; postId: string; slug: string }>(
      `SELECT c.id, c.post_id AS "postId", p.slug FROM comments c JOIN posts p ON p.id = c.post_id
        WHERE p.status = 'published' AND p.deleted_at IS NULL ORDER BY c.id LIMIT 5`,
    );
    expect(posts.length).toBeGreaterThan(3);
    const paths = [
      '/',
      '/?view=top',
      '/discussion',
      '/feed.xml',
      '/feed.atom',
      '/tags',
      '/sequences',
      '/search?q=proof',
      ...posts.flatMap((p) => [
        `/posts/${p.id}/${p.slug}`,
        `/posts/${p.id}/${p.slug}/history`,
        `/posts/${p.id}/${p.slug}/comments.xml`,
      ]),
      ...users.flatMap((u) => [`/users/${u.username}`, `/users/${u.username}/feed.xml`]),
      ...tags.flatMap((t) => [`/tags/${t.slug}`, `/tags/${t.slug}/feed.xml`]),
      ...sequences.map((s) => `/s/${s.id}`),
      ...comments.map((c) => `/posts/${c.postId}/${c.slug}/comment/${c.id}`),
    ];
    let compared = 0;
    for (const path of paths) {
      const [a, b] = [await page(before, path), await page(after, path)];
      expect(b.status, path).toBe(a.status);
      expect(b.body, path).toBe(a.body);
      if (a.status === 200) compared++;
    }
    expect(compared).toBeGreaterThan(30);
  }, 240_000);

  it('leaves password hashes out unless asked, so nobody logs in with an exported hash', async () => {
    const [hash] = await restored.query<{ h: string }>('SELECT DISTINCT password_hash AS h FROM users');
    expect(hash!.h).toBe(NO_PASSWORD);
    const client = new TestClient((await makeTestApp(restored)).app);
    const refused = await client.post('/login', { login: logins[0]!.username, password: logins[0]!.password });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/password/i);

    const withSecrets = await emptyDatabase();
    try {
      await importBuffer(withSecrets, await exportToBuffer(source, true));
      await new TestClient((await makeTestApp(withSecrets)).app).logIn(logins[0]!.username, logins[0]!.password);
    } finally {
      await withSecrets.close();
    }
  }, 120_000);

  it('refuses a database that is not empty, and changes nothing in it', async () => {
    const users = await userCount(restored);
    await expect(importBuffer(restored, archive)).rejects.toThrow(/not empty/);
    expect(await userCount(restored)).toBe(users);
  });

  it('refuses a damaged, cut short, foreign or newer archive with a message, leaving the database empty', async () => {
    const target = await emptyDatabase();
    try {
      const manifestOf = async (text: string) => tarGz([{ name: 'manifest.json', text }]);
      const cases: [string, Buffer, RegExp][] = [
        ['empty file', Buffer.alloc(0), /could not be read|empty/],
        ['cut short', archive.subarray(0, Math.floor(archive.length * 0.6)), /could not be read|incomplete/],
        ['not gzip', Buffer.from('PK\u0003\u0004 a zip file, say'), /could not be read/],
        ['gzip of text', gzipSync('hello'), /could not be read|not a Lyceum/],
        ['foreign tar', await tarGz([{ name: 'README.md', text: '# hi' }]), /not a Lyceum forum archive/],
        ['manifest not JSON', await manifestOf('{nope'), /not JSON/],
        ['other format', await manifestOf('{"format":"wordpress"}'), /not a Lyceum forum archive/],
        [
          'newer schema',
          await manifestOf(
            JSON.stringify({
              format: 'lyceum-forum-archive',
              version: 1,
              exportedAt: new Date().toISOString(),
              migrations: ['0001_foundation', '9999_from_the_future'],
              withSecrets: false,
              tables: [],
            }),
          ),
          /newer version of Lyceum/,
        ],
        [
          'rows missing',
          await manifestOf(
            JSON.stringify({
              format: 'lyceum-forum-archive',
              version: 1,
              exportedAt: new Date().toISOString(),
              migrations: ['0001_foundation'],
              withSecrets: false,
              tables: [{ name: 'users', columns: ['id'], rows: 3 }],
            }),
          ),
          /incomplete/,
        ],
      ];
      for (const [what, bytes, message] of cases) {
        const error = await importBuffer(target, bytes).then(
          () => null,
          (e: Error) => e,
        );
        expect(error, what).toBeInstanceOf(ArchiveError);
        expect(error!.message, what).toMatch(message);
        expect(await userCount(target), what).toBe(0);
      }
      // Still empty, so the real archive goes in afterwards.
      await importBuffer(target, archive);
      expect(await userCount(target)).toBe(await userCount(source));
    } finally {
      await target.close();
    }
  }, 120_000);
});
