import { z } from 'zod';

/**
 * The archive `npm run export` writes and `npm run import` reads: a gzipped tar whose first entry is
 * manifest.json, then each table's rows as JSON lines (data/<table>/<n>.jsonl, in batches, tables in an order that
 * satisfies their foreign keys), then every post, revision and comment as Markdown with front matter
 * (markdown/…), so the writing stays readable without Lyceum. Import reads only the manifest and data/.
 */
export const ARCHIVE_FORMAT = 'lyceum-forum-archive';
export const ARCHIVE_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';

export const manifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(ARCHIVE_VERSION),
  exportedAt: z.string(),
  /** The schema migrations the exporting database had applied, as "0019_moderation". */
  migrations: z.array(z.string().regex(/^\d{4}_[\w-]+$/)),
  /** Password hashes included (--with-secrets); otherwise every account must set a new password. */
  withSecrets: z.boolean(),
  /** Each table's name, columns and row count, in the order its data entries come. */
  tables: z.array(z.object({ name: z.string(), columns: z.array(z.string()), rows: z.number().int().min(0) })),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function dataEntryName(table: string, batch: number): string {
  return `data/${table}/${String(batch).padStart(6, '0')}.jsonl`;
}

/** The table a data entry belongs to, or null for anything else in the archive. */
export function tableOfEntry(name: string): string | null {
  const match = /^data\/([\w]+)\/\d{6}\.jsonl$/.exec(name);
  return match ? match[1]! : null;
}

/** The stand-in stored for a password hash left out of an archive: no password ever matches it. */
export const NO_PASSWORD = '!exported-without-secrets';

/** Why an archive was refused; the import command prints the message and exits with code 1. */
export class ArchiveError extends Error {}
