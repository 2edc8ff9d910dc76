import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/content/render.js';
import {
  filterStyle,
  isExternalUrl,
  MATH_HORIZONTAL_EM,
  MATH_VERTICAL_EM,
  sanitizeContent,
  sanitizeMath,
  sanitizeMathBatch,
} from '../../src/content/sanitize.js';
import { byClass, countTag, dangers, elements, textContent } from './helpers.js';

const SCRIPT_PAYLOADS: Array<[string, string]> = [
  ['script tag', '<script>alert(1)</script>'],
  ['script tag split across Markdown', 'text <script>\nalert(1)\n</script> more'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['svg onload', '<svg onload=alert(1)><circle r=1></circle></svg>'],
  ['script inside svg', '<svg><script>alert(1)</script></svg>'],
  ['svg animate', '<svg><a><animate attributeName=href values=javascript:alert(1) /><text>x</text></a></svg>'],
  ['body onload', '<body onload=alert(1)>'],
  ['event handler on allowed tag', '<p onclick="alert(1)" onmouseover="alert(1)">hi</p>'],
  ['iframe', '<iframe src="https://evil.example" srcdoc="<script>alert(1)</script>"></iframe>'],
  ['object and embed', '<object data="evil.swf"></object><embed src="evil.swf">'],
  [
    'form controls',
    '<form action="https://evil.example"><input name=q><button formaction="javascript:alert(1)">go</button></form>',
  ],
  ['style tag', '<style>body { background: url(javascript:alert(1)) }</style>'],
  ['inline style', '<div style="background:url(javascript:alert(1));position:fixed;top:0">x</div>'],
  [
    'link, meta and base',
    '<link rel=stylesheet href=//evil.example/x.css><meta http-equiv=refresh content="0;url=javascript:alert(1)"><base href="//evil.example/">',
  ],
  ['MathML mtext script', '<math><mtext><script>alert(1)</script></mtext></math>'],
  ['MathML maction', '<math><maction actiontype="statusline#javascript:alert(1)"><mtext>x</mtext></maction></math>'],
  ['MathML href', '<math href="javascript:alert(1)"><mi xlink:href="javascript:alert(1)">x</mi></math>'],
  [
    'mXSS through math and style',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  ],
  ['mXSS through noscript', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>'],
  ['mXSS through svg style', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
  ['template', '<template><img src=x onerror=alert(1)></template>'],
  ['unclosed tags', '<img src=x onerror=alert(1)//'],
];

const URL_PAYLOADS: Array<[string, string]> = [
  ['Markdown javascript link', '[x](javascript:alert(1))'],
  ['Markdown javascript link, mixed case', '[x](JaVaScRiPt:alert(1))'],
  ['Markdown javascript link, entity-encoded', '[x](&#106;avascript:alert(1))'],
  ['Markdown vbscript link', '[x](vbscript:msgbox(1))'],
  ['Markdown data link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['Markdown javascript image', '![x](javascript:alert(1))'],
  ['Markdown data image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['Markdown autolink', '<javascript:alert(1)>'],
  ['reference link', '[x][r]\n\n[r]: javascript:alert(1)'],
  ['HTML javascript link', '<a href="javascript:alert(1)">x</a>'],
  ['HTML link with a tab in the scheme', '<a href="jav&#x09;ascript:alert(1)">x</a>'],
  ['HTML link with entities', '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>'],
  ['HTML link with leading space', '<a href=" javascript:alert(1)">x</a>'],
  ['HTML vbscript link', '<a href="vbscript:msgbox(1)">x</a>'],
  ['HTML data link', '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
  ['HTML image with javascript src', '<img src="javascript:alert(1)">'],
  ['HTML image with data src', '<img src="data:image/png;base64,iVBORw0KGgo=">'],
  ['HTML link with target', '<a href="https://example.com" target="_blank" rel="opener">x</a>'],
];

describe('the sanitizer removes what could run script', () => {
  for (const [name, payload] of [...SCRIPT_PAYLOADS, ...URL_PAYLOADS]) {
    it(`${name}: ${payload.slice(0, 60)}`, () => {
      const html = renderMarkdown(payload);
      expect(dangers(html)).toEqual([]);
      expect(countTag(html, 'svg') + countTag(html, 'math')).toBe(0); // no user SVG or MathML at all
      expect(html).not.toMatch(/<script|<[^>]+\son\w+=|<[^>]+javascript:/i);
    });
  }

  it('shows script, style and similar elements as text: nothing runs and nothing is lost', () => {
    const source = '<script>alert(1)</script><style>p{}</style><template>t</template>ok';
    const html = renderMarkdown(source);
    expect(dangers(html)).toEqual([]);
    expect(textContent(html)).toBe(`${source}\n`);
  });

  it('still drops the text of script, style and similar elements that reach the sanitizer as tags', () => {
    const html = sanitizeContent('<script>alert(1)</script><style>p{}</style><template>t</template><svg>s</svg>ok');
    expect(textContent(html)).toBe('ok');
  });

  it('keeps text of dropped harmless tags (the link text survives a bad href)', () => {
    const html = renderMarkdown('<a href="javascript:alert(1)">label</a> [md label](javascript:alert(1))');
    expect(textContent(html)).toContain('label');
    expect(elements(html).filter((e) => e.attribs.href !== undefined)).toEqual([]);
  });

  it('strips classes the pipeline does not produce, and ids from tags that take none', () => {
    const html = renderMarkdown(
      '<span class="katex admin-badge hljs-keyword">x</span> <p id="comment-abc">y</p> <h2 id="mine">z</h2>',
    );
    const [span] = elements(html).filter((e) => e.name === 'span');
    expect(span?.classes).toEqual(['hljs-keyword']);
    expect(
      elements(html)
        .map((e) => e.attribs.id)
        .filter(Boolean),
    ).toEqual(['user-content-mine']);
  });

  it('turns any form control into nothing, or a disabled checkbox', () => {
    const html = renderMarkdown(
      '<input type="text" value="x"><input type="checkbox" checked onclick="x"><input type="submit">',
    );
    const inputs = elements(html).filter((e) => e.name === 'input');
    expect(inputs).toHaveLength(1);
    expect(inputs[0]!.attribs).toEqual({ type: 'checkbox', checked: '', disabled: '' });
    expect(html).not.toContain('</input>');
  });

  it('does not substitute math for a placeholder typed by the author', () => {
    const html = renderMarkdown('Forged \uE0000123456789abcdef:0\uE001 and real $x$');
    expect(byClass(html, 'katex')).toHaveLength(1);
    expect(textContent(html)).toContain('\uE0000123456789abcdef:0\uE001');
  });

  it('marks only absolute http(s) and protocol-relative URLs as external', () => {
    expect(isExternalUrl('https://example.com')).toBe(true);
    expect(isExternalUrl('HTTP://example.com')).toBe(true);
    expect(isExternalUrl(' http:/example.com')).toBe(true);
    expect(isExternalUrl('//example.com')).toBe(true);
    expect(isExternalUrl('\\\\example.com')).toBe(true);
    expect(isExternalUrl('/posts/1')).toBe(false);
    expect(isExternalUrl('#fn-1')).toBe(false);
    expect(isExternalUrl('mailto:a@b.c')).toBe(false);
  });
});

describe('KaTeX commands that could reach outside the formula are inert (trust: false)', () => {
  const commands: Array<[string, string]> = [
    ['\\href', '$\\href{javascript:alert(1)}{click}$'],
    ['\\url', '$\\url{javascript:alert(1)}$'],
    ['\\htmlClass', '$\\htmlClass{admin-badge}{x}$'],
    ['\\htmlStyle', '$\\htmlStyle{position:fixed;background:url(javascript:alert(1))}{x}$'],
    ['\\htmlId', '$\\htmlId{comment-1}{x}$'],
    ['\\htmlData', '$\\htmlData{onclick=alert(1)}{x}$'],
    ['\\includegraphics', '$\\includegraphics[height=1em]{https://evil.example/track.png}$'],
  ];
  for (const [name, source] of commands) {
    it(name, () => {
      const html = renderMarkdown(source);
      expect(dangers(html)).toEqual([]);
      const all = elements(html);
      expect(all.filter((e) => ['a', 'img', 'mglyph'].includes(e.name))).toEqual([]);
      expect(all.filter((e) => e.attribs.href ?? e.attribs.src ?? e.attribs.id)).toEqual([]);
      expect(all.some((e) => e.classes.includes('admin-badge'))).toBe(false);
      expect(all.some((e) => Object.keys(e.attribs).some((a) => a.startsWith('data-')))).toBe(false);
    });
  }
});

describe('KaTeX output survives the math allowlist intact', () => {
  const corpus = [
    '\\frac{a}{b} + \\sqrt[3]{x^2+y_1} - \\int_0^\\infty e^{-x^2}\\,dx',
    '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix} \\begin{aligned}a&=b\\\\c&=d\\end{aligned}',
    '\\overbrace{a+b}^{n} \\underbrace{x}_{y} \\widehat{abc} \\xrightarrow{abc} \\xleftarrow[u]{o}',
    '\\cancel{x} \\bcancel{y} \\xcancel{z} \\sout{w} \\boxed{x} \\fbox{t} \\colorbox{red}{x} \\fcolorbox{red}{blue}{x}',
    '\\color{blue}{x} \\textcolor{#f00}{y} \\left(\\frac{1}{2}\\right) \\Bigg[ x \\Bigg] \\left.\\frac{a}{b}\\right|_0^1',
    '\\mathbb{R}\\mathcal{C}\\mathfrak{g}\\mathrm{d}\\text{hi}\\textbf{b}\\mathsf{A}\\mathtt{B}\\mathscr{D}\\pmb{x}\\boldsymbol{\\alpha}',
    '\\sum_{i=1}^n \\prod \\lim_{x\\to 0} \\overset{a}{b}\\underset{c}{d}\\stackrel{e}{f} \\phantom{x}\\hphantom{y}\\vphantom{z}',
    '\\rule{1em}{2em}\\kern1em\\hspace{2em}\\mkern18mu \\llap{x}\\rlap{y}\\mathclap{z} \\smash{x}\\raisebox{1em}{x} \\vcenter{x}',
    '\\begin{array}{c|c:c}a&b&c\\\\\\hline d&e&f\\\\\\hdashline\\end{array} \\begin{cases}a & x\\\\b&y\\end{cases}',
    '\\not= \\vec{x}\\dot{y}\\bar{z}\\tilde{w}\\mathring{a}\\utilde{b}\\overleftarrow{ab}\\overgroup{ab}\\overrightarrow{abc}',
    '\\binom{n}{k}\\dbinom{a}{b} a \\over b \\genfrac(]{0pt}{2}{a+b}{c+d} \\cfrac{1}{1+\\cfrac{1}{2}}',
    '\\Huge x \\tiny y \\scriptsize z \\large w \\verb|x| \\operatorname{sin} x \\KaTeX',
    '\\begin{smallmatrix}a&b\\end{smallmatrix} \\sum\\limits_{\\substack{a\\\\b}} \\iint \\oint \\oiint \\angl{n} \\phase{x}',
  ];
  const displayOnly = [
    '\\begin{align}a&=b\\tag{1}\\\\c&=d\\end{align}',
    '\\begin{CD}A @>a>> B @VVV \\\\ C @<<< D\\end{CD}',
    'x \\tag{2}',
    '\\begin{gather}a\\\\b\\end{gather}',
  ];
  const inventory = (html: string): string[] => {
    const seen = new Set<string>();
    for (const { name, attribs } of elements(html)) {
      seen.add(`<${name}>`);
      for (const [attribute, value] of Object.entries(attribs)) {
        if (attribute === 'class') for (const c of value.split(/\s+/).filter(Boolean)) seen.add(`.${c}`);
        else if (attribute === 'style')
          for (const d of value.split(';').filter((x) => x.trim()))
            seen.add(`${name}{${d.replace(/\s+/g, '').toLowerCase()}}`);
        else seen.add(`${name}@${attribute}=${value}`);
      }
    }
    return [...seen].sort();
  };
  const cases = [
    ...corpus.map((tex) => [tex, false] as const),
    ...[...corpus, ...displayOnly].map((tex) => [tex, true] as const),
  ];
  for (const [tex, displayMode] of cases) {
    it(`${displayMode ? 'display' : 'inline'}: ${tex.slice(0, 50)}`, () => {
      const raw = katex.renderToString(tex, {
        displayMode,
        output: 'htmlAndMathml',
        throwOnError: true,
        trust: false,
        strict: 'ignore',
      });
      expect(inventory(sanitizeMath(raw))).toEqual(inventory(raw));
    });
  }

  it('sanitizes a batch exactly as one formula at a time', () => {
    const fragments = corpus.map((tex) => katex.renderToString(tex, { output: 'htmlAndMathml', strict: 'ignore' }));
    expect(sanitizeMathBatch(fragments)).toEqual(fragments.map(sanitizeMath));
  });

  it('falls back to one formula at a time when a fragment leaves an element open', () => {
    const fragments = ['<span class="katex">open', '<span class="mord">b</span>'];
    expect(sanitizeMathBatch(fragments)).toEqual(['<span class="katex">open</span>', '<span class="mord">b</span>']);
  });

  it('strips from KaTeX-shaped HTML what KaTeX never emits', () => {
    const html = sanitizeMath(
      '<span class="katex evil" style="height:1em;position:fixed;background:url(x)" onclick="x"><math><maction><mi href="javascript:x">a</mi></maction></math><svg onload="x"><script>x</script><path d="M0 0"/></svg></span>',
    );
    expect(dangers(html)).toEqual([]);
    expect(html).toBe(
      '<span class="katex" style="height:1em"><math><mi>a</mi></math><svg><path d="M0 0"></path></svg></span>',
    );
  });
});

describe('math positioning is clamped', () => {
  const styles = (html: string): string[] =>
    elements(html)
      .map((e) => e.attribs.style?.replace(/;$/, ''))
      .filter((style): style is string => style !== undefined);

  it('a negative \\kern or \\hspace moves at most as far as a positive one may (maxSize, 20em)', () => {
    for (const tex of ['x\\kern-900em y', 'x\\hspace{-300em}y', 'x\\mkern-9000mu y']) {
      const all = styles(renderMarkdown(`$${tex}$`)).join(';');
      expect(all, tex).toContain(`margin-right:-${MATH_HORIZONTAL_EM}em`);
      expect(all, tex).not.toMatch(/-(?:[3-9]\d|\d{3,})(?:\.\d+)?em/);
    }
  });

  it('vertical offsets stop at the height of the tallest formula we render', () => {
    for (const tex of ['\\raisebox{-5000em}{x}', '\\rule[-5000em]{1em}{1em}']) {
      const sizes = styles(renderMarkdown(`$${tex}$`))
        .join(';')
        .matchAll(/(-?[\d.]+)em/g);
      for (const [, size] of sizes) expect(Math.abs(Number(size)), tex).toBeLessThanOrEqual(MATH_VERTICAL_EM);
    }
  });

  it('a tall array keeps every offset KaTeX gives it (nothing near the bounds is legitimate but this)', () => {
    const tex = `\\begin{array}{c}${'a\\\\'.repeat(1400)}a\\end{array}`;
    const raw = katex.renderToString(tex, { output: 'htmlAndMathml', displayMode: true, strict: 'ignore' });
    expect(styles(sanitizeMath(raw))).toEqual(styles(raw));
    const largest = Math.max(
      ...[
        ...styles(raw)
          .join(';')
          .matchAll(/(-?[\d.]+)em/g),
      ].map(([, n]) => Math.abs(Number(n))),
    );
    expect(largest).toBeGreaterThan(MATH_VERTICAL_EM / 2);
  });

  it('clamps each length of a shorthand, and keeps the unit', () => {
    const rules = new Map([['margin', (value: string) => (value === '1em' ? value : undefined)]]);
    expect(filterStyle('margin:1em;margin:2em', rules)).toBe('margin:1em');
    expect(sanitizeMath('<span style="margin:0 -900em;padding-left:-500px;width:150%">x</span>')).toBe(
      `<span style="margin:0 -${MATH_HORIZONTAL_EM}em;padding-left:-${MATH_HORIZONTAL_EM * 16}px;width:100%">x</span>`,
    );
  });
});

describe('filterStyle', () => {
  const allowed = new Map([
    ['height', /^-?\d*\.?\d+em$/],
    ['text-align', /^(left|right)$/],
  ]);
  it('keeps listed properties whose whole value matches', () => {
    expect(filterStyle('height: 1.5em; text-align:right', allowed)).toBe('height:1.5em;text-align:right');
  });
  it('drops unknown properties, bad values and smuggled declarations', () => {
    expect(filterStyle('color:red;height:1em;background:url(x)', allowed)).toBe('height:1em');
    expect(filterStyle('height:1em url(javascript:x);text-align:left/*x*/', allowed)).toBe('');
    expect(filterStyle('height\\:1em;TEXT-ALIGN:left', allowed)).toBe('text-align:left');
  });
});

describe('content profile', () => {
  it('keeps only text-align in table cell styles', () => {
    const html = sanitizeContent('<table><tr><td style="text-align:center;color:red">x</td></tr></table>');
    expect(elements(html).find((e) => e.name === 'td')?.attribs.style).toBe('text-align:center');
  });

  it('forces lazy loading on every image and drops images without a safe src', () => {
    const html = sanitizeContent('<img src="https://example.com/a.png" loading="eager"><img src="javascript:x"><img>');
    const images = elements(html).filter((e) => e.name === 'img');
    expect(images).toHaveLength(1);
    expect(images[0]!.attribs.loading).toBe('lazy');
  });

  it('bounds nesting depth', () => {
    const html = sanitizeContent(`${'<div>'.repeat(5000)}deep${'</div>'.repeat(5000)}`);
    expect(countTag(html, 'div')).toBeLessThanOrEqual(100);
    expect(textContent(html)).toBe('deep');
  });
});
