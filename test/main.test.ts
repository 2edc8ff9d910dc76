import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverArgs } from '../bench/lib/lyceum.js';
import { LOCK_FILE } from '../src/db/lock.js';
import { demoPosts } from '../src/demo/content.js';

/** Starts `src/main.ts` as `npm start` does and resolves with its URL once it says it is running. */
function start(dataDir: string, args: string[] = []) {
  const child = spawn(process.execPath, [...serverArgs(), ...args], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', BASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = stdout.match(/running at (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { child, url, output: () => stdout };
}

function exitCode(child: ChildProcess) {
  return new Promise<number | null>((resolve) => child.on('exit', resolve));
}

describe('npm start', () => {
  it('serves the demo forum on the embedded database, prints demo logins once, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-start-'));
    const first = start(dataDir);
    const url = await first.url;
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    const home = await (await fetch(url.replace('localhost', '127.0.0.1'))).text();
    for (const post of demoPosts.slice(0, 3))
      expect(home).toContain(post.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    expect(first.output()).toMatch(/Demo accounts[\s\S]*\n {2}\S+ +\S{12}/);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);

    first.child.kill('SIGTERM');
    expect(await exitCode(first.child)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    // The data persists, and demo content is not loaded twice.
    const second = start(dataDir);
    const again = await second.url;
    const health = await (await fetch(`${again.replace('localhost', '127.0.0.1')}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', database: 'pglite' });
    expect(second.output()).not.toContain('Demo accounts');
    second.child.kill('SIGTERM');
    expect(await exitCode(second.child)).toBe(0);
  }, 90_000);

  it('skips demo content with --no-demo', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-start-'));
    const run = start(dataDir, ['--no-demo']);
    const url = await run.url;
    const home = await (await fetch(url.replace('localhost', '127.0.0.1'))).text();
    expect(home).toContain('No posts yet.');
    run.child.kill('SIGTERM');
    expect(await exitCode(run.child)).toBe(0);
  }, 90_000);
});
