import type { Queryable } from '../db/database.js';
import { insertInBatches, int, text, time, unnestRows } from './batches.js';
import type { ForumPlan } from './model.js';
import type { Progress } from './progress.js';

const SEQUENCE_TOTALS_BATCH = 5_000;

/** Sequences with their chapters, posts and readers; then their stored totals, by the migration's own function. */
export async function writeSequences(
  tx: Queryable,
  plan: ForumPlan,
  batchSize: number,
  progress: Progress,
): Promise<Record<string, number>> {
  const { users, posts, sequences } = plan;
  const { chapters, entries, reads } = sequences;
  const sequenceColumns = [
    text('id', (s) => sequences.ids[s]!),
    text('author_id', (s) => users.ids[sequences.author[s]!]!),
    text('title', (s) => sequences.titles[s]!),
    int('body', (s) => sequences.body[s]!),
    time('created_at', (s) => sequences.createdAt[s]!),
    time('updated_at', (s) => sequences.updatedAt[s]!),
  ];
  const rows: Record<string, number> = {};
  rows.sequences = await insertInBatches(tx, progress, {
    phase: 'sequences',
    rows: sequences.count,
    columns: sequenceColumns,
    sql: `INSERT INTO sequences (id, author_id, title, description_markdown, description_html, description_excerpt,
                                 description_excerpt_html, created_at, updated_at)
          SELECT r.id, r.author_id, r.title, b.markdown, b.html, b.excerpt, b.excerpt_html, to_timestamp(r.created_at),
                 to_timestamp(r.updated_at)
            FROM ${unnestRows(sequenceColumns)} JOIN synthetic_bodies b ON b.idx = r.body`,
    batchSize,
  });
  const chapterColumns = [
    text('id', (c) => chapters.ids[c]!),
    text('sequence_id', (c) => sequences.ids[chapters.sequence[c]!]!),
    text('title', (c) => chapters.titles[c]!),
    int('position', (c) => chapters.position[c]!),
  ];
  rows.sequence_chapters = await insertInBatches(tx, progress, {
    phase: 'seq chapters',
    rows: chapters.count,
    columns: chapterColumns,
    sql: `INSERT INTO sequence_chapters (id, sequence_id, title, position)
          SELECT r.id, r.sequence_id, r.title, r.position FROM ${unnestRows(chapterColumns)}`,
    batchSize,
  });
  const entryColumns = [
    text('sequence_id', (e) => sequences.ids[entries.sequence[e]!]!),
    text('post_id', (e) => posts.ids[entries.post[e]!]!),
    text('chapter_id', (e) => chapters.ids[entries.chapter[e]!]!),
    int('position', (e) => entries.position[e]!),
    time('added_at', (e) => entries.addedAt[e]!),
  ];
  rows.sequence_posts = await insertInBatches(tx, progress, {
    phase: 'seq posts',
    rows: entries.count,
    columns: entryColumns,
    sql: `INSERT INTO sequence_posts (sequence_id, post_id, chapter_id, position, added_at)
          SELECT r.sequence_id, r.post_id, r.chapter_id, r.position, to_timestamp(r.added_at)
            FROM ${unnestRows(entryColumns)}`,
    batchSize,
  });
  const readColumns = [
    text('user_id', (r) => users.ids[reads.user[r]!]!),
    text('sequence_id', (r) => sequences.ids[reads.sequence[r]!]!),
    time('at', (r) => reads.at[r]!),
  ];
  rows.sequence_reads = await insertInBatches(tx, progress, {
    phase: 'seq reads',
    rows: reads.count,
    columns: readColumns,
    sql: `INSERT INTO sequence_reads (user_id, sequence_id, last_read_at)
          SELECT r.user_id, r.sequence_id, to_timestamp(r.at) FROM ${unnestRows(readColumns)}`,
    batchSize,
  });
  // post_count and karma by the migration's own definition (refresh_sequence_totals, 0005).
  const bar = progress.phase('seq totals', sequences.count, 'sequences');
  for (let from = 0; from < sequences.count; from += SEQUENCE_TOTALS_BATCH) {
    const batch = sequences.ids.slice(from, from + SEQUENCE_TOTALS_BATCH);
    await tx.query('SELECT refresh_sequence_totals($1::text[])', [batch]);
    bar.add(batch.length);
  }
  bar.done();
  return rows;
}
