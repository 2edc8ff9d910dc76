import type { Queryable } from '../db/database.js';
import { REVISION_TABLES, type RevisionOwner } from '../posts/revisions.js';
import type { Progress } from '../synthetic/progress.js';
import { inBatches, keysetPage, mapLimited } from './batches.js';
import type { Renderer } from './stored-content.js';

interface UndiffedRevision {
  id: string;
  beforeTitle: string;
  beforeBody: string;
  title: string;
  body: string;
}

// Each revision table (posts/revisions.ts REVISION_TABLES) with the name its progress line shows.
const LABELS: Record<RevisionOwner, string> = { post: 'post revision diffs', tag: 'tag revision diffs' };

interface FillOptions {
  pool: Renderer;
  progress: Progress;
  dryRun: boolean;
  batchSize: number;
}

/**
 * Stores the word diff of every revision of a post or tag saved without one (before migration 0010, or while
 * the render pool was too busy at save time), as the save would have: against the revision before it, in the
 * render pool; a diff past the time limit is stored as the whole text replaced, as a save stores it. A dry run
 * only counts them.
 */
export async function fillRevisionDiffs(
  db: Queryable,
  options: FillOptions,
): Promise<{ missing: number; filled: number }> {
  const total = { missing: 0, filled: 0 };
  for (const of of Object.keys(LABELS) as RevisionOwner[]) {
    const { missing, filled } = await fillDiffsOf(db, of, options);
    total.missing += missing;
    total.filled += filled;
  }
  return total;
}

async function fillDiffsOf(
  db: Queryable,
  of: RevisionOwner,
  options: FillOptions,
): Promise<{ missing: number; filled: number }> {
  const { table, owner } = REVISION_TABLES[of];
  const label = LABELS[of];
  // A first revision has nothing to be diffed against; it keeps no diff.
  const undiffed = 'r.diff IS NULL AND r.number > 1';
  const [{ missing }] = (await db.query<{ missing: number }>(
    `SELECT count(*) AS missing FROM ${table} r WHERE ${undiffed}`,
  )) as [{ missing: number }];
  const bar = options.progress.phase(label, options.dryRun ? 0 : missing);
  if (options.dryRun || missing === 0) {
    bar.done(options.dryRun ? `${missing} would be filled` : 'none missing');
    return { missing, filled: 0 };
  }
  const page = `SELECT r.id, b.title AS "beforeTitle", b.body_markdown AS "beforeBody", r.title,
                       r.body_markdown AS body, length(b.body_markdown) + length(r.body_markdown) AS chars
                  FROM ${table} r
                  JOIN ${table} b ON b.${owner} = r.${owner} AND b.number = r.number - 1
                 WHERE r.id > $1 AND ${undiffed}
                 ORDER BY r.id LIMIT $2`;
  let filled = 0;
  await inBatches(
    {
      fetch: (after) => keysetPage<UndiffedRevision>(db, page, after, options.batchSize),
      prepare: (rows) =>
        mapLimited(rows, Math.max(1, options.pool.options.size * 2), async (r) =>
          JSON.stringify(
            await options.pool.diffRevisions(
              { title: r.beforeTitle, body: r.beforeBody },
              { title: r.title, body: r.body },
            ),
          ),
        ),
      apply: async (diffs, rows) => {
        // Revisions are never edited; `diff IS NULL` only keeps a diff stored meanwhile. The history page of a
        // revision without a stored diff computes this same diff and caches it, so no cache needs telling.
        const updated = await db.transaction((tx) =>
          tx.query(
            `UPDATE ${table} t SET diff = r.diff::jsonb
               FROM unnest($1::text[], $2::text[]) AS r(id, diff)
              WHERE t.id = r.id AND t.diff IS NULL
              RETURNING t.id`,
            [rows.map((r) => r.id), diffs],
          ),
        );
        filled += updated.length;
      },
    },
    bar,
  );
  bar.done(`${filled} filled`);
  return { missing, filled };
}
