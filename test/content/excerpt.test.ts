import { describe, expect, it } from 'vitest';
import { makeExcerpt } from '../../src/content/excerpt.js';
import { renderMarkdown } from '../../src/content/render.js';

const excerpt = (markdown: string, maxChars = 300): string => makeExcerpt(renderMarkdown(markdown), maxChars);
const graphemes = (text: string): number =>
  [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].length;

/** The excerpt without its ellipsis is a prefix of the full text that ends between two words. */
function expectCutBetweenWords(cut: string, full: string): void {
  expect(cut.endsWith('…')).toBe(true);
  const kept = cut.slice(0, -1);
  expect(full.startsWith(kept)).toBe(true);
  const next = full.slice(kept.length);
  expect(next === '' || /^[\s\p{P}]/u.test(next)).toBe(true);
}

describe('headings', () => {
  it('end like a sentence, so they do not run into the text after them', () => {
    expect(excerpt('## Setup\n\nLet the prior be flat.')).toBe('Setup. Let the prior be flat.');
    expect(excerpt('Intro.\n\n### Results: a table\n\nMore')).toBe('Intro. Results: a table. More');
    expect(excerpt('## On $x$\n\nText')).toBe('On $x$. Text');
    // A heading that already ends a sentence keeps its own mark.
    expect(excerpt('# Why?\n\nBecause.')).toBe('Why? Because.');
    expect(excerpt('## Done.\n\nNext')).toBe('Done. Next');
  });
});

describe('length and the ellipsis', () => {
  it('returns short text whole, with no ellipsis', () => {
    expect(excerpt('A short comment.')).toBe('A short comment.');
  });

  it('ends with … only when something was cut, and stays within maxChars', () => {
    const prose = 'The quick brown fox jumps over the lazy dog again and again. '.repeat(20);
    const cut = excerpt(prose, 100);
    expect(cut.endsWith('…')).toBe(true);
    expect(graphemes(cut)).toBeLessThanOrEqual(101);
    expect(graphemes(cut)).toBeGreaterThan(80);
    expectCutBetweenWords(cut, prose.trim());
  });

  it('is not cut when the text is exactly maxChars long', () => {
    expect(excerpt('abcde fghij', 11)).toBe('abcde fghij');
    expect(excerpt('abcde fghij', 10)).toBe('abcde…');
  });

  it('collapses whitespace and separates blocks with one space', () => {
    expect(excerpt('# Title\n\nFirst   paragraph\nwrapped.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |')).toBe(
      'Title. First paragraph wrapped. one two a b c d',
    );
  });

  it('returns nothing for a zero budget', () => {
    expect(makeExcerpt('<p>text</p>', 0)).toBe('');
  });
});

describe('never mid-word', () => {
  it('drops a long word that does not fit instead of cutting it', () => {
    expect(excerpt('Short words then incomprehensibilities follow', 25)).toBe('Short words then…');
  });

  it('keeps numbers, decimals and contractions whole', () => {
    expect(excerpt('In 2024 we saw 3.14159 growth', 12)).toBe('In 2024 we…');
    expect(excerpt('In 2024 we saw 3.14159 growth', 20)).toBe('In 2024 we saw…');
    expect(excerpt('They don’t know it isn’t so', 14)).toBe('They don’t…');
  });

  it('keeps a URL whole or leaves it out', () => {
    const cut = excerpt('Read https://example.com/a/long/path?query=1&x=2 for details', 30);
    expect(cut).toBe('Read…');
  });

  it('cuts Cyrillic and Greek between words', () => {
    expect(excerpt('Привет мир, это проверка границ слов', 20)).toBe('Привет мир, это…');
    expect(excerpt('αβγ δεζ ηθι κλμ', 9)).toBe('αβγ δεζ…');
  });

  it('cuts CJK text at the segmenter’s word boundaries', () => {
    const cut = excerpt('我们今天去公园散步然后回家吃饭', 7);
    expect(cut).toBe('我们今天去公园…');
  });

  it('counts an emoji cluster as one character and never splits it', () => {
    const text = 'Family 👨‍👩‍👧‍👦 and 👍🏽 thumbs up today';
    expect(excerpt(text, 17)).toBe('Family 👨‍👩‍👧‍👦 and 👍🏽…');
    expect(excerpt(text, 9)).toBe('Family 👨‍👩‍👧‍👦…');
  });

  it('only cuts inside a single token longer than the whole budget', () => {
    const cut = excerpt('x'.repeat(500), 300);
    expect(cut).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('dangling punctuation', () => {
  it('removes a trailing opener, dash, comma or colon before the ellipsis', () => {
    expect(excerpt('one two three (four five', 16)).toBe('one two three…');
    expect(excerpt('Wait — what happened here', 7)).toBe('Wait…');
    expect(excerpt('First, second, third', 8)).toBe('First…');
    expect(excerpt('Note: something follows', 6)).toBe('Note…');
    expect(excerpt('list [ of things', 7)).toBe('list…');
  });

  it('keeps a closing quote or bracket', () => {
    expect(excerpt('He said "hello" and then left', 15)).toBe('He said "hello"…');
    expect(excerpt('A remark (in brackets) follows here', 22)).toBe('A remark (in brackets)…');
  });
});

describe('math', () => {
  it('keeps inline math as $TeX$ and display math as $$TeX$$', () => {
    expect(excerpt('Let $\\alpha + \\beta = 1$. Then\n\n$$\n\\sum_i x_i\n$$\n\nholds.')).toBe(
      'Let $\\alpha + \\beta = 1$. Then $$\\sum_i x_i$$ holds.',
    );
  });

  it('never splits a formula: one that does not fit is left out', () => {
    const cut = excerpt('Look at $\\sum_{i=1}^{n} x_i$ today', 20);
    expect(cut).toBe('Look at…');
    expect(excerpt('Look at $\\sum_{i=1}^{n} x_i$ today', 30)).toBe('Look at $\\sum_{i=1}^{n} x_i$…');
  });

  it('counts a formula as the length of its TeX with delimiters', () => {
    expect(excerpt('ab $x^2$ cd', 11)).toBe('ab $x^2$ cd');
    expect(excerpt('ab $x^2$ cd', 10)).toBe('ab $x^2$…');
    expect(excerpt('ab $x^2$ cd', 7)).toBe('ab…');
  });

  it('keeps a formula with an error as its source', () => {
    expect(excerpt('Broken $\\frac{$ formula')).toBe('Broken $\\frac{$ formula');
  });

  it('keeps a display formula with an error as display math, in a paragraph or as a block', () => {
    expect(excerpt('Broken $$\\frac{$$ inline')).toBe('Broken $$\\frac{$$ inline');
    expect(excerpt('Broken\n\n$$\n\\frac{\n$$\n\nblock')).toBe('Broken $$\\frac{$$ block');
  });

  it('keeps every formula of a math-heavy paragraph intact', () => {
    const source = Array.from({ length: 40 }, (_, i) => `term $a_{${i}} \\cdot b^{${i}}$ adds`).join(' ');
    const cut = excerpt(source, 300);
    expect(cut.endsWith('…')).toBe(true);
    const kept = cut.slice(0, -1);
    expect((kept.match(/\$/g) ?? []).length % 2).toBe(0);
    expect(kept).toMatch(/\$a_\{\d+\} \\cdot b\^\{\d+\}\$( adds)?$/);
    expect(graphemes(kept)).toBeLessThanOrEqual(300);
  });

  it('reads TeX from the annotation, not the rendered glyphs', () => {
    expect(excerpt('$\\mathbb{R}^n$')).toBe('$\\mathbb{R}^n$');
  });
});

describe('what is left out', () => {
  it('drops footnote markers and the footnotes section', () => {
    expect(excerpt('A claim[^1] stands.\n\n[^1]: The footnote text.')).toBe('A claim stands.');
  });

  it('drops images and code blocks but keeps inline code', () => {
    expect(excerpt('Before ![chart](https://example.com/c.png) `inline`\n\n```js\nconst x = 1;\n```\n\nAfter')).toBe(
      'Before inline After',
    );
  });

  it('drops task-list checkboxes but keeps their text', () => {
    expect(excerpt('- [x] done\n- [ ] open')).toBe('done open');
  });
});

describe('entities', () => {
  it('decodes entities into plain text', () => {
    expect(excerpt('Tom &amp; Jerry &lt;3 &copy; &#x263A;')).toBe('Tom & Jerry <3 © ☺');
    expect(makeExcerpt('<p>Tom &amp; Jerry</p>', 300)).toBe('Tom & Jerry');
  });

  it('never cuts inside an entity', () => {
    expect(makeExcerpt('<p>AT&amp;T and &quot;quotes&quot; everywhere</p>', 5)).toBe('AT&T…');
    expect(makeExcerpt('<p>Tom &amp; Jerry</p>', 5)).toBe('Tom…');
  });

  it('returns text, so markup written as text stays text', () => {
    expect(excerpt('Use `<script>` carefully')).toBe('Use <script> carefully');
  });
});

describe('long documents', () => {
  it('excerpts a 200 KB post quickly from its start', () => {
    const html = renderMarkdown(`${'word '.repeat(39_000)}`);
    const start = performance.now();
    const cut = makeExcerpt(html, 300);
    const elapsed = performance.now() - start;
    expect(cut).toBe(`${'word '.repeat(60).trim()}…`);
    expect(elapsed).toBeGreaterThanOrEqual(0); // measured, not asserted: see bench/render.ts
  });
});

describe('a post opening with a long formula', () => {
  const long = `${'x_{i} + '.repeat(60)}y`;

  it('gets the prose that follows a display formula too long to fit', () => {
    expect(excerpt(`$$\n${long}\n$$\n\nThe prose after it tells the story.`)).toBe(
      'The prose after it tells the story.',
    );
  });

  it('gets the prose that follows such inline formulas, several of them', () => {
    const cut = excerpt(`$${long}$ $${long}z$ and then ${'the prose goes on '.repeat(30)}`, 100);
    expect(cut.startsWith('and then the prose goes on')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('keeps a formula that fits and stops before one that does not, after prose', () => {
    expect(excerpt(`Short $a$ text then $${long}$ and more`, 60)).toBe('Short $a$ text then…');
  });

  it('is an ellipsis when the post is nothing but formulas too long to fit', () => {
    expect(excerpt(`$$\n${long}\n$$`)).toBe('…');
  });
});

describe('grapheme clusters and UTF-16', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  /** The cut excerpt is the start of the whole text, ends between two of its grapheme clusters, and is well-formed. */
  function expectWholeClusters(markdown: string, maxChars: number): void {
    const full = excerpt(markdown, 1_000_000);
    const cut = excerpt(markdown, maxChars);
    expect(LONE_SURROGATE.test(cut)).toBe(false);
    const kept = cut.endsWith('…') ? cut.slice(0, -1) : cut;
    expect(full.startsWith(kept)).toBe(true);
    const boundaries = new Set(Array.from(segmenter.segment(full), (s) => s.index));
    expect(kept.length === full.length || boundaries.has(kept.length)).toBe(true);
  }

  const TEXTS: Array<[string, string]> = [
    ['skin tones and ZWJ families', '👩🏽‍💻 👨‍👩‍👧‍👦 team 🧑🏿‍🤝‍🧑🏻 and 👍🏽👍🏿 '.repeat(40)],
    ['flags', '🇫🇷🇩🇪 vs 🇯🇵🇰🇷🇺🇸 and 🏴󠁧󠁢󠁳󠁣󠁴󠁿 '.repeat(40)],
    [
      'letters with many combining marks',
      `Z${'\u0301\u0316\u0324\u0338'.repeat(8)}a${'\u0300\u0333'.repeat(12)}l `.repeat(60),
    ],
    ['one word of marked letters', `e${'\u0301\u0302\u0303\u0304'.repeat(9)}`.repeat(400)],
    ['keycaps and variation selectors', '1️⃣ 2️⃣ #️⃣ ❤️ ☺︎ '.repeat(80)],
    ['Devanagari and Hangul syllables', 'क्षत्रिय नमस्ते 한국어 각 '.repeat(60)],
    ['Han with ideographic variation selectors', `x${'葛\u{E0100}'.repeat(600)}`],
    ['an astral word without spaces', '𝒜𝒷𝒸𝒹'.repeat(900)],
  ];
  for (const [name, text] of TEXTS) {
    it(`never ends inside a cluster: ${name}`, () => {
      for (const maxChars of [1, 7, 50, 255, 256, 257, 300]) expectWholeClusters(text, maxChars);
    });
  }
});

describe('no-break spaces', () => {
  it('never cuts at a no-break space and keeps it as written', () => {
    expect(excerpt('It is 10\u00a0km away from here', 10)).toBe('It is…');
    expect(excerpt('It is 10\u00a0km away from here', 12)).toBe('It is 10\u00a0km…');
    expect(excerpt('Costs 5\u202f€ and 1\u2007000 units in all', 18)).toBe('Costs 5\u202f€ and…');
    expect(excerpt('Costs 5\u202f€ and 1\u2007000 units in all', 20)).toBe('Costs 5\u202f€ and 1\u2007000…');
  });

  it('still collapses ordinary whitespace, tabs and line breaks', () => {
    expect(excerpt('a\tb\n c\u2003d')).toBe('a b c d');
  });
});
