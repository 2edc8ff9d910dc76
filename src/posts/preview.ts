import type { Context } from 'hono';
import { renderPool } from '../content/pool.js';
import { type AppError, RateLimited } from '../errors.js';
import { mentionableUsers } from '../notifications/mentions.js';
import type { AppEnv, Deps } from '../web/context.js';

// A writer may preview this many times in a row before the per-minute rate applies (the live preview asks
// after each pause in typing).
const PREVIEW_BURST = 20;
// Buckets of writers who stopped previewing are forgotten once this many are kept.
const MAX_TRACKED_WRITERS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per user: previews cost a render in the pool, so one writer cannot take this process's CPU
 * from everyone else. In memory and per process on purpose: it protects this process's workers.
 */
class PreviewBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #perMs: number;

  constructor(perMinute: number) {
    this.#capacity = Math.min(PREVIEW_BURST, perMinute);
    this.#perMs = perMinute / 60_000;
  }

  /** Takes one preview for `userId`, or answers how many seconds until the next one is allowed. */
  take(userId: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const last = this.#buckets.get(userId);
    const tokens = Math.min(this.#capacity, last ? last.tokens + (now - last.at) * this.#perMs : this.#capacity);
    if (tokens < 1) {
      this.#buckets.set(userId, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.#perMs / 1000)) };
    }
    this.#buckets.delete(userId); // re-inserted last: the map stays in order of last use
    this.#buckets.set(userId, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > MAX_TRACKED_WRITERS) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    return { ok: true };
  }
}

// One set of buckets per assembled app (its Deps), so each test app starts afresh with its own settings.
const bucketsOf = new WeakMap<Deps, PreviewBuckets>();

/**
 * The sanitized HTML of a preview, rendered in the pool after the writer's preview rate limit. `field` names the
 * form field in a message when the text cannot be rendered.
 */
export async function renderPreview(c: Context<AppEnv>, userId: string, markdown: string, field = 'body') {
  const deps = c.get('deps');
  let buckets = bucketsOf.get(deps);
  if (!buckets) {
    buckets = new PreviewBuckets(deps.config.previewsPerMinute);
    bucketsOf.set(deps, buckets);
  }
  const taken = buckets.take(userId);
  if (!taken.ok) {
    const wait = taken.retryAfterSeconds;
    throw new RateLimited(
      `You have asked for many previews in a short time. Try again in ${wait} second${wait === 1 ? '' : 's'}; your text is kept.`,
      wait,
    );
  }
  // @mentions link as they will when saved (posts and comments: notifications/mentions.ts).
  const mentions = await mentionableUsers(deps.db, markdown);
  return withAltTextNotice(await renderPool().renderHtml(markdown, { field, mentions }));
}

/** An image the writer gave no description (the sanitizer writes `alt=""` for it; sound on its output only). */
const IMAGE_WITHOUT_ALT = /<img\b[^>]*\salt=""/g;

/**
 * The preview with a note above it when images have no description: readers who cannot see them get nothing.
 * Only in previews: published text is the writer's to decide.
 */
export function withAltTextNotice(html: string): string {
  const missing = html.match(IMAGE_WITHOUT_ALT)?.length ?? 0;
  if (missing === 0) return html;
  const which = missing === 1 ? 'An image has' : `${missing} images have`;
  return `<p class="notice alt-text-notice" role="note">${which} no description for readers who cannot see it: write one between the brackets, as in <code>![A chart of regret against T](…)</code>.</p>${html}`;
}

/** A form shown again after an error keeps the error's Retry-After (a busy pool, a rate limit). */
export function keepRetryAfter(c: Context<AppEnv>, error: AppError): void {
  if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
}
