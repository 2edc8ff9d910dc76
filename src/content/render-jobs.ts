import type { ThreadPage } from '../comments/paging.js';
import type { RenderOptions } from './render.js';
import type { RevisionText } from './word-diff.js';

/** The work a render worker does (render-worker.ts); the pool (pool.ts) sends one at a time. */
export type RenderTask =
  | { kind: 'content'; source: string; options: RenderOptions }
  | { kind: 'html'; source: string; options: RenderOptions }
  | { kind: 'diff'; before: RevisionText; after: RevisionText }
  | { kind: 'deflate'; texts: Uint8Array[]; level: number; reach: number }
  | { kind: 'comments'; threads: ThreadPage; post: { id: string; slug: string } };

export interface RenderRequest {
  id: number;
  task: RenderTask;
}

export type RenderReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; tooLarge: number }
  | { id: number; ok: false; message: string };
