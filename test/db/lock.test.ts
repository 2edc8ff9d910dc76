import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../../src/db/lock.js';

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-lock-'));
}

describe('the data directory lock', () => {
  it('refuses a second opener, naming the process that holds it', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir, 'npm start');
    try {
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by process ${process.pid} \\(npm start`));
    } finally {
      lock.release();
    }
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it('takes over a stale lock left by a process that crashed', () => {
    const dir = tempDir();
    // A pid far above any live process stands for one that died without cleaning up.
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 2 ** 22 + 12345, hostname: os.hostname(), command: 'npm start', startedAt: '2026-01-01' }),
    );
    const lock = acquireDataDirLock(dir);
    const owner = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(owner.pid).toBe(process.pid);
    lock.release();
  });

  it('makes a second `npm start` on the same directory exit with a clear message', async () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir, 'npm start (first instance)');
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
});
