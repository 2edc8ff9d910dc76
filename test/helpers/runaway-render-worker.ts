// The render worker (src/content/render-worker.ts), except that a text containing RUNAWAY_MARKER never finishes
// (see runaway.ts).
import { parentPort } from 'node:worker_threads';
import type { RenderRequest } from '../../src/content/render-jobs.js';
import { RUNAWAY_MARKER } from './runaway.js';

// Registered before the real worker's listener, so it sees each job first.
parentPort?.on('message', ({ task }: RenderRequest) => {
  const text = task.kind === 'diff' ? task.after.body : 'source' in task ? task.source : '';
  if (!text.includes(RUNAWAY_MARKER)) return;
  for (;;) {
    // Spins until the pool terminates this worker.
  }
});
await import('../../src/content/render-worker.js');
