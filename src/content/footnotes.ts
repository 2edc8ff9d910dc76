import type { MarkdownIt, StateCore, StateInline, Token } from 'markdown-it';
import footnotePlugin from 'markdown-it-footnote';
import { ownId } from './ids.js';

// markdown-it-footnote parses footnotes and renders their markup. Two of its rules are quadratic, and this
// module swaps in linear ones that produce the same tokens, hence the same HTML: `footnote_tail`, which moves
// the definitions to the end of the document, copied the whole token array once per footnote (8,500 footnotes
// took 22 s), and `footnote_ref` scanned to the end of the paragraph for the `]` of every `[^` (200 KB of
// `[^a` with one definition took 27 s).

/** What markdown-it-footnote keeps in `env.footnotes` while parsing. */
interface FootnoteEnv {
  /** `:label` → index into `list`, or -1 for a definition never referenced. */
  refs?: Record<string, number>;
  list?: Array<{ label?: string; count?: number; content?: string; tokens?: Token[] }>;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const CLOSE_BRACKET = 0x5d;

/** Per paragraph: where the last scan for a label's end started, and what it found (-1: nothing). */
const labelEnds = new WeakMap<StateInline, { from: number; at: number }>();

/** Index of the first space, line break or `]` at or after `from`, or -1; repeated scans reuse the last. */
function labelEnd(state: StateInline, from: number): number {
  const last = labelEnds.get(state);
  if (last && last.from <= from && (last.at === -1 || last.at >= from)) return last.at;
  let at = -1;
  for (let i = from; i < state.src.length; i++) {
    const code = state.src.charCodeAt(i);
    if (code === SPACE || code === NEWLINE || code === CLOSE_BRACKET) {
      at = i;
      break;
    }
  }
  labelEnds.set(state, { from, at });
  return at;
}

/** `[^label]` where the label is defined: a footnote marker (markdown-it-footnote's rule, with a linear scan). */
function footnoteRef(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  const max = state.posMax;
  const footnotes = state.env.footnotes as FootnoteEnv | undefined;
  if (start + 3 > max || !footnotes?.refs) return false;
  if (state.src.charCodeAt(start) !== 0x5b /* [ */ || state.src.charCodeAt(start + 1) !== 0x5e /* ^ */) return false;
  const end = labelEnd(state, start + 2);
  if (end <= start + 2 || end >= max || state.src.charCodeAt(end) !== CLOSE_BRACKET) return false;
  const label = state.src.slice(start + 2, end);
  const known = footnotes.refs[`:${label}`];
  if (known === undefined) return false;
  if (!silent) {
    footnotes.list ??= [];
    let id = known;
    if (id < 0) {
      id = footnotes.list.length;
      footnotes.list[id] = { label, count: 0 };
      footnotes.refs[`:${label}`] = id;
    }
    const note = footnotes.list[id]!;
    const subId = note.count ?? 0;
    note.count = subId + 1;
    const token = state.push('footnote_ref', '', 0);
    token.meta = { id, subId, label };
  }
  state.pos = end + 1;
  return true;
}

/**
 * Takes the definitions (`[^x]: …`) out of the token stream and appends the footnotes section: one item per
 * referenced footnote, in order of first reference, with a back-link per reference.
 */
function footnoteTail(state: StateCore): void {
  const footnotes = state.env.footnotes as FootnoteEnv | undefined;
  if (!footnotes) return;

  // A definition may sit inside another one (indented under it); the innermost open one collects tokens.
  const kept: Token[] = [];
  const bodies = new Map<string, Token[]>();
  const open: Array<{ label: string; tokens: Token[] }> = [];
  for (const token of state.tokens) {
    if (token.type === 'footnote_reference_open') {
      open.push({ label: String(token.meta?.label), tokens: [] });
    } else if (token.type === 'footnote_reference_close') {
      const definition = open.pop();
      if (definition) bodies.set(definition.label, definition.tokens); // a repeated label: the last one wins
    } else {
      (open[open.length - 1]?.tokens ?? kept).push(token);
    }
  }
  state.tokens = kept;
  const list = footnotes.list;
  if (!list) return;

  kept.push(new state.Token('footnote_block_open', '', 1));
  for (let id = 0; id < list.length; id++) {
    const note = list[id]!;
    const item = new state.Token('footnote_open', '', 1);
    item.meta = { id, label: note.label };
    kept.push(item);
    if (note.tokens) {
      // An inline footnote (^[…]): its parsed text becomes one paragraph.
      const paragraphOpen = new state.Token('paragraph_open', 'p', 1);
      paragraphOpen.block = true;
      const inline = new state.Token('inline', '', 0);
      inline.children = note.tokens;
      inline.content = note.content ?? '';
      const paragraphClose = new state.Token('paragraph_close', 'p', -1);
      paragraphClose.block = true;
      kept.push(paragraphOpen, inline, paragraphClose);
    } else if (note.label !== undefined) {
      for (const token of bodies.get(note.label) ?? []) kept.push(token);
    }
    // Back-links go inside the last paragraph when the footnote ends with one, after it otherwise.
    const lastParagraph = kept[kept.length - 1]?.type === 'paragraph_close' ? kept.pop() : undefined;
    const references = note.count !== undefined && note.count > 0 ? note.count : 1;
    for (let subId = 0; subId < references; subId++) {
      const anchor = new state.Token('footnote_anchor', '', 0);
      anchor.meta = { id, subId, label: note.label };
      kept.push(anchor);
    }
    if (lastParagraph) kept.push(lastParagraph);
    kept.push(new state.Token('footnote_close', '', -1));
  }
  kept.push(new state.Token('footnote_block_close', '', -1));
}

/**
 * markdown-it plugin: footnotes (`[^x]` with `[^x]: …`, and inline `^[…]`), ids prefixed with `env.docId`
 * (`fn-<docId>-1`, `fnref-<docId>-1`) and marked as the renderer's own (see ids.ts).
 */
export function footnotesPlugin(md: MarkdownIt): void {
  md.use(footnotePlugin);
  md.inline.ruler.at('footnote_ref', footnoteRef);
  md.core.ruler.at('footnote_tail', footnoteTail);
  // Every footnote id and link is "fn" or "fnref" followed by this name.
  const anchorName = md.renderer.rules.footnote_anchor_name!;
  md.renderer.rules.footnote_anchor_name = (tokens, idx, options, env, self) =>
    ownId(env, anchorName(tokens, idx, options, env, self));
}
