import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run rerender -- [options]

Re-renders the stored HTML, excerpts, word counts, reading times and tables of contents of every post, post
revision, comment, comment revision, sequence description, tag description, tag revision and user bio with the
current pipeline, writes the rows whose output changed, and fills missing revision diffs (posts' and tags'). Run it with the server's environment (DATABASE_URL or
DATA_DIR, BASE_URL). Safe while servers run on PostgreSQL; on the embedded database, stop the server first.

  --dry-run          report what would change; write nothing
  --batch-size N     rows per batch, each batch one transaction (default: 100, at most 10,000)
  --workers N        render worker threads (default: every core, ${availableParallelism()} here)
  --help             show this help

Exits with 1 if any row could not be rendered (past RENDER_TIMEOUT_MS, or too long); those rows keep their HTML.`;

/** A mistake in the command line; the message says what to change. */
export class UsageError extends Error {}

export interface RerenderArgs {
  dryRun: boolean;
  batchSize: number;
  workers: number;
  help: boolean;
}

const MAX_BATCH_SIZE = 10_000;
const MAX_WORKERS = 64;

function wholeNumber(name: string, raw: string, max: number): number {
  if (!/^[0-9]+$/.test(raw.trim())) throw new UsageError(`--${name} must be a whole number (got "${raw}").`);
  const value = Number(raw.trim());
  if (value < 1) throw new UsageError(`--${name} must be at least 1 (got ${raw}).`);
  if (value > max) throw new UsageError(`--${name} must be at most ${max.toLocaleString('en')} (got ${raw}).`);
  return value;
}

export function parseRerenderArgs(argv: string[]): RerenderArgs {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' },
        'batch-size': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    throw new UsageError(unknown ? `Unknown option ${unknown[1]}.` : (error as Error).message);
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const batchSize = values['batch-size'];
  const workers = values.workers;
  return {
    dryRun: values['dry-run'] === true,
    batchSize: typeof batchSize === 'string' ? wholeNumber('batch-size', batchSize, MAX_BATCH_SIZE) : 100,
    workers: typeof workers === 'string' ? wholeNumber('workers', workers, MAX_WORKERS) : availableParallelism(),
    help: values.help === true,
  };
}
