// Every render bomb renders, with output bounded whatever the input does (`npm run bench:bombs` prints how fast).
import { describe, expect, it } from 'vitest';
import { clearFormulaCache, MAX_MATH_HTML_CHARS } from '../../src/content/formulas.js';
import { MAX_MARKUP_CHARS } from '../../src/content/markdown.js';
import { MAX_MARKDOWN_CHARS, renderContent } from '../../src/content/render.js';
import { RENDER_BOMBS } from './bombs.js';

/**
 * Most a document's HTML can be: its markup (plus what the sanitizer adds: rel on links, lazy loading on
 * images), its math, and formulas past the math budget as their source.
 */
const MAX_HTML_CHARS = 1.2 * MAX_MARKUP_CHARS + MAX_MATH_HTML_CHARS + 2 * MAX_MARKDOWN_CHARS;

describe('render bombs', () => {
  for (const bomb of RENDER_BOMBS) {
    it(`${bomb.name}: renders, with bounded output`, () => {
      const source = bomb.source();
      expect(source.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARS);
      clearFormulaCache();
      const content = renderContent(source);
      expect(content.html.length).toBeLessThanOrEqual(MAX_HTML_CHARS);
      // 300 grapheme clusters; a cluster can be long (a family emoji is 8 code units, Zalgo text thousands).
      expect(content.excerpt.length).toBeLessThanOrEqual(3000);
    });
  }
});
