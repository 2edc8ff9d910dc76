import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import footnotePlugin from 'markdown-it-footnote';
import { ownId } from './ids.js';

// markdown-it-footnote parses footnotes and renders their markup; its `footnote_tail` rule, which moves the
// definitions to the end of the document, copied the whole token array once per footnote (8,500 footnotes took
// 22 s). This module swaps in a linear tail that produces the same tokens, hence the same HTML.

/** What markdown-it-footnote keeps in `env.footnotes` while parsing. */
interface FootnoteEnv {
  /** `:label` → index into `list`, or -1 for a definition never referenced. */
  refs?: Record<string, number>;
  list?: Array<{ label?: string; count?: number; content?: string; tokens?: Token[] }>;
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
  md.core.ruler.at('footnote_tail', footnoteTail);
  // Every footnote id and link is "fn" or "fnref" followed by this name.
  const anchorName = md.renderer.rules.footnote_anchor_name!;
  md.renderer.rules.footnote_anchor_name = (tokens, idx, options, env, self) =>
    ownId(env, anchorName(tokens, idx, options, env, self));
}
