import type { Queryable } from '../db/database.js';

/**
 * What a forum's data is, read from the database's own catalog rather than listed by hand, so a table a later
 * migration adds travels in exports, imports and moves without anyone remembering to add it here.
 */

/**
 * Tables that hold no writing: secrets, short-lived counters and copies. A moved or restored forum starts them empty
 * (or, for the copies, made again as its rows are written).
 */
const LEFT_OUT = new Set([
  'schema_migrations', // written by the migrations themselves
  'sessions', // logins: secrets, and a restored forum asks everyone to log in again
  'login_throttle', // failed-login counters, minutes long
  'vote_actions', // the vote rate limit's last hour
  'account_tokens', // one-time email links (reset, verification): secrets, an hour to a week long
  'app_secrets', // the key signing unsubscribe links: a restored forum makes its own
  'jobs', // the job queue: work in flight, done within minutes
  'mail_messages', // sent mail and the outbox: bodies hold live links
  'post_search', // copies of posts' search vectors, made by a trigger as posts are written (migration 0027)
]);
/** Scratch tables of the benchmark loader (scripts/bench-data.ts). */
const LEFT_OUT_PREFIX = 'synthetic_';

export interface ForumTable {
  name: string;
  /** Columns a row is written with: all but generated ones (PostgreSQL computes those again). */
  columns: string[];
  /** Primary-key columns, the order rows are read in (keyset pages). */
  key: string[];
  /** Identity columns, whose sequences must continue after the highest imported value. */
  identity: string[];
}

/** The forum's tables in an order that satisfies their foreign keys (a table after every table it refers to). */
export async function forumTables(db: Queryable): Promise<ForumTable[]> {
  const columns = await db.query<{ table: string; column: string; generated: boolean; identity: boolean }>(
    `SELECT c.relname AS table, a.attname AS column, a.attgenerated <> '' AS generated, a.attidentity <> '' AS identity
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind = 'r'
      ORDER BY c.relname, a.attnum`,
  );
  const keys = await db.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, position) ON true
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE i.indisprimary
      ORDER BY c.relname, k.position`,
  );
  const references = await db.query<{ table: string; refers: string }>(
    `SELECT DISTINCT c.relname AS table, r.relname AS refers
       FROM pg_constraint f
       JOIN pg_class c ON c.oid = f.conrelid
       JOIN pg_class r ON r.oid = f.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
      WHERE f.contype = 'f' AND c.oid <> r.oid`,
  );

  const tables = new Map<string, ForumTable>();
  for (const row of columns) {
    if (LEFT_OUT.has(row.table) || row.table.startsWith(LEFT_OUT_PREFIX)) continue;
    let table = tables.get(row.table);
    if (!table) {
      table = { name: row.table, columns: [], key: [], identity: [] };
      tables.set(row.table, table);
    }
    if (!row.generated) table.columns.push(row.column);
    if (row.identity) table.identity.push(row.column);
  }
  for (const row of keys) tables.get(row.table)?.key.push(row.column);

  // Depth-first topological order; names sorted first so the order is the same on every run.
  const refersTo = new Map<string, string[]>();
  for (const { table, refers } of references) refersTo.set(table, [...(refersTo.get(table) ?? []), refers]);
  const ordered: ForumTable[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    const table = tables.get(name);
    if (!table || placed.has(name) || path.has(name)) return;
    path.add(name);
    for (const refers of (refersTo.get(name) ?? []).sort()) visit(refers, path);
    placed.add(name);
    ordered.push(table);
  };
  for (const name of [...tables.keys()].sort()) visit(name, new Set());
  return ordered;
}

/** A quoted identifier (the names come from the catalog, but a table named oddly must still be safe). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Rows per batch read or written: big enough to amortize a round trip, small enough to keep memory flat. */
export const BATCH_ROWS = 2_000;

/**
 * One batch of a table's rows as JSON objects (timestamps as ISO text, jsonb as JSON), in primary-key order after
 * `after` (the last batch's key values). row_to_json gives the same text on both backends.
 */
export async function readBatch(
  db: Queryable,
  table: ForumTable,
  after: unknown[] | null,
): Promise<{ rows: Record<string, unknown>[]; last: unknown[] | null }> {
  const key = table.key.length > 0 ? table.key : table.columns;
  const keyList = key.map((column) => `t.${ident(column)}`).join(', ');
  const params: unknown[] = after ? [...after] : [];
  const where = after ? `WHERE (${keyList}) > (${after.map((_, i) => `$${i + 1}`).join(', ')})` : '';
  params.push(BATCH_ROWS);
  const rows = await db.query<{ row: Record<string, unknown>; k: unknown[] }>(
    `SELECT row_to_json(t) AS row, json_build_array(${keyList}) AS k
       FROM (SELECT ${table.columns.map(ident).join(', ')} FROM ${ident(table.name)}) t
       ${where}
      ORDER BY ${keyList}
      LIMIT $${params.length}`,
    params,
  );
  const lastRow = rows.at(-1);
  return { rows: rows.map((r) => r.row), last: rows.length < BATCH_ROWS || !lastRow ? null : lastRow.k };
}

/** Writes rows (as readBatch gives them) into a table: json_populate_recordset turns the JSON back into its types. */
export async function writeBatch(db: Queryable, table: ForumTable, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const present = table.columns.filter((column) => column in rows[0]!);
  const list = present.map(ident).join(', ');
  const overriding = table.identity.some((column) => present.includes(column)) ? 'OVERRIDING SYSTEM VALUE' : '';
  await db.query(
    `INSERT INTO ${ident(table.name)} (${list}) ${overriding}
     SELECT ${list} FROM json_populate_recordset(NULL::${ident(table.name)}, $1::json)`,
    [JSON.stringify(rows)],
  );
}

/** After rows were written with their own identity values: new rows continue after the highest. */
export async function continueIdentities(db: Queryable, table: ForumTable): Promise<void> {
  for (const column of table.identity) {
    await db.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max(${ident(column)}) FROM ${ident(table.name)}), 1),
                     (SELECT count(*) > 0 FROM ${ident(table.name)}))`,
      [table.name, column],
    );
  }
}

export async function countRows(db: Queryable, table: ForumTable): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(table.name)}`);
  return row?.n ?? 0;
}
