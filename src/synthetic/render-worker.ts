// Renders pooled bodies for the synthetic loader in a worker thread, so both cores work: the main thread plans
// the forum meanwhile. Messages in: RenderJob[]; out: RenderedBody[] in the same order.
import { parentPort } from 'node:worker_threads';
import { type RenderJob, renderJob } from './render-pool.js';

parentPort?.on('message', (jobs: RenderJob[]) => {
  parentPort?.postMessage(jobs.map(renderJob));
});
