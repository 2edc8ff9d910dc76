import { createHash, randomBytes } from 'node:crypto';
import { makeExcerpts } from './excerpt.js';
import { renderFormulas } from './formulas.js';
import { type TocEntry, tocFromEnv } from './headings.js';
import { OWN_ID_MARKER, ownIdMarker } from './ids.js';
import { renderMarkup } from './markdown.js';
import { MATH_ENV, type MathEnv, placeholderPattern } from './math.js';
import { MENTIONS_ENV, mentionsEnv } from './mentions.js';
import { sanitizeContent } from './sanitize.js';
import { countWords } from './text.js';

export type { TocEntry } from './headings.js';

export interface RenderedContent {
  html: string; // sanitized HTML, safe to insert into a page as is
  excerpt: string; // makeExcerpt(html, EXCERPT_CHARS): text, formulas as $TeX$ (meta descriptions, feed titles)
  excerptHtml: string; // the same excerpt with its formulas typeset as MathML; '' when it has none
  wordCount: number; // words of visible text (formulas count as one word each)
  readingMinutes: number; // max(1, round(wordCount / WORDS_PER_MINUTE))
  toc: TocEntry[]; // h1..h4 headings in order with their anchor ids
}

export interface RenderOptions {
  /**
   * Prefix for footnote ids (`fn-<docId>-1`), so a post and its comments on one page never share an id.
   * Pass the post or comment id; by default a short hash of the Markdown is used.
   */
  docId?: string;
  /** Members who exist among the text's @mentions (usernames): those become links to their profiles (mentions.ts). */
  mentions?: readonly string[];
}

export const MAX_MARKDOWN_CHARS = 200_000;
export const EXCERPT_CHARS = 300;
export const WORDS_PER_MINUTE = 230;
const DOC_ID = /^[A-Za-z0-9_-]{1,40}$/;

export class ContentTooLargeError extends Error {
  readonly limit = MAX_MARKDOWN_CHARS;

  constructor(readonly length: number) {
    super(
      `Content is ${length.toLocaleString('en')} characters long; the limit is ${MAX_MARKDOWN_CHARS.toLocaleString('en')}`,
    );
    this.name = 'ContentTooLargeError';
  }
}

interface Rendered {
  html: string;
  /** Sanitized HTML with formulas still as placeholders: cheap to walk for word counts. */
  withPlaceholders: string;
  toc: TocEntry[];
}

function render(source: string, options: RenderOptions): Rendered {
  if (source.length > MAX_MARKDOWN_CHARS) throw new ContentTooLargeError(source.length);
  const math: MathEnv = { nonce: randomBytes(8).toString('hex'), formulas: [] };
  const docId =
    options.docId !== undefined && DOC_ID.test(options.docId)
      ? options.docId
      : createHash('sha256').update(source).digest('hex').slice(0, 8);
  const idMarker = ownIdMarker();
  const env = { [MATH_ENV]: math, [OWN_ID_MARKER]: idMarker, [MENTIONS_ENV]: mentionsEnv(options.mentions), docId };

  // User HTML is sanitized without any math in it; KaTeX output goes through the math allowlist and is
  // then put where its placeholder was. Both are complete sanitized fragments (sanitize-html closes what
  // it opens, and placeholders sit in text), so joining them is safe.
  const withPlaceholders = sanitizeContent(renderMarkup(source, env), idMarker);
  const formulas = renderFormulas(math.formulas);
  const html = withPlaceholders.replace(
    placeholderPattern(math.nonce),
    (_, index: string) => formulas[Number(index)] ?? '',
  );
  return { html, withPlaceholders, toc: tocFromEnv(env) };
}

/**
 * Markdown → sanitized HTML plus what pages store beside it. Throws ContentTooLargeError past
 * MAX_MARKDOWN_CHARS; everything below that renders in bounded time.
 */
export function renderContent(source: string, options: RenderOptions = {}): RenderedContent {
  const { html, withPlaceholders, toc } = render(source, options);
  const wordCount = countWords(withPlaceholders);
  const excerpt = makeExcerpts(html, EXCERPT_CHARS);
  return {
    html,
    excerpt: excerpt.text,
    excerptHtml: excerpt.html,
    wordCount,
    readingMinutes: Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE)),
    toc,
  };
}

/** Just the sanitized HTML (previews, bios). */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
  return render(source, options).html;
}
