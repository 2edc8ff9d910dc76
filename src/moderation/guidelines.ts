import { z } from 'zod';
import { renderPool } from '../content/pool.js';
import type { Queryable } from '../db/database.js';

/** An author's moderation guidelines are a few paragraphs, not a second post. */
export const MAX_GUIDELINES_CHARS = 5000;

export const guidelinesInput = z.string().max(MAX_GUIDELINES_CHARS, {
  error: `Moderation guidelines must be at most ${MAX_GUIDELINES_CHARS.toLocaleString('en')} characters.`,
});

export interface Guidelines {
  markdown: string;
  html: string;
}

/** Renders the guidelines once, on save, in the render pool like every text (a render error names the field). */
export async function renderGuidelines(markdown: string): Promise<Guidelines> {
  // Like bios: no docId, blank means none (npm run rerender re-renders them: rerender/stored-content.ts).
  return { markdown, html: markdown.trim() ? await renderPool().renderHtml(markdown, { field: 'guidelines' }) : '' };
}

/** Stores the guidelines with the post, inside the transaction that saves it (the posts trigger drops its pages). */
export async function writeGuidelines(tx: Queryable, postId: string, guidelines: Guidelines): Promise<void> {
  await tx.query(
    `UPDATE posts SET guidelines_markdown = $2, guidelines_html = $3
      WHERE id = $1 AND (guidelines_markdown, guidelines_html) IS DISTINCT FROM ($2, $3)`,
    [postId, guidelines.markdown, guidelines.html],
  );
}
