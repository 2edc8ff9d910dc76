import type { MarkdownIt, StateCore, Token } from 'markdown-it';

export interface TocEntry {
  level: number;
  id: string;
  text: string;
}

export const TOC_ENV = Symbol('lyceum.toc');
const TOC_MAX_LEVEL = 4;
const MAX_SLUG_CHARS = 64;
/**
 * Ids the page itself uses around a post (`#comment-…` anchors, footnotes). A heading slug that would
 * start like one is prefixed instead, so a heading can never hijack a comment permalink.
 */
export const RESERVED_ID_PATTERN = /^(?:comment-|fn-|fnref-)/;

/** Lower-case, letters and digits of any script kept, everything else folded into single hyphens. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const cut = Array.from(slug).slice(0, MAX_SLUG_CHARS).join('').replace(/-+$/, '');
  if (!cut) return 'section';
  return RESERVED_ID_PATTERN.test(cut) ? `section-${cut}` : cut;
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
    const base = slugify(text);
    let id = base;
    let n = nextSuffix.get(base) ?? 1;
    while (used.has(id)) id = `${base}-${n++}`;
    nextSuffix.set(base, n);
    used.add(id);
    open.attrSet('id', id);
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
