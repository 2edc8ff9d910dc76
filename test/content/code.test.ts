import { describe, expect, it } from 'vitest';
import { codeChunks, HIGHLIGHT_CHUNK_CHARS, MAX_HIGHLIGHT_CHARS } from '../../src/content/code.js';
import { renderMarkdown } from '../../src/content/render.js';
import { byClass, elements, textContent } from './helpers.js';

const fence = (language: string, code: string): string => `\`\`\`${language}\n${code}\n\`\`\``;

describe('code blocks are highlighted in bounded pieces', () => {
  const python = Array.from(
    { length: 60 },
    (_, i) => `def step_${i}(x):\n    """Step ${i}."""\n    return x + ${i}  # add\n\n`,
  ).join('');

  it('cuts long code between lines, at blank lines where it can, losing nothing', () => {
    const chunks = codeChunks(python)!;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(python);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(HIGHLIGHT_CHUNK_CHARS);
      if (chunk !== chunks[chunks.length - 1]) expect(chunk.endsWith('\n\n')).toBe(true);
    }
    expect(codeChunks('short')).toEqual(['short']);
  });

  it('highlights a long block piece by piece, with its text exact', () => {
    const html = renderMarkdown(fence('python', python));
    expect(byClass(html, 'hljs-keyword').length).toBeGreaterThanOrEqual(60);
    expect(textContent(html).trimEnd()).toBe(python.trimEnd());
  });

  it('shows a block with a line longer than a piece as plain text (one long line costs quadratic time)', () => {
    for (const [language, line] of [
      ['java', 'x'.repeat(8000)],
      ['toml', `"${'a'.repeat(8000)}`],
      ['nix', `a${' '.repeat(8000)}b`],
    ] as const) {
      const html = renderMarkdown(fence(language, line));
      const [code] = elements(html).filter((e) => e.name === 'code');
      expect(code?.classes, language).toEqual([`language-${language}`]);
      expect(textContent(html).trimEnd()).toBe(line.trimEnd());
    }
  });

  it('bounds what one document highlights, counting each block (thousands of tiny blocks)', () => {
    const blocks = Array.from({ length: 5000 }, (_, i) => fence('js', `x = ${i}`)).join('\n\n');
    const html = renderMarkdown(blocks);
    const highlighted = byClass(html, 'hljs').length;
    expect(highlighted).toBeGreaterThan(50);
    expect(highlighted).toBeLessThan(MAX_HIGHLIGHT_CHARS / 100);
    expect(elements(html).filter((e) => e.name === 'pre')).toHaveLength(5000);
  });

  it('4,000 bare lines of C# (quadratic as one piece) are highlighted in pieces', () => {
    const code = 'x\n'.repeat(4000);
    const html = renderMarkdown(fence('csharp', code));
    expect(byClass(html, 'hljs')).toHaveLength(1);
    expect(textContent(html).trimEnd()).toBe(code.trimEnd());
  });
});
