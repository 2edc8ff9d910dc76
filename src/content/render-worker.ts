// The render pool's worker thread (pool.ts): runs renderContent, the revision word diff, and the rendering and
// compression of long comment sections off the main thread.
// Messages in: RenderRequest; out: 'ready' once warm, then one RenderReply per request.
import { parentPort } from 'node:worker_threads';
import { renderSharedCommentHeads } from '../comments/views.js';
import { deflateChain } from '../web/gzip-splice.js';
import { ContentTooLargeError, renderContent, renderMarkdown } from './render.js';
import type { RenderReply, RenderRequest, RenderTask } from './render-jobs.js';
import { revisionDiff } from './word-diff.js';

function run(task: RenderTask): unknown {
  switch (task.kind) {
    case 'content':
      return renderContent(task.source, task.options);
    case 'html':
      return renderMarkdown(task.source, task.options);
    case 'diff':
      return revisionDiff(task.before, task.after);
    case 'deflate':
      return deflateChain(task.texts, task.level, task.reach);
    case 'comments':
      return renderSharedCommentHeads(task.threads, task.post);
  }
}

// A fresh worker's first formula and code block cost tens of milliseconds of loading and compiling; pay that
// before taking jobs, so a job's time limit measures the job.
renderContent(
  '# Warm\n\nText with $x^2$ and $$\\int_0^1 f$$, *emphasis*, a note[^1].\n\n```js\nlet a = 1;\n```\n\n[^1]: n',
);
revisionDiff({ title: 'a b', body: 'one two' }, { title: 'a c', body: 'one three' });

parentPort?.on('message', async ({ id, task }: RenderRequest) => {
  let reply: RenderReply;
  try {
    reply = { id, ok: true, value: await run(task) };
  } catch (error) {
    reply =
      error instanceof ContentTooLargeError
        ? { id, ok: false, tooLarge: error.length }
        : { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage('ready');
