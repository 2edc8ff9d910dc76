import fs from 'node:fs';
import { type StartedProcess, startProcess } from './processes.js';

/**
 * The arguments to node that `npm start` runs the server with (package.json's "start", less its "node"), so the
 * benchmarks measure the server as it is deployed, V8 flags included.
 */
export function serverArgs(): string[] {
  const start = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [command, ...args] = start.split(/\s+/);
  if (command !== 'node') throw new Error(`package.json's start script should run node, not ${command}.`);
  return args;
}

export interface StartedLyceum extends StartedProcess {
  /** http://127.0.0.1:<port> */
  base: string;
}

/**
 * Starts `src/main.ts` on PostgreSQL (databaseUrl) or PGlite (dataDir) on a free port, without demo content,
 * logging warnings only, with no per-client connection cap (a load generator is one client), as `npm run bench`
 * starts it. Resolves once it listens.
 */
export async function startLyceum(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  nodeArgs?: string[];
}): Promise<StartedLyceum> {
  const { databaseUrl, dataDir } = options;
  const app = await startProcess(
    [...(options.nodeArgs ?? []), ...serverArgs(), '--no-demo'],
    {
      ...(dataDir ? { DATA_DIR: dataDir, DATABASE_URL: undefined, DATABASE_READ_URL: undefined } : {}),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      PORT: '0',
      LOG_LEVEL: 'warn',
      MAX_CONNECTIONS_PER_CLIENT: '0',
    },
    /running at http:\/\/localhost:(\d+)/,
  );
  return { ...app, base: `http://127.0.0.1:${app.match[1]}` };
}
