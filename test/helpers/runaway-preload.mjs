// Loaded with `node --import` into a command a test spawns (npm run rerender): the command's render workers run
// the runaway test worker (runaway-render-worker.ts) instead of the real one, so a text containing
// RUNAWAY_MARKER (runaway.ts) runs past any time limit however fast the machine is. Workers are started through
// a tsx bootstrap (src/content/start-worker.ts) whose source names the real worker's module: that name is
// swapped. Plain JavaScript: workers inherit this --import before tsx is registered in them.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const threads = createRequire(import.meta.url)('node:worker_threads');
const RealWorker = threads.Worker;
const REAL_ENTRY = new URL('../../src/content/render-worker.ts', import.meta.url).href;
const RUNAWAY_ENTRY = new URL('./runaway-render-worker.ts', import.meta.url).href;

threads.Worker = class extends RealWorker {
  constructor(file, options) {
    const href = String(file);
    const source = href.startsWith('data:') ? decodeURIComponent(href.slice(href.indexOf(',') + 1)) : '';
    super(
      source.includes(REAL_ENTRY)
        ? new URL(`data:text/javascript,${encodeURIComponent(source.replace(REAL_ENTRY, RUNAWAY_ENTRY))}`)
        : file,
      options,
    );
  }
};
syncBuiltinESMExports();
