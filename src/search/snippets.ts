import { excerptAround, excerptSource, resumePoint, sourceWords } from '../content/excerpt.js';
import { SPACELESS_SCRIPT } from '../content/text.js';
import type { Queryable } from '../db/database.js';
import { wordsMatching } from './queries.js';
import { type CompiledQuery, texTokens } from './query.js';

/** Grapheme clusters in a result's snippet. */
export const SNIPPET_CHARS = 260;

/** Whether a word is of a spaceless script (most are Latin letters and digits, ruled out by the cheaper test). */
const spaceless = (word: string) => !LATIN_WORD.test(word) && SPACELESS_SCRIPT.test(word);
const LATIN_WORD = /^[\w'’]*$/;

/** Whether `tokens` holds `term` as a run of consecutive tokens. */
function holdsRun(tokens: string[], term: string[]): boolean {
  if (term.length === 0) return false;
  for (let i = 0; i + term.length <= tokens.length; i++) {
    if (term.every((token, j) => tokens[i + j] === token)) return true;
  }
  return false;
}

/** A snippet for each stored HTML, around its first match, with the matched words and formulas marked. */
export async function snippetsFor(db: Queryable, htmls: string[], query: CompiledQuery, scanChars: number) {
  // Words are marked by the prose lexemes; the formula terms' tokens mark formulas only (a lone "b" of
  // \mathcal{B} is no reason to mark every b).
  const mathTokens = new Set(query.mathTerms.flat());
  const proseLexemes = query.lexemes.filter((lexeme) => !mathTokens.has(lexeme));
  const lexemes = new Set(proseLexemes);
  const formulaMatches = (tex: string): boolean => {
    const tokens = texTokens(tex);
    return query.mathTerms.some((term) => holdsRun(tokens, term)) || tokens.some((token) => lexemes.has(token));
  };
  // A word may stem to a lexeme when it starts with it (English stems are the word's start, but for a final y
  // written i: "study", "studi"); a character of a spaceless script is a lexeme of its own.
  const stems = proseLexemes.map((lexeme) =>
    lexeme.endsWith('i') && lexeme.length > 2 ? lexeme.slice(0, -1) : lexeme,
  );
  const maybe = (word: string): boolean => {
    if (spaceless(word)) return [...word].some((character) => lexemes.has(character));
    const lower = word.toLowerCase();
    return stems.some((stem) => lower.startsWith(stem));
  };
  const candidate = (part: { tex?: string; word?: string }) =>
    part.tex !== undefined ? formulaMatches(part.tex) : maybe(part.word ?? '');
  const mayHold = mayHoldAny(stems, proseLexemes);
  // HTML holding no candidate word outside its code blocks (which snippets leave out) gets a snippet from its
  // start, so only the start is read: a post found by its title, or by a word in its code. Formula terms are
  // looked for in formulas as read.
  const startOnly = (html: string) => query.mathTerms.length === 0 && !mayHold(html.replace(CODE_BLOCK, ' '));
  const fromStart = (html: string) => excerptSource(html, { scanChars: Math.min(scanChars, SNIPPET_CHARS * 4) });
  // Prose only: reading starts at the block holding the first place the words' starts occur in the HTML (a
  // formula's TeX is written escaped in its annotation, so formulas are read from the start).
  const from = (html: string) => (query.mathTerms.length > 0 ? 0 : resumePoint(html, mayHold.firstIn(html)));
  const sources = htmls.map((html) =>
    startOnly(html)
      ? fromStart(html)
      : excerptSource(html, { scanChars, candidate, afterCandidate: SNIPPET_CHARS * 4, mayHold, from: from(html) }),
  );
  const candidates = new Set<string>();
  for (const source of sources) {
    for (const word of sourceWords(source, mayHold)) {
      if (spaceless(word)) {
        for (const character of word) if (lexemes.has(character)) candidates.add(character);
      } else if (maybe(word)) {
        candidates.add(word);
      }
    }
  }
  // Which candidates really match, by PostgreSQL's own stemmer (one statement for all results, no table read):
  // stemming here would be a second opinion that could differ from the search's.
  const matched = new Set(await wordsMatching(db, [...candidates], proseLexemes));
  const isMatch = (part: { tex?: string; word?: string }): boolean => {
    if (part.tex !== undefined) return formulaMatches(part.tex);
    const word = part.word ?? '';
    if (matched.has(word)) return true;
    return spaceless(word) && [...word].some((character) => matched.has(character));
  };
  return sources.map((source, i) => {
    const snippet = excerptAround(source, isMatch, SNIPPET_CHARS, mayHold);
    // Read from a later block, but what looked like a word there was not one (in a tag, or not the word): the
    // snippet comes from the start, as for a body read whole and found to hold no match.
    if (snippet.matched || !source.truncatedBefore) return snippet.html;
    return excerptAround(fromStart(htmls[i]!), isMatch, SNIPPET_CHARS, mayHold).html;
  });
}

/** A code block of sanitized HTML, up to the first end tag (never more than the block, should blocks nest). */
const CODE_BLOCK = /<pre\b[\s\S]*?<\/pre>/g;
const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * Whether a run of text may hold a word `maybe` takes: one starting with a stem (whatever its case), or a
 * one-character lexeme anywhere (a character of a spaceless script). Generous, never wrong the other way: a run
 * it rules out holds no candidate, so snippets skip reading it word by word (most of a long body's cost).
 */
function mayHoldAny(stems: string[], lexemes: string[]): MayHold {
  const literal = (text: string) => text.replace(REGEXP_SYNTAX, '\\$&');
  const alternatives = [
    ...stems.map((stem) => `(?<![\\p{L}\\p{N}])${literal(stem)}`),
    ...lexemes.filter((lexeme) => [...lexeme].length === 1).map(literal),
  ];
  if (alternatives.length === 0) return Object.assign(() => false, { firstIn: () => 0 });
  const pattern = new RegExp(alternatives.join('|'), 'iu');
  // Also the text lowercased as a word is by `maybe` (full lowercasing, which case-insensitive matching is not).
  const test = (text: string) => pattern.test(text) || pattern.test(text.toLowerCase());
  return Object.assign(test, { firstIn: (text: string) => Math.max(0, text.search(pattern)) });
}

/** `mayHold`, and where in a text it first finds something (0 when nowhere: read from the start). */
type MayHold = ((text: string) => boolean) & { firstIn: (text: string) => number };
