import type { Worker } from 'node:worker_threads';
import type { ThreadPage } from '../comments/paging.js';
import { type Config, loadConfig } from '../config.js';
import { Invalid, Unavailable } from '../errors.js';
import type { DeflatedPiece } from '../web/gzip-splice.js';
import { ContentTooLargeError, MAX_MARKDOWN_CHARS, type RenderedContent, type RenderOptions } from './render.js';
import type { RenderReply, RenderRequest, RenderTask } from './render-jobs.js';
import { siblingModule, startWorker } from './start-worker.js';
import { type RevisionDiff, type RevisionText, wholeReplacement } from './word-diff.js';

export interface RenderPoolOptions {
  /** Worker threads. */
  size: number;
  /** Jobs that may wait for a worker; past it a job is refused with Unavailable (503). Infinity: no bound. */
  maxQueue: number;
  /** A job running longer is stopped and its worker replaced; 0: no limit. */
  timeoutMs: number;
  /** The worker module (render-worker.ts by default; tests give one that a marked text sends into a loop). */
  entry?: URL;
}

export interface PoolRenderOptions extends RenderOptions {
  /** The form field the text came from, named in the message when rendering it fails (default "body"). */
  field?: string;
}

/** A job ran past the pool's time limit; its worker was stopped. */
export class RenderTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`Rendering took longer than ${limitMs} ms and was stopped.`);
    this.name = 'RenderTimeout';
  }
}

// When the queue is full: about how long a few queued jobs take to clear.
const BUSY_RETRY_AFTER_SECONDS = 5;
// A worker that dies before it is ready this many times in a row means workers cannot start at all.
const MAX_BOOT_FAILURES = 3;
const WORKER_ENTRY = siblingModule('render-worker', import.meta.url);

interface Job {
  task: RenderTask;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  retired: boolean;
  job?: Job & { id: number; timer?: NodeJS.Timeout | undefined };
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s.toLocaleString('en', { maximumFractionDigits: 2 })} second${s === 1 ? '' : 's'}`;
}

/**
 * Worker threads that render Markdown and diff revisions, so a heavy text never holds up the event loop (other
 * requests, /healthz). Jobs wait in a bounded queue; each runs under a time limit, past which its worker is
 * terminated and replaced. Idle workers do not keep the process alive.
 */
export class RenderPool {
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #bootFailures = 0;
  #broken: Error | undefined;
  #closed = false;

  constructor(readonly options: RenderPoolOptions) {
    for (let i = 0; i < options.size; i++) this.#slots.push(this.#spawn());
  }

  /** renderContent in a worker. Too slow or too long a text is an Invalid naming `options.field`. */
  render(source: string, options: PoolRenderOptions = {}): Promise<RenderedContent> {
    const { field = 'body', ...renderOptions } = options;
    return this.#asFieldError(this.#run({ kind: 'content', source, options: renderOptions }), field);
  }

  /** renderMarkdown (just the sanitized HTML) in a worker: previews and bios. */
  renderHtml(source: string, options: PoolRenderOptions = {}): Promise<string> {
    const { field = 'body', ...renderOptions } = options;
    return this.#asFieldError(this.#run({ kind: 'html', source, options: renderOptions }), field);
  }

  /** Title and body word diffs in a worker; past the time limit, the whole text shown as replaced. */
  async diffRevisions(before: RevisionText, after: RevisionText): Promise<RevisionDiff> {
    try {
      return (await this.#run({ kind: 'diff', before, after })) as RevisionDiff;
    } catch (error) {
      if (!(error instanceof RenderTimeout)) throw error;
      return { title: wholeReplacement(before.title, after.title), body: wholeReplacement(before.body, after.body) };
    }
  }

  /** gzip-splice.ts deflateChain in a worker: a long comment section compressed for every reader (segments.ts). */
  async deflateChain(texts: Uint8Array[], level: number, reach: number): Promise<DeflatedPiece[]> {
    const pieces = (await this.#run({ kind: 'deflate', texts, level, reach })) as DeflatedPiece[];
    // Buffers come back from the worker as plain byte arrays.
    return pieces.map((piece) => ({
      ...piece,
      deflated: Buffer.from(piece.deflated.buffer, piece.deflated.byteOffset, piece.deflated.byteLength),
    }));
  }

  /** comments/views.tsx renderSharedCommentHeads in a worker: a long discussion rendered off the event loop. */
  async renderCommentHeads(threads: ThreadPage, post: { id: string; slug: string }): Promise<string[]> {
    return (await this.#run({ kind: 'comments', threads, post })) as string[];
  }

  /** Whether every worker has a job: then work that can also be done elsewhere should not queue here. */
  get busy(): boolean {
    return this.pending >= this.options.size;
  }

  /** Jobs running or waiting for a worker. */
  get pending(): number {
    return this.#queue.length + this.#slots.filter((slot) => slot.job).length;
  }

  /** Stops every worker; waiting and running jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const stopped = new Error('The render pool was stopped.');
    for (const job of this.#queue.splice(0)) job.reject(stopped);
    await Promise.all(
      [...this.#slots].map((slot) => {
        slot.job?.reject(stopped);
        return this.#retire(slot);
      }),
    );
  }

  async #asFieldError<T>(result: Promise<unknown>, field: string): Promise<T> {
    try {
      return (await result) as T;
    } catch (error) {
      if (error instanceof RenderTimeout) {
        const message =
          `Rendering this text took longer than ${seconds(error.limitMs)} and was stopped; ` +
          'shorten it or split it up (fewer formulas, less nesting), then try again.';
        throw new Invalid(message, { [field]: message });
      }
      if (error instanceof ContentTooLargeError) {
        const message = `This text is ${error.length.toLocaleString('en')} characters long; the limit is ${MAX_MARKDOWN_CHARS.toLocaleString('en')}.`;
        throw new Invalid(message, { [field]: message });
      }
      throw error;
    }
  }

  #run(task: RenderTask): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('The render pool was stopped.'));
    if (this.#broken) return Promise.reject(this.#broken);
    // A worker still starting up counts as free: a job given to it waits only for its start.
    const free = this.#slots.filter((slot) => !slot.job).length;
    if (this.#queue.length >= this.options.maxQueue + free) {
      return Promise.reject(
        new Unavailable(
          `Too many texts are waiting to be rendered right now. Try again in ${BUSY_RETRY_AFTER_SECONDS} seconds.`,
          BUSY_RETRY_AFTER_SECONDS,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch() {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) break;
      if (!slot.ready || slot.job) continue;
      const job = { ...this.#queue.shift()!, id: this.#nextId++, timer: undefined as NodeJS.Timeout | undefined };
      slot.job = job;
      const limit = this.options.timeoutMs;
      if (limit > 0) job.timer = setTimeout(() => this.#timedOut(slot, limit), limit);
      slot.worker.postMessage({ id: job.id, task: job.task } satisfies RenderRequest);
    }
    this.#updateRefs();
  }

  /** A worker keeps the process alive only while it has, or is about to have, work. */
  #updateRefs() {
    const waiting = this.#queue.length > 0;
    for (const slot of this.#slots) {
      if (slot.job || (waiting && !slot.ready)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  #spawn(): Slot {
    const slot: Slot = { worker: startWorker(this.options.entry ?? WORKER_ENTRY), ready: false, retired: false };
    slot.worker.on('message', (message: RenderReply | 'ready') => {
      if (slot.retired) return;
      if (message === 'ready') {
        slot.ready = true;
        this.#bootFailures = 0;
      } else if (slot.job?.id === message.id) {
        const job = slot.job;
        slot.job = undefined;
        clearTimeout(job.timer);
        if (message.ok) job.resolve(message.value);
        else if ('tooLarge' in message) job.reject(new ContentTooLargeError(message.tooLarge));
        else job.reject(new Error(message.message));
      }
      this.#dispatch();
    });
    slot.worker.on('error', (error) => this.#failed(slot, error));
    slot.worker.on('exit', (code) => this.#failed(slot, new Error(`A render worker stopped (exit code ${code}).`)));
    slot.worker.unref();
    return slot;
  }

  #timedOut(slot: Slot, limitMs: number) {
    const job = slot.job;
    if (slot.retired || !job) return;
    void this.#retire(slot);
    job.reject(new RenderTimeout(limitMs));
    this.#replace();
  }

  /** A worker crashed (an exception outside a job, out of memory) or could not start. */
  #failed(slot: Slot, error: Error) {
    if (slot.retired) return;
    void this.#retire(slot);
    slot.job?.reject(error);
    if (!slot.ready && ++this.#bootFailures >= MAX_BOOT_FAILURES) {
      this.#broken = new Error(`Render workers cannot start: ${error.message}`);
      for (const job of this.#queue.splice(0)) job.reject(this.#broken);
      return;
    }
    this.#replace();
  }

  #replace() {
    if (this.#closed) return;
    this.#slots.push(this.#spawn());
    this.#dispatch();
  }

  async #retire(slot: Slot) {
    slot.retired = true;
    clearTimeout(slot.job?.timer);
    const at = this.#slots.indexOf(slot);
    if (at >= 0) this.#slots.splice(at, 1);
    await slot.worker.terminate();
  }
}

/** The pool settings from the configuration (RENDER_WORKERS, RENDER_QUEUE_LIMIT, RENDER_TIMEOUT_MS). */
export function renderPoolOptions(
  config: Pick<Config, 'renderWorkers' | 'renderQueueLimit' | 'renderTimeoutMs'>,
): RenderPoolOptions {
  return { size: config.renderWorkers, maxQueue: config.renderQueueLimit, timeoutMs: config.renderTimeoutMs };
}

// The process's pool, which services and routes render through. Started by main.ts (or on first use, with the
// defaults), so services keep taking only a database handle and plain values.
let shared: RenderPool | undefined;
let sharedOptions: RenderPoolOptions | undefined;

/** The process's render pool, started with `startRenderPool`'s settings or the configuration defaults. */
export function renderPool(): RenderPool {
  if (!shared) {
    // Only the pool's own settings: the rest of the environment is not this module's to judge (test runners,
    // for one, set variables such as BASE_URL to values the app would refuse).
    const own = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('RENDER_')));
    sharedOptions ??= renderPoolOptions(loadConfig(own));
    shared = new RenderPool(sharedOptions);
  }
  return shared;
}

/** Starts the process's pool with these settings (a running pool with other settings is replaced). */
export async function startRenderPool(options: RenderPoolOptions): Promise<RenderPool> {
  const same =
    sharedOptions?.size === options.size &&
    sharedOptions.maxQueue === options.maxQueue &&
    sharedOptions.timeoutMs === options.timeoutMs &&
    sharedOptions.entry?.href === options.entry?.href;
  if (shared && !same) await stopRenderPool();
  sharedOptions = options;
  return renderPool();
}

export async function stopRenderPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
