import { Worker } from 'node:worker_threads';
import { renderContent } from '../content/render.js';

/** One distinct generated body, rendered once and reused by every row that draws it. */
export interface RenderJob {
  markdown: string;
  docId: string;
}

export interface RenderedBody {
  markdown: string;
  html: string;
  excerpt: string;
  wordCount: number;
  readingMinutes: number;
  /** The table of contents as stored JSON. */
  toc: string;
}

/** The app's own pipeline (src/content/render.ts), exactly as createPost and addComment call it. */
export function renderJob(job: RenderJob): RenderedBody {
  const rendered = renderContent(job.markdown, { docId: job.docId });
  return {
    markdown: job.markdown,
    html: rendered.html,
    excerpt: rendered.excerpt,
    wordCount: rendered.wordCount,
    readingMinutes: rendered.readingMinutes,
    toc: JSON.stringify(rendered.toc),
  };
}

/**
 * Starts a worker running render-worker. Under tsx (this file is .ts) the worker cannot inherit tsx's loader, so
 * a small ESM bootstrap registers it first; undefined when that is not possible (the caller renders in-process).
 */
function startWorker(): Worker | undefined {
  const isTypeScript = import.meta.url.endsWith('.ts');
  const entry = new URL(`./render-worker.${isTypeScript ? 'ts' : 'js'}`, import.meta.url);
  if (!isTypeScript) return new Worker(entry);
  let tsxApi: string;
  try {
    tsxApi = import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
  const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

function renderInWorker(jobs: RenderJob[]): Promise<RenderedBody[]> | undefined {
  let worker: Worker | undefined;
  try {
    worker = startWorker();
  } catch {
    return undefined;
  }
  if (!worker) return undefined;
  const running = worker;
  return new Promise<RenderedBody[]>((resolve, reject) => {
    running.once('message', (bodies: RenderedBody[]) => resolve(bodies));
    running.once('error', reject);
    running.once('exit', (code) => reject(new Error(`render worker exited with code ${code}`)));
    running.postMessage(jobs);
  }).finally(() => void running.terminate());
}

/**
 * Renders every job with renderContent, split over `workers` worker threads (0: in this thread). A worker that
 * cannot start or fails falls back to rendering its share here, so the result never depends on the workers.
 */
export async function renderBodies(jobs: RenderJob[], workers: number): Promise<RenderedBody[]> {
  if (workers <= 0 || jobs.length < 50) return jobs.map(renderJob);
  const shares: RenderJob[][] = Array.from({ length: workers }, () => []);
  for (const [i, job] of jobs.entries()) shares[i % workers]!.push(job);
  const results = await Promise.all(
    shares.map(async (share) => {
      try {
        return (await renderInWorker(share)) ?? share.map(renderJob);
      } catch {
        return share.map(renderJob);
      }
    }),
  );
  return jobs.map((_, i) => results[i % workers]![Math.floor(i / workers)]!);
}
