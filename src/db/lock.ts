import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite has no lock between processes: two openers of one data directory silently lose writes or corrupt it.
 * We hold an exclusive lock file in DATA_DIR for as long as the database is open.
 */
export const LOCK_FILE = 'lyceum.lock';

interface LockOwner {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, hostname: os.hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // 'wx' fails if the file exists: creation is the atomic test-and-set.
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    const sameHost = owner?.hostname === os.hostname();
    if (owner && (!sameHost || isAlive(owner.pid))) {
      throw new DataDirLockedError(
        `The data directory ${path.resolve(dataDir)} is in use by process ${owner.pid}` +
          `${sameHost ? '' : ` on ${owner.hostname}`} (${owner.command || 'unknown command'}, started ${owner.startedAt}). ` +
          'The embedded database allows one process at a time: stop that process first, ' +
          'or set DATABASE_URL to use a PostgreSQL server, which any number of processes can share.',
      );
    }
    // The owner crashed without removing its lock (or the file is unreadable): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new DataDirLockedError(`Could not take the lock ${file}; another process keeps taking it.`);
}
