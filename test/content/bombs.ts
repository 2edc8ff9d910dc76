// Render bombs: inputs within the size limit (MAX_MARKDOWN_CHARS) built to make the pipeline slow or its output
// huge. test/content/bombs.test.ts checks each renders with bounded output; `npm run bench:bombs` times them.
import { MAX_MARKDOWN_CHARS } from '../../src/content/render.js';

export interface RenderBomb {
  name: string;
  source: () => string;
}

/** `unit` repeated to fill the size limit. */
const fill = (unit: string): string => unit.repeat(Math.floor(MAX_MARKDOWN_CHARS / unit.length));
const lines = (count: number, line: (i: number) => string): string =>
  Array.from({ length: count }, (_, i) => line(i))
    .join('\n')
    .slice(0, MAX_MARKDOWN_CHARS);
const fence = (language: string, code: string): string => `\`\`\`${language}\n${code}\n\`\`\``;

export const RENDER_BOMBS: readonly RenderBomb[] = [
  // Footnotes
  {
    name: '8,500 footnotes',
    source: () =>
      `${Array.from({ length: 8_500 }, (_, i) => `x[^${i}]`).join(' ')}\n\n${lines(8_500, (i) => `[^${i}]: n\n`)}`,
  },
  { name: '50,000 inline footnotes', source: () => fill('^[a]') },
  { name: '40,000 references to one footnote', source: () => `${fill('[^a]').slice(0, 199_000)}\n\n[^a]: note` },
  { name: '66,000 unclosed footnote references', source: () => `[^x]: note\n\n${fill('[^a').slice(0, 199_000)}` },
  { name: 'inline footnotes nested 30,000 deep', source: () => `${'^['.repeat(30_000)}x${']'.repeat(30_000)}` },

  // Math
  {
    name: '\\def expanding 80,000 tokens',
    source: () => `$\\def\\a{${'x^x_x '.repeat(10)}}\\def\\b{${'\\a'.repeat(100)}}${'\\b'.repeat(8)}$`,
  },
  {
    name: 'macro pasting its argument 2,000 times',
    source: () => `$\\def\\a#1{${'#1'.repeat(2000)}}\\a{${'x'.repeat(900)}}$`,
  },
  { name: '50,000 inline formulas', source: () => fill('$x$ ') },
  {
    name: '18,000 distinct formulas',
    source: () => {
      let n = 0;
      return fill('$x_{1234}$ ').replace(/1234/g, () => String(1000 + (n++ % 9000)));
    },
  },
  { name: '39 formulas at the length limit', source: () => fill(`$${'a_{1}+'.repeat(830)}b$\n\n`) },
  { name: 'array of 2,400 cells', source: () => `$\\begin{array}{c}${'a&'.repeat(2400)}a\\end{array}$` },
  { name: 'array of 1,600 rows', source: () => `$$\\begin{array}{c}${'a\\\\'.repeat(1600)}a\\end{array}$$` },
  { name: '300 nested \\underbrace', source: () => `$${'\\underbrace{'.repeat(300)}x${'}_a'.repeat(300)}$` },
  { name: '40 formulas of 450 \\widehat', source: () => fill(`$${'\\widehat{x}'.repeat(450)}$\n\n`) },
  { name: '800 \\KaTeX logos', source: () => `$${'\\KaTeX'.repeat(800)}$` },
  { name: '50,000 nested braces', source: () => `$${'{'.repeat(50_000)}x${'}'.repeat(50_000)}$` },
  {
    name: '2,000 \\gdef formulas',
    source: () => lines(2000, (i) => `$\\gdef\\m${String.fromCharCode(97 + (i % 26))}{x}$`),
  },
  { name: '4,900 combining accents in a formula', source: () => `$${'a\u0301'.repeat(2450)}$` },
  {
    name: '2,000 \\newcommand formulas',
    source: () =>
      lines(
        2000,
        (i) => `$\\newcommand{\\m${String.fromCharCode(97 + (i % 26))}}{x}\\m${String.fromCharCode(97 + (i % 26))}$`,
      ),
  },
  { name: '\\text groups nested 20,000 deep', source: () => `$${'\\text{$'.repeat(20_000)}${'}'.repeat(20_000)}` },
  { name: '200 KB of unbalanced \\text groups', source: () => fill('$\\text{ ') },
  { name: '200 KB of dollars around code spans', source: () => fill('$a `b` ') },
  { name: '14,000 \\begin{align} never closed', source: () => fill('\\begin{align}\n') },
  {
    name: 'environment nested 10,000 deep',
    source: () => `\\begin{array}\n${fill('\\begin{array} x \\\\\n')}`.slice(0, MAX_MARKDOWN_CHARS),
  },
  { name: '200 KB of \\(prose\\)', source: () => fill('\\(see the\\) ') },

  // Nesting and inline syntax
  { name: '10,000 nested blockquotes', source: () => `${'>'.repeat(10_000)} deep` },
  { name: '5,000 nested list items', source: () => lines(5000, (i) => `${' '.repeat(i * 2)}- item`) },
  { name: 'emphasis and links nested', source: () => `${'*_['.repeat(20_000)}x${'](y)_*'.repeat(20_000)}` },
  { name: '200 KB of _*', source: () => fill('_*') },
  { name: '200 KB of *a', source: () => fill('*a ') },
  { name: '200 KB of [*', source: () => fill('[*') },
  { name: '200 KB of unclosed links', source: () => fill('[a](b') },
  { name: '200 KB of backtick runs', source: () => fill('``a`') },
  { name: '200 KB of autolinks', source: () => fill('<http://a') },
  { name: '200 KB of bare domains', source: () => fill('a.co ') },
  { name: '200 KB of email addresses', source: () => fill('a@b.co ') },
  { name: '200 KB of HTML blocks', source: () => fill('<div>\n\n') },
  { name: '200 KB of list items of two kinds', source: () => fill('- a\n1. b\n') },
  { name: '200 KB of unmatched dollars', source: () => fill('$5 and $x ') },
  { name: '33,000 unclosed <span>', source: () => fill('<span>') },
  { name: '40,000 unclosed <div>', source: () => fill('<div>') },
  { name: '16,000 unclosed <style> in prose', source: () => fill('a <style> b ') },
  {
    name: '200 KB of filtered tags in an HTML block',
    source: () => `<div>\n${fill('<x a="b" ')}`.slice(0, MAX_MARKDOWN_CHARS),
  },
  {
    name: '200 KB of quoted attributes in an HTML block',
    source: () => `<div>\n${fill('<x a="<x a=" b=')}`.slice(0, MAX_MARKDOWN_CHARS),
  },
  {
    name: '40,000 unclosed comments in an HTML block',
    source: () => `<div>\n${fill('<!-- ')}`.slice(0, MAX_MARKDOWN_CHARS),
  },
  { name: '40,000 lines opening a comment', source: () => fill('<!--\n') },
  { name: '22,000 lines opening <script>', source: () => fill('<script>\n') },
  { name: '30,000 raw links', source: () => fill('<a href=//x>y</a>') },

  // Blocks
  { name: '50,000 headings', source: () => fill('# a\n') },
  { name: '100,000 empty headings', source: () => fill('#\n') },
  { name: '66,000-row table', source: () => `|a|\n|-|\n${fill('|x|\n')}`.slice(0, MAX_MARKDOWN_CHARS) },
  {
    name: '30,000-column table',
    source: () =>
      `|${'a|'.repeat(30_000)}\n|${'-|'.repeat(30_000)}\n${'|x|\n'.repeat(1000)}`.slice(0, MAX_MARKDOWN_CHARS),
  },
  { name: '25,000 task items', source: () => fill('- [ ] a\n') },
  { name: '66,000 empty quotes', source: () => fill('>\n\n') },
  { name: '100,000 empty list items', source: () => fill('-\n') },
  { name: '28,000 link definitions', source: () => fill('[a]: b\n') },

  // Code
  { name: '200 KB code block', source: () => fence('js', 'const x = [1, 2, 3].map((n) => n * 2);\n'.repeat(5000)) },
  // Highlighted (within the document's budget) in pieces of one line each: the worst case per piece.
  { name: '18 Java identifiers of 990 chars', source: () => fence('java', `${'x'.repeat(990)}\n`.repeat(18)) },
  { name: '18 unclosed TOML strings of 990 chars', source: () => fence('toml', `"${'a'.repeat(989)}\n`.repeat(18)) },
  { name: '18 runs of 990 spaces in Nix', source: () => fence('nix', `a${' '.repeat(988)}b\n`.repeat(18)) },
  { name: '9,000 bare lines of C#', source: () => fence('csharp', 'x\n'.repeat(9_000)) },
  { name: '19,000-char Java identifier', source: () => fence('java', 'x'.repeat(19_000)) },
  { name: '14,000 tiny code blocks', source: () => fill('```js\nx=1\n```\n') },
  { name: 'Markdown block of *_', source: () => fence('markdown', '*_'.repeat(9_000)) },

  // Unicode
  { name: '200 KB of combining marks', source: () => `a${'\u0301'.repeat(MAX_MARKDOWN_CHARS - 1)}` },
  { name: '200 KB of family emoji', source: () => fill('👨‍👩‍👧 ') },
  { name: '200 KB of Chinese', source: () => fill('我们今天去公园') },
  { name: '200 KB of direction overrides', source: () => fill('\u202e abc ') },

  // Ids and links
  { name: '11,000 raw headings with ids', source: () => fill('<h2 id="a">x</h2>\n') },
  { name: '13,000 same-page links', source: () => fill('<a href="#a">x</a> ') },
];
