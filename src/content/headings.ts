import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { ownId, USER_ID_PREFIX } from './ids.js';
import { slugify } from './slug.js';

export interface TocEntry {
  level: number;
  id: string;
  text: string;
}

export const TOC_ENV = Symbol('lyceum.toc');
const TOC_MAX_LEVEL = 4;
const MAX_SLUG_CHARS = 64;
const words = (list: string): string[] => list.split(/\s+/).filter(Boolean);
/**
 * Ids the pages use around content, collected from the views (layout, post page, comments, editor, history,
 * sequences, frontpage, tags, search; test/content/ids.test.ts checks the views for new ones), and the families of
 * ids that content itself uses (footnotes, user-written ids). A heading slug equal to one of the first or
 * starting like one of the second is prefixed with `section-` instead, so a heading never hijacks a
 * comment permalink, a form label or the skip link.
 */
const PAGE_IDS = words(`main comments comments-heading post-title post-votes toc-heading preview-heading diff-legend
  latest-heading discussion-heading backlinks-heading continue-heading sequence-title sequences-heading
  sequence-contents post-tags post-tag-choice post-tag-options tags-heading tag-name tag-posts-heading`);
const ID_FAMILIES = [
  ...words(
    'comment- parent- field- chapter- title- position- resubmit- fn- fnref- tag-filter- search- site-search- notify-',
  ),
  USER_ID_PREFIX,
];
export const RESERVED_ID_PATTERN = new RegExp(`^(?:(?:${PAGE_IDS.join('|')})$|${ID_FAMILIES.join('|')})`);

/** Lower-case, letters and digits of any script kept, everything else folded into single hyphens. */
export function headingSlug(text: string): string {
  const slug = slugify(text, { ascii: false, maxLength: MAX_SLUG_CHARS, fallback: 'section' });
  return RESERVED_ID_PATTERN.test(slug) ? `section-${slug}` : slug;
}

/** Visible text of inline tokens: markup dropped, math kept as its TeX between dollars. */
export function inlineText(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'text_special':
      case 'code_inline':
        out += token.content;
        break;
      case 'math_inline':
        out += token.info === 'display' ? `$$${token.content}$$` : `$${token.content}$`;
        break;
      case 'image':
        out += inlineText(token.children ?? []);
        break;
      case 'softbreak':
      case 'hardbreak':
        out += ' ';
        break;
      default:
        break; // tags, raw HTML and footnote markers carry no heading text
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

function headingIds(state: StateCore): void {
  const used = new Set<string>();
  const nextSuffix = new Map<string, number>(); // keeps 50,000 headings named "a" linear
  const toc: TocEntry[] = [];
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i]!;
    if (open.type !== 'heading_open') continue;
    const text = inlineText(tokens[i + 1]?.children ?? []);
    const base = headingSlug(text);
    let id = base;
    let n = nextSuffix.get(base) ?? 1;
    while (used.has(id)) id = `${base}-${n++}`;
    nextSuffix.set(base, n);
    used.add(id);
    open.attrSet('id', ownId(state.env, id));
    const level = Number(open.tag.slice(1));
    if (level <= TOC_MAX_LEVEL) toc.push({ level, id, text });
  }
  state.env[TOC_ENV] = toc;
}

/** markdown-it plugin: every heading gets a unique slug id; h1–h4 are listed in env[TOC_ENV]. */
export function headingsPlugin(md: MarkdownIt): void {
  md.core.ruler.push('heading_ids', headingIds);
}

export function tocFromEnv(env: Record<symbol, unknown>): TocEntry[] {
  return (env[TOC_ENV] as TocEntry[] | undefined) ?? [];
}
