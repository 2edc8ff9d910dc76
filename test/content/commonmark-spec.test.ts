// The CommonMark spec's examples (the commonmark-spec package, 0.31.2) through our markdown-it instance, before
// sanitizing.
import { createRequire } from 'node:module';
import markdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { createMarkdown, markdown } from '../../src/content/markdown.js';
import { MATH_ENV, type MathEnv } from '../../src/content/math.js';

const require = createRequire(import.meta.url);

interface Example {
  number: number;
  section: string;
  markdown: string;
  html: string;
}

/** The examples, as the spec's own package (commonmark-spec, a devDependency) extracts them. */
function specExamples(): Example[] {
  return (require('commonmark-spec') as { tests: Example[] }).tests;
}

const examples = specExamples();
const withoutOurSyntax = createMarkdown({ math: false, footnotes: false });
const render = (md: ReturnType<typeof createMarkdown>, source: string): string =>
  md.render(source, { [MATH_ENV]: { nonce: '0', formulas: [] } satisfies MathEnv });

describe('CommonMark spec examples', () => {
  it('are all there', () => {
    expect(examples).toHaveLength(652);
  });

  // Math and footnotes are extensions: none of the spec's examples uses their syntax, so none may change.
  const sections = [...new Set(examples.map((example) => example.section))];
  for (const section of sections) {
    it(`our math and footnote rules change no example of "${section}"`, () => {
      const changed = examples
        .filter((example) => example.section === section)
        .filter((example) => render(markdown, example.markdown) !== render(withoutOurSyntax, example.markdown))
        .map((example) => example.number);
      expect(changed).toEqual([]);
    });
  }

  /**
   * Where we differ from the spec on purpose (checked only where markdown-it itself passes the example):
   * - fence: a language name must be a plain identifier, and known languages are highlighted;
   * - tagfilter: a tag outside the allowlist, a processing instruction, declaration or CDATA, and a `<` starting
   *   no complete tag are text, and a line starting with one is not an HTML block;
   * - linkify: bare URLs and email addresses become links (GFM).
   */
  const DELIBERATE: Record<string, number[]> = {
    fence: [24, 34, 142, 143, 144],
    tagfilter: [
      150, 156, 157, 158, 163, 170, 171, 172, 173, 176, 178, 180, 181, 182, 201, 491, 524, 536, 613, 614, 615, 617, 623,
      627, 628, 629,
    ],
    linkify: [602, 608, 611, 612],
  };

  it('render as the spec says, but for our deliberate differences', () => {
    const commonmark = markdownIt('commonmark');
    // Spelling only: we write HTML void elements (`<br>`), and headings carry ids.
    const spelling = (html: string): string =>
      html.replace(/<(br|hr|img[^>]*?) \/>/g, '<$1>').replace(/(<h[1-6]) id="[^"]*"/g, '$1');
    const differing = examples
      .filter((example) => commonmark.render(example.markdown) === example.html)
      .filter((example) => spelling(render(markdown, example.markdown)) !== spelling(example.html))
      .map((example) => example.number);
    expect(differing).toEqual(
      Object.values(DELIBERATE)
        .flat()
        .sort((a, b) => a - b),
    );
  });

  it('keep backslash escapes of brackets and parentheses (example 12) as CommonMark has them', () => {
    const [example] = examples.filter((candidate) => candidate.number === 12);
    expect(render(markdown, example!.markdown)).toBe(example!.html);
  });
});
