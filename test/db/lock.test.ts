import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../../src/db/lock.js';

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-lock-'));
}

const started: ChildProcess[] = [];
// A failed test must not leave its holders running (and the test run waiting for them).
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A process holding the lock of `dir` (test/db/hold-lock.ts), optionally run under `wrapper` (e.g. unshare). */
function startHolder(dir: string, name: string, wrapper: string[] = [], busy = false) {
  const command = [...wrapper, process.execPath, '--import', 'tsx', 'test/db/hold-lock.ts', dir, name];
  if (busy) command.push('busy');
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  let errors = '';
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const outcome = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('\n')) resolve(output.trim());
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code} before saying anything: ${errors}`)));
  });
  return { child, outcome, exited };
}

async function killAndWait(holder: { child: ChildProcess; exited: Promise<number | null> }, pid = holder.child.pid!) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    // Gone already: a starter that was refused exits on its own, and may do so between the check and the kill.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  await holder.exited;
}

describe('the data directory lock', () => {
  it('refuses a second opener, naming the process that holds it', async () => {
    const dir = tempDir();
    const lock = await acquireDataDirLock(dir, 'npm start');
    try {
      await expect(acquireDataDirLock(dir)).rejects.toThrow(DataDirLockedError);
      await expect(acquireDataDirLock(dir)).rejects.toThrow(
        new RegExp(`in use by process ${process.pid} \\(npm start`),
      );
    } finally {
      lock.release();
    }
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    (await acquireDataDirLock(dir)).release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('takes over a stale lock file of the old kind, even one naming a live process on this host', async () => {
    const dir = tempDir();
    // Older versions wrote the holder's pid and hostname. After a container restart pid 1 is alive again (it is
    // the new container's own first process), which left the old lock blocking every start.
    for (const pid of [2 ** 22 + 12345, 1]) {
      fs.writeFileSync(
        path.join(dir, LOCK_FILE),
        JSON.stringify({ pid, hostname: os.hostname(), command: 'npm start', startedAt: '2026-01-01' }),
      );
      const lock = await acquireDataDirLock(dir, 'the new version');
      await expect(acquireDataDirLock(dir)).rejects.toThrow(`in use by process ${process.pid} (the new version`);
      lock.release();
    }
  });

  it('makes a second `npm start` on the same directory exit with a clear message', async () => {
    const dir = tempDir();
    const lock = await acquireDataDirLock(dir, 'npm start (first instance)');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--no-demo'], {
        env: { ...process.env, DATA_DIR: dir, PORT: '0', DATABASE_URL: '', BASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`is in use by process ${process.pid} (npm start (first instance)`);
      expect(stderr).toContain('set DATABASE_URL');
    } finally {
      lock.release();
    }
  });

  it('is not kept by a holder killed with SIGKILL', async () => {
    const dir = tempDir();
    const holder = startHolder(dir, 'first');
    expect(await holder.outcome).toBe(`held ${holder.child.pid}`);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(`in use by process ${holder.child.pid} (hold-lock first`);

    await killAndWait(holder);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true); // left behind, refusing connections
    const lock = await acquireDataDirLock(dir);
    lock.release();
  });

  it('is kept by a holder too busy to answer (a long query blocks its event loop)', async () => {
    const dir = tempDir();
    const holder = startHolder(dir, 'busy', [], true);
    await holder.outcome;
    await expect(acquireDataDirLock(dir)).rejects.toThrow('in use by another process (busy: it did not say which)');
    await killAndWait(holder);
  });

  it('lets exactly one of several starters at once take a dead lock', async () => {
    const dir = tempDir();
    const crashed = startHolder(dir, 'crashed');
    await crashed.outcome;
    await killAndWait(crashed);

    // In this process: the takeovers interleave at every await.
    const attempts = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => acquireDataDirLock(dir, `starter ${n}`)));
    const taken = attempts.filter((a) => a.status === 'fulfilled');
    expect(taken).toHaveLength(1);
    for (const attempt of attempts)
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(DataDirLockedError);
    (taken[0] as PromiseFulfilledResult<{ release(): void }>).value.release();

    // And as separate processes started together.
    const again = startHolder(dir, 'crashed again');
    await again.outcome;
    await killAndWait(again);
    const starters = [1, 2, 3].map((n) => startHolder(dir, `starter ${n}`));
    const outcomes = await Promise.all(starters.map((s) => s.outcome));
    expect(outcomes.filter((o) => o.startsWith('held'))).toHaveLength(1);
    expect(outcomes.filter((o) => o.startsWith('refused: The data directory'))).toHaveLength(2);
    for (const starter of starters) if (starter.child.exitCode === null) await killAndWait(starter);
  });

  it('gives a clear error where no socket can be made', async () => {
    await expect(acquireDataDirLock('/proc/self')).rejects.toThrow(
      /Cannot lock the data directory \/proc\/self: the lock is a Unix socket, and none can be made there \(E/,
    );
  });

  it('gives a clear error when the data directory path is too long for a socket, unless a relative one is short', async () => {
    const deep = path.join(tempDir(), 'a-rather-long-folder-name'.repeat(4), 'data');
    await expect(acquireDataDirLock(deep)).rejects.toThrow(/path is too long for the lock.*shorter DATA_DIR/);

    const cwd = process.cwd();
    process.chdir(path.dirname(deep));
    try {
      const lock = await acquireDataDirLock(deep);
      await expect(acquireDataDirLock(deep)).rejects.toThrow(`in use by process ${process.pid}`);
      lock.release();
    } finally {
      process.chdir(cwd);
    }
  });
});

const unshareProblem = (() => {
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { encoding: 'utf8' });
  if (probe.error) return `unshare is not available (${probe.error.message})`;
  return probe.status === 0 ? undefined : `unshare is not permitted here (${probe.stderr.trim()})`;
})();

describe.skipIf(unshareProblem)(
  `the lock across PID namespaces${unshareProblem ? ` (skipped: ${unshareProblem})` : ''}`,
  () => {
    // --kill-child: the holder inside dies with the unshare process that started it.
    const inNewPidNamespace = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];

    it('is never shared between live processes, and a crashed holder does not block its restart with the same pid', async () => {
      const dir = tempDir();
      // A container: its first process has pid 1 in its own PID namespace.
      const first = startHolder(dir, 'first container', inNewPidNamespace);
      expect(await first.outcome).toBe('held 1');

      const second = startHolder(dir, 'second container', inNewPidNamespace);
      expect(await second.outcome).toMatch(/^refused: .* in use by process 1 \(hold-lock first container/);
      expect(await second.exited).toBe(3);
      await expect(acquireDataDirLock(dir)).rejects.toThrow('in use by process 1 (hold-lock first container');

      // The container crashes: its process is killed outright, and a new one starts, again as pid 1.
      const [holderPid] = fs
        .readFileSync(`/proc/${first.child.pid}/task/${first.child.pid}/children`, 'utf8')
        .split(' ');
      await killAndWait(first, Number(holderPid));
      const restarted = startHolder(dir, 'restarted container', inNewPidNamespace);
      expect(await restarted.outcome).toBe('held 1');
      await expect(acquireDataDirLock(dir)).rejects.toThrow('in use by process 1 (hold-lock restarted container');
      await killAndWait(restarted);
    });
  },
);
