import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { serverArgs } from './lyceum.js';
import { startProcess, stopProcess } from './processes.js';

export interface StartupTimes {
  /** From spawn to "Lyceum is running at" on an empty DATA_DIR (migrations, and the demo forum unless LYCEUM_DEMO=0). */
  firstStartMs: number;
  /** The same on the DATA_DIR the first start left. */
  restartMs: number;
}

/** Times `node --import tsx src/main.ts` on PGlite in a new DATA_DIR, then its restart there. */
export async function measureStartup(): Promise<StartupTimes> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-startup-'));
  // PGlite: whatever database the benchmark itself was given stays out of this child's environment.
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: undefined,
    DATABASE_READ_URL: undefined,
  };
  const timeStart = async () => {
    const started = performance.now();
    const app = await startProcess(serverArgs(), env, /Lyceum is running at/);
    const ms = performance.now() - started;
    await stopProcess(app.child);
    return ms;
  };
  try {
    const firstStartMs = await timeStart();
    const restartMs = await timeStart();
    return { firstStartMs: Math.round(firstStartMs), restartMs: Math.round(restartMs) };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
