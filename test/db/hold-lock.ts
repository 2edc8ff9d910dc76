// A process for the lock tests: takes the DATA_DIR lock of the directory given and holds it until killed.
// Prints "held <pid>" once it holds it, or "refused: <message>" and exits with 3 if another process does.
// With "busy" after the name, it then blocks its event loop, as a long PGlite query does.
import { acquireDataDirLock, DataDirLockedError } from '../../src/db/lock.js';

try {
  await acquireDataDirLock(process.argv[2]!, `hold-lock ${process.argv[3] ?? ''}`.trim());
  process.stdout.write(`held ${process.pid}\n`);
  if (process.argv[4] === 'busy') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  setInterval(() => {}, 60_000);
} catch (error) {
  process.stdout.write(`refused: ${(error as Error).message}\n`);
  process.exit(error instanceof DataDirLockedError ? 3 : 1);
}
