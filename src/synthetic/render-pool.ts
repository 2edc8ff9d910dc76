import { RenderPool } from '../content/pool.js';
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
  excerptHtml: string;
  wordCount: number;
  readingMinutes: number;
  /** The table of contents as stored JSON. */
  toc: string;
}

/** The app's own pipeline (src/content/render.ts), as createPost and addComment have it run in their pool. */
export function renderJob(job: RenderJob): RenderedBody {
  const rendered = renderContent(job.markdown, { docId: job.docId });
  return {
    markdown: job.markdown,
    html: rendered.html,
    excerpt: rendered.excerpt,
    excerptHtml: rendered.excerptHtml,
    wordCount: rendered.wordCount,
    readingMinutes: rendered.readingMinutes,
    toc: JSON.stringify(rendered.toc),
  };
}

/**
 * Renders every job with renderContent, over `workers` threads of a render pool of its own (0: in this thread):
 * the same workers the app renders in, without a queue bound or time limit, since the loader wants every body.
 */
export async function renderBodies(jobs: RenderJob[], workers: number): Promise<RenderedBody[]> {
  if (workers <= 0 || jobs.length < 50) return jobs.map(renderJob);
  const pool = new RenderPool({ size: workers, maxQueue: Number.POSITIVE_INFINITY, timeoutMs: 0 });
  try {
    return await Promise.all(
      jobs.map(async (job) => {
        const rendered = await pool.render(job.markdown, { docId: job.docId });
        return { markdown: job.markdown, ...rendered, toc: JSON.stringify(rendered.toc) };
      }),
    );
  } finally {
    await pool.close();
  }
}
