// Which of KaTeX's fonts a rendered text uses, read from the classes KaTeX writes (as katex.min.css maps them
// to font families). A browser fetches a web font only once layout finds text set in it, after the stylesheet
// has been parsed; a page that names its fonts up front has them fetched beside the stylesheet instead.

const FONT_OF_CLASS: Readonly<Record<string, string>> = {
  mathnormal: 'Math-Italic',
  mathit: 'Main-Italic',
  mathbf: 'Main-Bold',
  boldsymbol: 'Math-BoldItalic',
  amsrm: 'AMS-Regular',
  mathbb: 'AMS-Regular',
  textbb: 'AMS-Regular',
  mathcal: 'Caligraphic-Regular',
  mathfrak: 'Fraktur-Regular',
  textfrak: 'Fraktur-Regular',
  mathtt: 'Typewriter-Regular',
  texttt: 'Typewriter-Regular',
  mathscr: 'Script-Regular',
  textscr: 'Script-Regular',
  mathsf: 'SansSerif-Regular',
  textsf: 'SansSerif-Regular',
  'small-op': 'Size1-Regular',
  'large-op': 'Size2-Regular',
  'delim-size1': 'Size1-Regular',
  'delim-size4': 'Size4-Regular',
};

const CLASS_LIST = /class="([^"]+)"/g;
/**
 * Only the start of the text is read: preloading serves the formulas of the first screens, and the fonts of the
 * rest are fetched when they are laid out anyway. A whole 1 MB post took 7 ms per page render; this is bounded.
 */
const SCANNED_CHARS = 64 * 1024;
const DELIMITER_SIZE = /^delimsizing size([1-4])\b/;

/**
 * The KaTeX font files (`KaTeX_Main-Regular.woff2`, …) the formulas at the start of sanitized HTML are set in;
 * [] without any.
 */
export function mathFontsUsed(html: string): string[] {
  if (!html.includes('<span class="katex')) return [];
  const fonts = new Set(['Main-Regular']);
  for (const [, classes] of html.slice(0, SCANNED_CHARS).matchAll(CLASS_LIST)) {
    const size = DELIMITER_SIZE.exec(classes!);
    if (size) fonts.add(`Size${size[1]}-Regular`);
    for (const name of classes!.split(' ')) {
      const font = FONT_OF_CLASS[name];
      if (font) fonts.add(font);
    }
  }
  return [...fonts].map((font) => `KaTeX_${font}.woff2`);
}
