import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite has no lock between processes: two openers of one data directory silently lose writes or corrupt it.
 * So the process that opens it holds a lock in DATA_DIR: a Unix socket it listens on. A starter that can
 * connect has found a live holder (which answers with who it is); a refused connection means the holder is
 * gone, because the operating system stops every socket of a process that dies, however it dies. Unlike a
 * recorded pid, this still holds in a container restarted after a crash (a fresh PID namespace hands out the
 * same pids) or under another hostname, and across containers sharing the volume on one machine. A heartbeat
 * was not an option: PGlite runs its queries on the main thread, so a long one would let it go stale.
 */
export const LOCK_FILE = 'lyceum.lock';

/** sun_path holds 108 bytes on Linux and 104 on macOS, its closing NUL included. */
const MAX_SOCKET_PATH = 103;
/** How long a starter waits for a live holder to say who it is; one busy in a long query cannot answer at once. */
const HOLDER_ANSWER_MS = 1_000;
/** How long a starter keeps trying while others are taking over a dead lock (which takes milliseconds). */
const TAKEOVER_PATIENCE_MS = 5_000;
const TAKEOVER_RETRY_MS = 20;

interface LockOwner {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
}

/** The data directory cannot be locked: another process holds it, or a lock cannot be made there. */
export class DataDirLockedError extends Error {}

export interface DataDirLock {
  release(): void;
}

type Holder = { state: 'alive'; owner?: LockOwner | undefined } | { state: 'dead' } | { state: 'gone' };

export async function acquireDataDirLock(
  dataDir: string,
  command = process.argv.slice(1).join(' '),
): Promise<DataDirLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, hostname: os.hostname(), command, startedAt: new Date().toISOString() };
  const server = net.createServer((connection) => {
    connection.on('error', () => {});
    connection.end(JSON.stringify(me));
  });
  server.unref();
  // The socket listens under a name of its own first and only then appears at the lock path (link fails if
  // the path exists), so a socket found there that refuses a connection never belongs to a starter still
  // between bind and listen.
  const own = uniqueName(lockPath);
  const address = socketAddress(own, dataDir);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new DataDirLockedError(
          `Cannot lock the data directory ${path.resolve(dataDir)}: the lock is a Unix socket, and none can be ` +
            `made there (${error.code ?? error.message}). Use a directory on a local filesystem.`,
        ),
      ),
    );
    server.listen(address, () => resolve());
  });
  try {
    const { ino } = fs.lstatSync(own);
    const deadline = Date.now() + TAKEOVER_PATIENCE_MS;
    while (Date.now() < deadline) {
      if (linkIfAbsent(own, lockPath)) {
        fs.rmSync(own, { force: true });
        return heldLock(server, lockPath, ino);
      }
      const holder = await findHolder(socketAddress(lockPath, dataDir));
      if (holder.state === 'alive') throw lockedError(dataDir, holder.owner);
      if (holder.state === 'dead' && !(await removeDeadLock(own, ino, lockPath, dataDir))) {
        await new Promise((resolve) => setTimeout(resolve, TAKEOVER_RETRY_MS));
      }
    }
    throw new DataDirLockedError(
      `Could not take the lock ${lockPath}: other processes kept taking it over. Try again in a moment.`,
    );
  } catch (error) {
    server.close();
    fs.rmSync(own, { force: true });
    throw error;
  }
}

function heldLock(server: net.Server, lockPath: string, ino: number): DataDirLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      // The path goes before the socket stops listening, so that a starter never finds this lock refusing
      // connections (which would read as a crash) while it is still being removed; and only if it is still ours.
      try {
        if (fs.lstatSync(lockPath).ino === ino) fs.rmSync(lockPath);
      } catch {
        // Already gone.
      }
      server.close();
    },
  };
}

/**
 * Removes the lock of a holder that died, unless another starter is doing so (then it returns false: wait).
 * Starters that find the same dead lock must not both delete what is at the lock path, since the first may
 * already have put its live lock there; so removal happens under a takeover mutex, `lyceum.lock.takeover`:
 * the starter's own listening socket linked there (link never overwrites), which is released by the operating
 * system like the lock itself. While it is held the lock path cannot change under its holder: nothing replaces
 * an existing entry, and only the mutex holder removes a dead one.
 */
async function removeDeadLock(own: string, ino: number, lockPath: string, dataDir: string): Promise<boolean> {
  const mutex = `${lockPath}.takeover`;
  if (linkIfAbsent(own, mutex)) {
    try {
      const holder = await findHolder(socketAddress(lockPath, dataDir));
      if (holder.state === 'dead') fs.rmSync(lockPath, { force: true });
    } finally {
      removeIfSame(mutex, ino);
    }
    return true;
  }
  const mutexIno = inoOf(mutex);
  if (mutexIno === undefined) return true;
  const taker = await findHolder(socketAddress(mutex, dataDir));
  if (taker.state === 'alive') return false;
  // It died during a takeover (a window of milliseconds).
  if (taker.state === 'dead') removeIfSame(mutex, mutexIno);
  return true;
}

/**
 * Removes `file` if it is still the inode `ino`: it is moved aside under a name of one's own (rename is
 * atomic), and put back (link, which never overwrites) if it turns out to be another, in the same instant.
 */
function removeIfSame(file: string, ino: number) {
  const aside = uniqueName(file);
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (inoOf(aside) !== ino) linkIfAbsent(aside, file);
  fs.rmSync(aside, { force: true });
}

function inoOf(file: string): number | undefined {
  try {
    return fs.lstatSync(file).ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Connects to the lock at `address`: a live holder accepts and says who it is. */
function findHolder(address: string): Promise<Holder> {
  return new Promise((resolve, reject) => {
    const connection = net.connect(address);
    let answer = '';
    let connected = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (holder: Holder) => {
      clearTimeout(timer);
      connection.destroy();
      resolve(holder);
    };
    const alive = () => done({ state: 'alive', owner: parseOwner(answer) });
    connection.on('connect', () => {
      connected = true;
      timer = setTimeout(alive, HOLDER_ANSWER_MS);
    });
    connection.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    connection.on('end', alive);
    connection.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return alive(); // it accepted, then went away
      // Nothing listens: the holder died (or this is a lock file of the kind older versions wrote).
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOTSOCK') return done({ state: 'dead' });
      if (error.code === 'ENOENT') return done({ state: 'gone' });
      // Its queue of connections waiting to be accepted is full: very much alive.
      if (error.code === 'EAGAIN') return done({ state: 'alive' });
      clearTimeout(timer);
      reject(error);
    });
  });
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function lockedError(dataDir: string, owner: LockOwner | undefined) {
  const who = owner
    ? `process ${owner.pid}${owner.hostname === os.hostname() ? '' : ` on ${owner.hostname}`} ` +
      `(${owner.command || 'unknown command'}, started ${owner.startedAt})`
    : 'another process (busy: it did not say which)';
  return new DataDirLockedError(
    `The data directory ${path.resolve(dataDir)} is in use by ${who}. ` +
      'The embedded database allows one process at a time: stop that process first, ' +
      'or set DATABASE_URL to use a PostgreSQL server, which any number of processes can share.',
  );
}

function linkIfAbsent(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function uniqueName(lockPath: string) {
  return `${lockPath}.${randomBytes(4).toString('hex')}`;
}

/** A path to the socket short enough for the kernel: the absolute one, or the one relative to the cwd. */
function socketAddress(file: string, dataDir: string): string {
  const absolute = path.resolve(file);
  const relative = path.relative(process.cwd(), absolute);
  const shortest = relative.length < absolute.length ? relative : absolute;
  if (Buffer.byteLength(shortest) <= MAX_SOCKET_PATH) return shortest;
  throw new DataDirLockedError(
    `Cannot lock the data directory ${path.resolve(dataDir)}: its path is too long for the lock, a Unix socket ` +
      `(at most ${MAX_SOCKET_PATH} bytes, from / or from the current directory). ` +
      'Use a shorter DATA_DIR, or start Lyceum from a directory closer to it.',
  );
}
