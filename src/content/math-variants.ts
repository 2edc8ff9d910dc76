// MathML shown on its own (feeds, excerpts) is drawn by the browser's MathML engine, and MathML Core engines
// (Chromium, and WebKit and Gecko for most fonts) ignore `mathvariant` other than "normal": KaTeX writes
// \mathbb{R} as <mi mathvariant="double-struck">R</mi>, which they draw as a plain R. Unicode has the styled
// letters themselves (ℝ, 𝓑, 𝔤, 𝐱), so each styled token's letters and digits are written as those characters.

/** Where a variant's capital A, small a, digit 0 and Greek capital Alpha and small alpha sit in Unicode. */
interface VariantStarts {
  upper?: number;
  lower?: number;
  digit?: number;
  greekUpper?: number;
  greekLower?: number;
}

const VARIANTS: Record<string, VariantStarts> = {
  bold: { upper: 0x1d400, lower: 0x1d41a, digit: 0x1d7ce, greekUpper: 0x1d6a8, greekLower: 0x1d6c2 },
  italic: { upper: 0x1d434, lower: 0x1d44e, greekUpper: 0x1d6e2, greekLower: 0x1d6fc },
  'bold-italic': { upper: 0x1d468, lower: 0x1d482, greekUpper: 0x1d71c, greekLower: 0x1d736 },
  script: { upper: 0x1d49c, lower: 0x1d4b6 },
  'bold-script': { upper: 0x1d4d0, lower: 0x1d4ea },
  fraktur: { upper: 0x1d504, lower: 0x1d51e },
  'double-struck': { upper: 0x1d538, lower: 0x1d552, digit: 0x1d7d8 },
  'bold-fraktur': { upper: 0x1d56c, lower: 0x1d586 },
  'sans-serif': { upper: 0x1d5a0, lower: 0x1d5ba, digit: 0x1d7e2 },
  'bold-sans-serif': { upper: 0x1d5d4, lower: 0x1d5ee, digit: 0x1d7ec, greekUpper: 0x1d756, greekLower: 0x1d770 },
  'sans-serif-italic': { upper: 0x1d608, lower: 0x1d622 },
  'sans-serif-bold-italic': { upper: 0x1d63c, lower: 0x1d656, greekUpper: 0x1d790, greekLower: 0x1d7aa },
  monospace: { upper: 0x1d670, lower: 0x1d68a, digit: 0x1d7f6 },
};

// Letters Unicode had encoded before the Mathematical Alphanumeric block; their slots there are unassigned.
const EARLIER_LETTERS: Record<string, Record<string, string>> = {
  italic: { h: 'ℎ' },
  script: { B: 'ℬ', E: 'ℰ', F: 'ℱ', H: 'ℋ', I: 'ℐ', L: 'ℒ', M: 'ℳ', R: 'ℛ', e: 'ℯ', g: 'ℊ', o: 'ℴ' },
  fraktur: { C: 'ℭ', H: 'ℌ', I: 'ℑ', R: 'ℜ', Z: 'ℨ' },
  'double-struck': { C: 'ℂ', H: 'ℍ', N: 'ℕ', P: 'ℙ', Q: 'ℚ', R: 'ℝ', Z: 'ℤ' },
};

function styledCharacter(ch: string, variant: string, starts: VariantStarts): string {
  const earlier = EARLIER_LETTERS[variant]?.[ch];
  if (earlier) return earlier;
  const code = ch.codePointAt(0)!;
  const at = (start: number | undefined, first: number) =>
    start === undefined ? ch : String.fromCodePoint(start + code - first);
  if (code >= 0x41 && code <= 0x5a) return at(starts.upper, 0x41);
  if (code >= 0x61 && code <= 0x7a) return at(starts.lower, 0x61);
  if (code >= 0x30 && code <= 0x39) return at(starts.digit, 0x30);
  // Α…Ω in the block's order (U+03A2, unassigned, is where the block puts ϴ); α…ω likewise.
  if (code >= 0x391 && code <= 0x3a9 && code !== 0x3a2) return at(starts.greekUpper, 0x391);
  if (code >= 0x3b1 && code <= 0x3c9) return at(starts.greekLower, 0x3b1);
  return ch;
}

// A token with a variant and nothing but text inside (KaTeX never nests elements in these).
const STYLED_TOKEN = /<(mi|mn|mo|mtext)([^>]*?) mathvariant="([a-z-]+)"([^>]*)>([^<]*)<\/\1>/g;
// Entities in the token's text are left as they are: their names are letters too.
const TEXT_OR_ENTITY = /&[#a-zA-Z0-9]+;|[^&]+|&/g;

/**
 * Sanitized MathML with the letters and digits of every token styled by `mathvariant` (bold, script, fraktur,
 * double-struck, sans-serif, monospace and their mixes) written as Unicode's styled characters, the attribute
 * dropped. "normal" is left to the engine, which honours it, and so is any character without a styled form.
 */
export function withStyledCharacters(mathml: string): string {
  if (!mathml.includes('mathvariant="')) return mathml;
  return mathml.replace(
    STYLED_TOKEN,
    (token, name: string, before: string, variant: string, after: string, text: string) => {
      const starts = VARIANTS[variant];
      if (!starts) return token;
      const styled = text.replace(TEXT_OR_ENTITY, (run) =>
        run.startsWith('&') ? run : Array.from(run, (ch) => styledCharacter(ch, variant, starts)).join(''),
      );
      // MathML's automatic italic for a one-letter <mi> maps only plain letters, so the styled ones stay as written.
      return `<${name}${before}${after}>${styled}</${name}>`;
    },
  );
}
