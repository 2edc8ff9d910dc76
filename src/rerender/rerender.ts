import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { renderPool } from '../content/pool.js';
import type { Queryable } from '../db/database.js';
import { Invalid } from '../errors.js';
import { mentionableUsers } from '../notifications/mentions.js';
import { linkedPostIds, recordPostLinks, titleLinks } from '../sequences/links.js';
import { type Progress, silentProgress } from '../synthetic/progress.js';
import { inBatches, keysetPage, mapLimited } from './batches.js';
import { fillRevisionDiffs } from './diffs.js';
import { type RenderedValues, type Renderer, STORED_CONTENT, type StoredContent } from './stored-content.js';

export interface RerenderOptions {
  /** Report what would change; write nothing. */
  dryRun?: boolean;
  /** Rows per batch (each batch is one transaction); default 100. */
  batchSize?: number;
  /** The site's BASE_URL, as the server saves with it: absolute links to it are links to posts. */
  baseUrl?: string;
  /** Default: the process's render pool. */
  pool?: Renderer;
  progress?: Progress;
}

/** A row that could not be rendered (past the time limit, or longer than the pipeline takes); its HTML is kept. */
export interface RerenderFailure {
  table: string;
  id: string;
  message: string;
}

export interface TableOutcome {
  table: StoredContent['table'];
  label: string;
  /** Rows rendered. */
  rows: number;
  /** Rows whose stored output differed and was rewritten (in a dry run: would be). */
  changed: number;
  unchanged: number;
  /** Rows that differed but were edited while the command ran: the edit's own save stored fresh HTML. */
  skipped: number;
  failed: number;
  /** For each rendered column, in how many changed rows it differed. */
  columns: Record<string, number>;
  /** The first few changed rows' ids. */
  examples: string[];
}

export interface RerenderReport {
  dryRun: boolean;
  tables: TableOutcome[];
  /** Post and tag revisions saved without their word diff (before migration 0010, or while the pool was busy). */
  diffs: { missing: number; filled: number };
  failures: RerenderFailure[];
}

const DEFAULT_BATCH_SIZE = 100;
const EXAMPLES_KEPT = 20;

interface StoredRow {
  id: string;
  markdown: string;
  docId: string | null;
  [column: string]: unknown;
}

interface RenderedRow {
  row: StoredRow;
  values: RenderedValues;
  /** The HTML before link titles: what recordPostLinks is given, as in a save. */
  untitledHtml: string;
  differing: string[];
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * Re-renders every post, post revision, comment, comment revision, sequence description, tag description, tag
 * revision and user bio with the current pipeline in the render pool, and rewrites the rows whose stored output
 * differs: batch by batch, each batch one transaction, each row only if its Markdown is still what was rendered
 * (a row edited meanwhile was rendered afresh by its own save). The tables' triggers (or, for revisions, the
 * command) announce every rewritten row to running servers' caches. Then fills the missing revision word diffs
 * of posts and tags.
 */
export async function rerenderStoredContent(db: Queryable, options: RerenderOptions = {}): Promise<RerenderReport> {
  const pool = options.pool ?? renderPool();
  const progress = options.progress ?? silentProgress;
  const failures: RerenderFailure[] = [];
  const tables: TableOutcome[] = [];
  for (const content of STORED_CONTENT) {
    tables.push(await rerenderTable(db, content, { ...options, pool, progress }, failures));
  }
  const diffs = await fillRevisionDiffs(db, {
    pool,
    progress,
    dryRun: options.dryRun ?? false,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
  });
  return { dryRun: options.dryRun ?? false, tables, diffs, failures };
}

async function rerenderTable(
  db: Queryable,
  content: StoredContent,
  options: RerenderOptions & { pool: Renderer; progress: Progress },
  failures: RerenderFailure[],
): Promise<TableOutcome> {
  const { pool, baseUrl } = options;
  const columns = Object.entries(content.columns);
  const htmlColumn = columns[0]![0];
  const outcome: TableOutcome = {
    table: content.table,
    label: content.label,
    rows: 0,
    changed: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    columns: Object.fromEntries(columns.map(([name]) => [name, 0])),
    examples: [],
  };
  const live = content.where ?? 'true';
  const counted = await db.query<{ total: number }>(`SELECT count(*) AS total FROM ${content.table} t WHERE ${live}`);
  const bar = options.progress.phase(content.label, counted[0]?.total ?? 0);
  const stored = columns.map(([name, kind]) => (kind === 'html' ? `md5(t.${name}) AS ${name}` : `t.${name}`));
  const page = `SELECT t.id, t.${content.source} AS markdown, ${content.docId ?? 'NULL::text'} AS "docId",
                       length(t.${content.source}) AS chars, ${stored.join(', ')}
                  FROM ${content.table} t
                 WHERE t.id > $1 AND ${live}
                 ORDER BY t.id LIMIT $2`;
  // Enough renders in flight to keep every worker busy, few enough to stay inside a shared pool's queue bound.
  const inFlight = Math.max(1, pool.options.size * 2);

  const renderRow = async (row: StoredRow): Promise<RenderedRow | undefined> => {
    try {
      // As the saving service does: the members the text mentions who exist (a query only for texts with `@name`).
      const mentions = content.mentions ? await mentionableUsers(db, row.markdown) : undefined;
      const values = await content.render(pool, row.markdown, row.docId ?? undefined, mentions);
      const untitledHtml = values[htmlColumn] as string;
      if (content.links && row.docId) {
        values[htmlColumn] = await titleLinks(db, { kind: content.links.kind, id: row.docId }, untitledHtml, baseUrl);
      }
      const differing = columns
        .filter(([name, kind]) => {
          const value = values[name];
          if (kind === 'html') return md5(value as string) !== row[name];
          if (kind === 'json') return !isDeepStrictEqual(value, row[name]);
          return value !== row[name];
        })
        .map(([name]) => name);
      return { row, values, untitledHtml, differing };
    } catch (error) {
      // Past the time limit or the length limit: what a writer saving this text would be told. The row keeps the
      // HTML it has. Anything else (a worker that cannot start) stops the run.
      if (!(error instanceof Invalid)) {
        throw new Error(`Rendering ${content.table} ${row.id} failed: ${(error as Error).message}`, { cause: error });
      }
      failures.push({ table: content.table, id: row.id, message: error.message });
      outcome.failed++;
      return undefined;
    }
  };

  await inBatches<StoredRow, (RenderedRow | undefined)[]>(
    {
      fetch: (after) => keysetPage<StoredRow>(db, page, after, options.batchSize ?? DEFAULT_BATCH_SIZE),
      prepare: (rows) => mapLimited(rows, inFlight, renderRow),
      apply: async (rendered, rows) => {
        outcome.rows += rows.length;
        const changed = rendered.filter((r): r is RenderedRow => r !== undefined && r.differing.length > 0);
        outcome.unchanged += rendered.filter((r) => r !== undefined && r.differing.length === 0).length;
        if (changed.length === 0) return;
        const written = options.dryRun
          ? changed
          : await db.transaction((tx) => writeRendered(tx, content, changed, baseUrl));
        outcome.changed += written.length;
        outcome.skipped += changed.length - written.length;
        for (const r of written) {
          for (const name of r.differing) outcome.columns[name]!++;
          if (outcome.examples.length < EXAMPLES_KEPT) outcome.examples.push(r.row.id);
        }
      },
    },
    bar,
  );
  const note = [
    `${outcome.changed} ${options.dryRun ? 'would change' : 'changed'}`,
    outcome.skipped ? `${outcome.skipped} edited meanwhile` : '',
    outcome.failed ? `${outcome.failed} failed` : '',
  ];
  bar.done(note.filter(Boolean).join(', '));
  return outcome;
}

/**
 * Writes a batch's changed rows where their Markdown is still what was rendered, and returns those written. The
 * optimistic check is in the UPDATE itself: a save committed meanwhile has changed the Markdown (and stored its own
 * fresh HTML), and one still running waits for our row locks and then overwrites what we wrote, as it should.
 * Locks: the rows, then their post_links, the order a save takes its one row and its links in, so a save and a
 * batch wait for each other but cannot deadlock.
 */
async function writeRendered(
  tx: Queryable,
  content: StoredContent,
  changed: RenderedRow[],
  baseUrl: string | undefined,
): Promise<RenderedRow[]> {
  const columns = Object.entries(content.columns);
  const htmlColumn = columns[0]![0];
  const arrays = [
    changed.map((r) => r.row.id),
    changed.map((r) => r.row.markdown),
    ...columns.map(([name, kind]) =>
      changed.map((r) => (kind === 'json' ? JSON.stringify(r.values[name]) : r.values[name])),
    ),
  ];
  const types = ['text', 'text', ...columns.map(([, kind]) => (kind === 'int' ? 'int4' : 'text'))];
  const names = ['id', 'markdown', ...columns.map(([name]) => name)];
  const assignments = columns.map(([name, kind]) => `${name} = r.${name}${kind === 'json' ? '::jsonb' : ''}`);
  const updated = await tx.query<{ id: string }>(
    `UPDATE ${content.table} t SET ${assignments.join(', ')}
       FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')}) AS r(${names.join(', ')})
      WHERE t.id = r.id AND t.${content.source} = r.markdown AND ${content.where ?? 'true'}
      RETURNING t.id`,
    arrays,
  );
  const ids = new Set(updated.map((u) => u.id));
  const written = changed.filter((r) => ids.has(r.row.id));
  if (written.length === 0) return written;

  if (content.links?.record) {
    // A save records the posts its text links to; the new rendering may link to others. Most rows link to none
    // and had none recorded: those need nothing.
    const recorded = await tx.query<{ id: string }>(
      'SELECT DISTINCT source_id AS id FROM post_links WHERE source_kind = $1 AND source_id = ANY ($2::text[])',
      [content.links.kind, written.map((r) => r.row.id)],
    );
    const hadLinks = new Set(recorded.map((r) => r.id));
    for (const r of written) {
      if (!hadLinks.has(r.row.id) && linkedPostIds(r.untitledHtml, baseUrl).length === 0) continue;
      const html = await recordPostLinks(tx, { kind: content.links.kind, id: r.row.id }, r.untitledHtml, baseUrl);
      // A linked post's title changed since the batch was rendered: store what the save would store now.
      if (html !== r.values[htmlColumn]) {
        await tx.query(`UPDATE ${content.table} SET ${htmlColumn} = $2 WHERE id = $1`, [r.row.id, html]);
      }
    }
  }
  if (content.notify) {
    const tags = [...new Set(written.map((r) => content.notify!(r.row.docId ?? r.row.id)))];
    await tx.query(`SELECT pg_notify('lyceum_cache', tag) FROM unnest($1::text[]) AS tag`, [tags]);
  }
  return written;
}
