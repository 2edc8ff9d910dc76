import { randomBytes } from 'node:crypto';
import type { IOptions, Transformer } from 'sanitize-html';
import sanitizeHtml from 'sanitize-html';
import { KATEX_MAX_SIZE_EM } from './formula-bounds.js';
import { USER_ID_PREFIX } from './ids.js';

/**
 * The one allowlist sanitizer, with two profiles:
 * - content: everything a post's Markdown (and the raw HTML inside it) may produce. No inline styles
 *   except table alignment, no MathML or SVG, only the classes our renderer emits.
 * - math: KaTeX output only (HTML + MathML + its stretchy-delimiter SVG), with the inline styles its
 *   layout needs. Users cannot reach this profile with raw HTML: formulas are swapped in after the
 *   content profile ran (see render.ts), so `style`, `<math>` and `<svg>` stay out of user HTML.
 */

const words = (list: string): string[] => list.split(/\s+/).filter(Boolean);

const EXTERNAL_LINK_REL = 'nofollow ugc noopener';
// Tags whose text is never shown when the tag itself is dropped. Authors' tags outside the allowlist never reach
// the sanitizer as tags (tag-filter.ts turns them into text); this is the last line of defence.
const DROP_WITH_CONTENT = words(`script style textarea option select xmp title noscript noembed noframes iframe
  template object embed svg math head`);

// --- inline styles ---------------------------------------------------------------------------

const LENGTH = String.raw`-?(?:\d+|\d*\.\d+)(?:e[+-]?\d+)?(?:em|ex|px|%)?`;
const COLOR = '(?:#[0-9a-f]{3,8}|[a-z]{1,24})';
const BORDER_STYLE = '(?:solid|dashed|dotted|double|none)';
const exact = (source: string): RegExp => new RegExp(`^(?:${source})$`, 'i');

/** A value's rule: the pattern it must match whole, or a function returning the value to keep (if any). */
export type StyleRule = RegExp | ((value: string) => string | undefined);

/**
 * How far a formula may move or size its parts, in em. Clipping of `.content` (style.css) keeps whatever a
 * formula paints inside its post or comment; these bounds keep single values sane within it.
 * - Sideways: KaTeX caps the sizes a writer chooses (`\kern`, `\hspace`, `\rule`) at maxSize, but only the
 *   positive ones, so `\kern-900em` moved the rest of a formula 900em; its own layout never goes past a few
 *   em. Negative values get the same cap here.
 * - Up and down: KaTeX positions the rows of an array by `top` and `vertical-align` offsets as large as the
 *   array is tall, and the largest formula we render (about 1,500 rows of `a\\`) is about 1,800em tall.
 */
export const MATH_HORIZONTAL_EM = KATEX_MAX_SIZE_EM;
export const MATH_VERTICAL_EM = 2000;

const LENGTH_PARTS = /^(-?(?:\d+|\d*\.\d+)(?:e[+-]?\d+)?)(em|ex|px|%)?$/i;
const PX_PER_EM = 16;

/** One length, or up to `count` separated by spaces, each clamped to ±maxEm (ex counted as em; % to ±100). */
function clampedLengths(maxEm: number, count = 1): StyleRule {
  return (value) => {
    const parts = value.split(/\s+/);
    if (parts.length > count) return undefined;
    const clamped: string[] = [];
    for (const part of parts) {
      const match = LENGTH_PARTS.exec(part);
      if (!match) return undefined;
      const unit = match[2] ?? '';
      const unitLower = unit.toLowerCase();
      const limit = unitLower === 'px' ? maxEm * PX_PER_EM : unitLower === '%' ? 100 : maxEm;
      const number = Number(match[1]);
      clamped.push(Math.abs(number) <= limit ? part : `${Math.sign(number) * limit}${unit}`);
    }
    return clamped.join(' ');
  };
}

/** Every property KaTeX writes inline, each with the only values it writes (lengths, colours, keywords). */
const MATH_STYLES = new Map<string, StyleRule>([
  ...words(`width min-width max-width left right margin-left margin-right padding-left padding-right border-width
    border-top-width border-right-width border-bottom-width border-left-width`).map((property): [string, StyleRule] => [
    property,
    clampedLengths(MATH_HORIZONTAL_EM),
  ]),
  ...words('height vertical-align top bottom margin-top margin-bottom padding-top padding-bottom').map(
    (property): [string, StyleRule] => [property, clampedLengths(MATH_VERTICAL_EM)],
  ),
  ['margin', clampedLengths(MATH_HORIZONTAL_EM, 4)],
  ['padding', clampedLengths(MATH_HORIZONTAL_EM, 4)],
  ['position', /^relative$/i],
  ['border-style', exact(BORDER_STYLE)],
  ['border-right-style', exact(BORDER_STYLE)],
  ['border-bottom-style', exact(BORDER_STYLE)],
  ['border', exact(`${LENGTH}\\s+${BORDER_STYLE}(?:\\s+${COLOR})?`)],
  ['border-color', exact(COLOR)],
  ['color', exact(COLOR)],
  ['background-color', exact(COLOR)],
  ['text-shadow', exact(`${LENGTH}(?:\\s+${LENGTH}){1,2}(?:\\s+${COLOR})?`)],
]);
const CONTENT_STYLES = new Map<string, StyleRule>([['text-align', /^(?:left|right|center)$/i]]);

/**
 * Keeps only declarations whose property is listed and whose whole value its rule accepts (as the rule
 * rewrites it, for clamped lengths).
 * (Our own filter rather than sanitize-html's postcss one: a formula has dozens of styled spans, and
 * parsing each with postcss costs a quarter of the sanitizer's time.)
 */
export function filterStyle(style: string, allowed: ReadonlyMap<string, StyleRule>): string {
  const kept: string[] = [];
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    const rule = allowed.get(property);
    const accepted =
      rule === undefined ? undefined : rule instanceof RegExp ? (rule.test(value) ? value : undefined) : rule(value);
    if (accepted !== undefined) kept.push(`${property}:${accepted}`);
  }
  return kept.join(';');
}

function styleTransform(allowed: ReadonlyMap<string, StyleRule>): Transformer {
  return (tagName, attribs) => {
    if (attribs.style !== undefined) {
      const style = filterStyle(attribs.style, allowed);
      if (style) attribs.style = style;
      else delete attribs.style;
    }
    return { tagName, attribs };
  };
}

// --- content profile -----------------------------------------------------------------------

/** Scheme-bearing or protocol-relative URL; control characters and spaces are ignored, as browsers do. */
export function isExternalUrl(href: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip these characters in URLs
  const url = href.replace(/[\u0000-\u0020]/g, '');
  return /^[/\\]{2}/.test(url) || /^https?:/i.test(url);
}

const ID_VALUE = /^[\p{L}\p{N}\p{M}_:.-]{1,128}$/u;
const TAGS_WITH_IDS = new Set(words('a h1 h2 h3 h4 h5 h6 li'));

/**
 * One sanitizer pass's ids (see ids.ts): the renderer's, tagged with its marker, lose the marker; an author's
 * get USER_ID_PREFIX. A same-page link `#x` cannot be settled until every id has been seen, so it is written
 * with a mark of this pass and fixed afterwards: to `#user-content-x` when x is an author's id and not the
 * renderer's (a heading anchor wins, so `[see](#setup)` keeps pointing at the heading).
 */
class IdRewriter {
  private readonly own = new Set<string>();
  private readonly user = new Set<string>();
  private readonly linkMark = `\uE004${randomBytes(6).toString('hex')}\uE004`;
  private linked = false;

  constructor(private readonly marker: string | undefined) {}

  readonly transform: Transformer = (tagName, attribs) => {
    const id = attribs.id;
    if (id !== undefined) {
      const own = this.unmarked(id);
      if (!TAGS_WITH_IDS.has(tagName) || !ID_VALUE.test(own ?? id)) {
        delete attribs.id;
      } else if (own !== undefined) {
        attribs.id = own;
        this.own.add(own);
      } else {
        attribs.id = USER_ID_PREFIX + id;
        this.user.add(id);
      }
    }
    const href = attribs.href;
    if (href?.startsWith('#')) {
      const own = this.unmarked(href);
      if (own !== undefined) {
        attribs.href = own;
      } else if (ID_VALUE.test(href.slice(1))) {
        attribs.href = `#${this.linkMark}${href.slice(1)}`;
        this.linked = true;
      }
    }
    return { tagName, attribs };
  };

  private unmarked(value: string): string | undefined {
    return this.marker && value.includes(this.marker) ? value.replaceAll(this.marker, '') : undefined;
  }

  /** Settles the same-page links of the sanitized HTML. */
  settleLinks(html: string): string {
    if (!this.linked) return html;
    return html.replace(new RegExp(`#${this.linkMark}([^"]*)`, 'g'), (_, id: string) =>
      this.user.has(id) && !this.own.has(id) ? `#${USER_ID_PREFIX}${id}` : `#${id}`,
    );
  }
}

/** Tags a post's HTML may use; any other tag an author writes is shown as text (see tag-filter.ts). */
export const CONTENT_TAGS: ReadonlySet<string> = new Set(
  words(`p br hr h1 h2 h3 h4 h5 h6 blockquote pre code em strong b i u s del ins sub sup kbd mark small abbr q cite dfn
    var samp span div a img ul ol li dl dt dd table caption thead tbody tfoot tr th td details summary figure
    figcaption section input wbr ruby rt rp`),
);

const CONTENT_OPTIONS: IOptions = {
  allowedTags: [...CONTENT_TAGS],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'id', 'class'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading', 'decoding'],
    ...Object.fromEntries(words('h1 h2 h3 h4 h5 h6').map((tag) => [tag, ['id']])),
    li: ['id', 'class'],
    ol: ['start', 'class'],
    ...Object.fromEntries(words('ul code span div sup section hr').map((tag) => [tag, ['class']])),
    th: ['style', 'colspan', 'rowspan'],
    td: ['style', 'colspan', 'rowspan'],
    abbr: ['title'],
    details: ['open'],
    input: ['type', 'checked', 'disabled', 'class'],
  },
  allowedClasses: {
    code: ['hljs', 'language-*'],
    // highlight.js emits `hljs-title function_` style scope modifiers and `language-xml` sub-languages.
    span: ['hljs-*', /^[a-z]+_+$/, 'language-*', 'math', 'math-inline', 'math-display'],
    div: ['math', 'math-display'],
    sup: ['footnote-ref'],
    a: ['footnote-backref', 'mention'],
    hr: ['footnotes-sep'],
    section: ['footnotes'],
    ol: ['footnotes-list', 'contains-task-list'],
    ul: ['contains-task-list'],
    li: ['footnote-item', 'task-list-item'],
    input: ['task-list-item-checkbox'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  parseStyleAttributes: false,
  nonTextTags: DROP_WITH_CONTENT,
  nestingLimit: 100,
  // Renaming a tag to drop it leaves sanitize-html a stale end tag, so unwanted ones are filtered here.
  exclusiveFilter: (frame) =>
    (frame.tag === 'input' && frame.attribs.type !== 'checkbox') || (frame.tag === 'img' && !frame.attribs.src),
  transformTags: {
    a: (tagName, attribs) => {
      delete attribs.rel;
      delete attribs.target;
      if (attribs.href !== undefined && isExternalUrl(attribs.href)) attribs.rel = EXTERNAL_LINK_REL;
      return { tagName, attribs };
    },
    // An image without a description is announced as one with an empty one (alt=""), never by its file name.
    img: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, alt: attribs.alt ?? '', loading: 'lazy', decoding: 'async' },
    }),
    // The only form control: a disabled task-list checkbox (any other input is removed above).
    input: (tagName, attribs) =>
      attribs.type?.toLowerCase() === 'checkbox'
        ? { tagName, attribs: { ...attribs, type: 'checkbox', disabled: '' } }
        : { tagName, attribs: {} },
    th: styleTransform(CONTENT_STYLES),
    td: styleTransform(CONTENT_STYLES),
  },
};

/**
 * Sanitizes rendered Markdown (with raw HTML) against the content allowlist. Ids and same-page links the
 * renderer tagged with `ownIdMarker` are kept as they are; every other id is prefixed (see ids.ts).
 */
export function sanitizeContent(html: string, ownIdMarker?: string): string {
  const ids = new IdRewriter(ownIdMarker);
  const options = { ...CONTENT_OPTIONS, transformTags: { ...CONTENT_OPTIONS.transformTags, '*': ids.transform } };
  return ids.settleLinks(sanitizeHtml(html, options));
}

// --- math profile --------------------------------------------------------------------------

const MATHML_TAGS = words(`math semantics annotation mrow mi mo mn ms mtext mspace msup msub msubsup mfrac msqrt mroot
  mover munder munderover mpadded mphantom menclose mstyle mtable mtr mtd`);
// \color and \colorbox become mathcolor / mathbackground on whichever node they wrap.
const COLORS = ['mathcolor', 'mathbackground'];
const TOKEN = ['mathvariant', ...COLORS];

/** KaTeX's class vocabulary (families as globs), checked against its output in test/content/sanitize.test.ts. */
const KATEX_CLASSES = words(`katex katex-* base strut mord mbin mrel mopen mclose mpunct minner mop mspace mtight mfrac
  msupsub mtable mtr-glue mover munder mult math* text* vlist* pstrut sizing reset-size* size* fontsize-ensurer delim*
  nulldelimiter frac-line sqrt sqrt* root hide-tail svg-align x-arrow* accent* overline* underline* op-* large-op
  small-op brace-* halfarrow-* col-align-* arraycolsep vertical-separator boxpad fbox fcolorbox colorbox cancel*
  bcancel xcancel sout angl* tag eqn-num llap rlap clap boldsymbol amsrm mainrm nobreak allowbreak newline cd-* leqno
  fleqn stretchy smash rule mathdefault mclass hbox vbox thinbox vcenter math-error`);

const MATH_OPTIONS: IOptions = {
  allowedTags: ['span', 'svg', 'path', 'line', ...MATHML_TAGS],
  allowedAttributes: {
    span: ['class', 'style', 'aria-hidden', 'title'],
    // htmlparser2 lower-cases attribute names; the HTML parser restores SVG's camelCase.
    svg: ['xmlns', 'width', 'height', 'viewbox', 'preserveaspectratio', 'style'],
    path: ['d'],
    line: ['x1', 'y1', 'x2', 'y2', 'stroke-width'],
    math: ['xmlns', 'display'],
    annotation: ['encoding'],
    ...Object.fromEntries(words('mi mn ms mtext').map((tag) => [tag, TOKEN])),
    mo: [
      ...TOKEN,
      ...words('fence stretchy minsize maxsize lspace rspace separator largeop movablelimits symmetric accent'),
    ],
    mrow: COLORS,
    mstyle: ['scriptlevel', 'displaystyle', 'mathsize', 'style', ...COLORS],
    mpadded: ['width', 'height', 'depth', 'lspace', 'voffset', 'style', 'class', ...COLORS],
    mspace: ['width', 'height', 'depth', 'linebreak', ...COLORS],
    menclose: ['notation', ...COLORS],
    mfrac: ['linethickness'],
    mover: ['accent'],
    munder: ['accentunder'],
    munderover: ['accent', 'accentunder'],
    mtable: words('rowspacing columnspacing columnalign columnlines rowlines rowalign width frame'),
    mtr: ['columnalign', 'rowalign'],
    mtd: ['class', 'width', 'columnalign', 'rowalign'],
  },
  allowedClasses: { span: KATEX_CLASSES, mtd: ['mml-eqn-num', 'mtr-glue'], mpadded: ['vcenter'] },
  allowedSchemes: [],
  allowedSchemesAppliedToAttributes: ['href', 'src', 'xlink:href'],
  allowProtocolRelative: false,
  parseStyleAttributes: false,
  nonTextTags: DROP_WITH_CONTENT.filter((tag) => tag !== 'svg' && tag !== 'math'),
  transformTags: { '*': styleTransform(MATH_STYLES) },
};

/** Sanitizes KaTeX output (one formula) against the math allowlist. */
export function sanitizeMath(html: string): string {
  return sanitizeHtml(html, MATH_OPTIONS);
}

/**
 * Sanitizes many formulas in one pass (a sanitize-html call costs ≈ 50 µs before any parsing, which
 * thousands of formulas would pay each). The separator carries a fresh nonce; if one ever lands inside an
 * element (a fragment left a tag open), the parts would not be balanced, so each is sanitized alone.
 */
export function sanitizeMathBatch(fragments: readonly string[]): string[] {
  if (fragments.length < 2) return fragments.map(sanitizeMath);
  const separator = `\uE002${randomBytes(6).toString('hex')}\uE002`;
  let misplaced = false;
  const joined = sanitizeHtml(fragments.join(separator), {
    ...MATH_OPTIONS,
    textFilter: (text, tagName) => {
      if (tagName && text.includes('\uE002')) misplaced = true;
      return text;
    },
  });
  const parts = joined.split(separator);
  return !misplaced && parts.length === fragments.length ? parts : fragments.map(sanitizeMath);
}
