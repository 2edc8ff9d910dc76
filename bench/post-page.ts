// Server render time of a post page with 100, 1,000 and 5,000 comments, on PGlite and (when
// BENCH_DATABASE_URL or TEST_DATABASE_URL is set, or the local server answers) on PostgreSQL.
// Run: npx tsx bench/post-page.ts
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { renderContent } from '../src/content/render.js';
import { type Database, openPglite, openPostgres } from '../src/db/database.js';
import { newId } from '../src/db/ids.js';
import { migrate } from '../src/db/migrate.js';
import { createPost } from '../src/posts/service.js';
import { createApp } from '../src/web/app.js';
import { loadAssets } from '../src/web/assets.js';

const SIZES = [100, 1_000, 5_000];
const RUNS = 20;
const PG_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const SENTENCES = [
  'The bound holds when $\\lambda < 1$, which the second lemma gives us.',
  'I am not sure the prior is doing the work you think it is.',
  'Consider instead $$\\mathbb{E}[X] = \\sum_i p_i x_i$$ and the argument goes through.',
  'This matches what we saw in the replication, at least qualitatively.',
  'Could you say more about why the variance term vanishes?',
  'Agreed, though the constant in front matters for small $n$.',
];

function commentBody(i: number): string {
  const n = 1 + (i % 4);
  return Array.from({ length: n }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]).join(' ');
}

/** A post with `count` comments shaped like a real thread: replies cluster under recent comments. */
async function seed(db: Database, count: number): Promise<string> {
  const userIds: string[] = [];
  for (let i = 0; i < 50; i++) {
    const id = newId();
    userIds.push(id);
    await db.query(
      `INSERT INTO users (id, username, display_name, email, password_hash) VALUES ($1, $2, $2, $3, 'x')`,
      [id, `bench_${randomBytes(4).toString('hex')}`, `${id}@example.org`],
    );
  }
  const post = await createPost(db, {
    authorId: userIds[0]!,
    title: `Bench post ${count}`,
    markdown: 'Body with $x$.',
    publish: true,
  });
  const rendered = SENTENCES.map((_, i) => renderContent(commentBody(i)));
  const ids: string[] = [];
  const start = Date.now() - count * 60_000;
  for (let offset = 0; offset < count; offset += 500) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = offset; i < Math.min(count, offset + 500); i++) {
      const id = newId();
      const parent =
        i > 0 && i % 3 !== 0 ? ids[Math.max(0, i - 1 - Math.floor(Math.random() * Math.min(i, 20)))]! : null;
      const r = rendered[i % rendered.length]!;
      const p = values.length;
      rows.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8}, $${p + 9})`);
      values.push(
        id,
        post.id,
        parent,
        userIds[i % userIds.length],
        commentBody(i),
        r.html,
        r.excerpt,
        new Date(start + i * 60_000),
        i % 17,
      );
      ids.push(id);
    }
    await db.query(
      `INSERT INTO comments (id, post_id, parent_id, author_id, body_markdown, body_html, excerpt, created_at, base_score)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }
  await db.query('UPDATE posts SET comment_count = $2 WHERE id = $1', [post.id, count]);
  return `/posts/${post.id}/${post.slug}`;
}

async function measure(label: string, db: Database) {
  await migrate(db);
  const app = createApp({
    db,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    logger: pino({ level: 'silent' }),
    assets: await loadAssets(),
  });
  for (const size of SIZES) {
    const path = await seed(db, size);
    let bytes = 0;
    for (let i = 0; i < 3; i++) await (await app.request(path)).text();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const body = await (await app.request(path)).text();
      times.push(performance.now() - t);
      bytes = body.length;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(RUNS / 2)]!;
    const p90 = times[Math.floor(RUNS * 0.9)]!;
    console.log(
      `${label.padEnd(10)} ${String(size).padStart(5)} comments   median ${median.toFixed(1).padStart(7)} ms   p90 ${p90.toFixed(1).padStart(7)} ms   ${(bytes / 1024).toFixed(0)} KB HTML`,
    );
  }
}

const pglite = await openPglite(undefined);
await measure('PGlite', pglite);
await pglite.close();

const schema = `bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: PG_URL });
try {
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const postgres = await openPostgres({ connectionString: PG_URL, schema });
  try {
    await measure('PostgreSQL', postgres);
  } finally {
    await postgres.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  }
} catch (error) {
  console.log(`PostgreSQL skipped: ${(error as Error).message}`);
} finally {
  await admin.end().catch(() => {});
}
