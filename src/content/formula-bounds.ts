import katex, { type KatexOptions } from 'katex';

// Bounds on the work one formula may cause, enforced before KaTeX builds its HTML. KaTeX's own `maxExpand` counts
// macro expansions, not what they produce: a 1.3 KB `\def` that expands to ten tokens, used in a macro that
// expands to a hundred, made 8.8 MB of HTML within 1,000 expansions.

/** KaTeX's maxSize: the largest size (in em) a writer may give \rule, \kern and the like, if positive. */
export const KATEX_MAX_SIZE_EM = 20;

/**
 * Tokens the macros a document defines (`\def`, `\newcommand`, `\let`, …) may produce within one formula,
 * arguments included. The longest formula we render is 5,000 characters; macros may at most double that.
 */
export const MAX_MACRO_TOKENS = 5000;

/** Thrown (inside KaTeX, which passes it on) when a formula's macros produce more than MAX_MACRO_TOKENS. */
export class MacroBudgetError extends Error {
  constructor() {
    super(`Macros expand to more than ${MAX_MACRO_TOKENS.toLocaleString('en')} tokens`);
    this.name = 'MacroBudgetError';
  }
}

// The parts of KaTeX's macro interface we use (src/defineMacro.ts; not in its public types).
interface MacroToken {
  text: string;
}
interface MacroExpansion {
  tokens: MacroToken[]; // in reverse order, as KaTeX keeps them
  numArgs: number;
  delimiters?: string[][];
  unexpandable?: boolean;
}
interface MacroContext {
  consumeArgs(numArgs: number, delimiters?: string[][]): MacroToken[][];
  consumeArg(): { tokens: MacroToken[] };
  expandNextToken(): MacroToken;
  macros: { set(name: string, value: MacroExpansion): void };
}
type MacroDefinition = string | MacroExpansion | ((context: MacroContext) => string | MacroExpansion);

/** How many tokens macros may still produce in the formula being parsed; reset before each parse. */
export interface MacroMeter {
  remaining: number;
}

const ARGUMENT_NUMBER = /^[1-9]$/;

function isExpandableMacro(value: unknown): value is MacroExpansion {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as MacroExpansion).tokens) &&
    !(value as MacroExpansion).unexpandable
  );
}

/**
 * The macro as KaTeX would expand it (see MacroExpander.expandOnce), with its arguments pasted in, but counted
 * first and refused past the meter, and in linear time (KaTeX splices each argument into the body in turn).
 */
function meteredMacro(macro: MacroExpansion, meter: MacroMeter): (context: MacroContext) => MacroExpansion {
  return (context) => {
    const args = context.consumeArgs(macro.numArgs, macro.delimiters);
    const body = macro.tokens;
    if (macro.numArgs === 0) {
      meter.remaining -= body.length;
      if (meter.remaining < 0) throw new MacroBudgetError();
      return { tokens: body, numArgs: 0 };
    }
    let produced = 0;
    for (let i = body.length - 1; i >= 0; i--) {
      const next = body[i - 1]?.text ?? '';
      if (body[i]!.text === '#' && ARGUMENT_NUMBER.test(next)) {
        produced += args[Number(next) - 1]?.length ?? 0;
        i--;
      } else {
        produced++;
      }
    }
    meter.remaining -= produced;
    if (meter.remaining < 0) throw new MacroBudgetError();

    const expanded: MacroToken[] = []; // in reading order, reversed at the end
    for (let i = body.length - 1; i >= 0; i--) {
      const token = body[i]!;
      if (token.text !== '#') {
        expanded.push(token);
        continue;
      }
      if (i === 0) throw new katex.ParseError('Incomplete placeholder at end of macro body');
      const next = body[--i]!;
      const arg = ARGUMENT_NUMBER.test(next.text) ? args[Number(next.text) - 1] : undefined;
      if (next.text === '#') expanded.push(next);
      else if (arg) for (let j = arg.length - 1; j >= 0; j--) expanded.push(arg[j]!);
      else throw new katex.ParseError('Not a valid argument number');
    }
    return { tokens: expanded.reverse(), numArgs: 0 };
  };
}

/**
 * `\newcommand` and `\renewcommand` as MathJax has them (KaTeX's own code, src/macros.ts, without its two
 * refusals): either one defines a macro or replaces one. KaTeX refused `\newcommand` for a name it predefines,
 * such as `\R`, which LaTeX does not define, and `\renewcommand` for a name not yet defined.
 */
function defineCommand(context: MacroContext): string {
  let arg = context.consumeArg().tokens;
  if (arg.length !== 1) throw new katex.ParseError("\\newcommand's first argument must be a macro name");
  const name = arg[0]!.text;
  let numArgs = 0;
  arg = context.consumeArg().tokens;
  if (arg.length === 1 && arg[0]!.text === '[') {
    let argText = '';
    for (let token = context.expandNextToken(); token.text !== ']' && token.text !== 'EOF'; ) {
      argText += token.text;
      token = context.expandNextToken();
    }
    if (!/^\s*[0-9]+\s*$/.test(argText)) throw new katex.ParseError(`Invalid number of arguments: ${argText}`);
    numArgs = Number.parseInt(argText, 10);
    arg = context.consumeArg().tokens;
  }
  context.macros.set(name, { tokens: arg, numArgs });
  return '';
}

/**
 * What every document's macro table starts with (MathJax habits KaTeX lacks): the lenient `\newcommand` and
 * `\renewcommand`, and `\label{…}`, which KaTeX does not know; it only names an equation for references.
 */
const DOCUMENT_COMMAND_DEFINITIONS: Readonly<Record<string, MacroDefinition>> = {
  '\\newcommand': defineCommand,
  '\\renewcommand': defineCommand,
  '\\label': { tokens: [], numArgs: 1 },
};
/** Names of the commands above: not definitions of the document's own. */
export const DOCUMENT_COMMANDS: ReadonlySet<string> = new Set(Object.keys(DOCUMENT_COMMAND_DEFINITIONS));

/**
 * KaTeX's `macros` option for one document. KaTeX stores every definition a formula makes in this object (the
 * global ones stay for the document's later formulas); each expandable one is stored as a function that
 * charges what it produces to the meter.
 */
export function meteredMacros(meter: MacroMeter): Record<string, MacroDefinition> {
  const table: Record<string, MacroDefinition> = { ...DOCUMENT_COMMAND_DEFINITIONS };
  return new Proxy(table, {
    set(target, name, value: MacroDefinition) {
      return Reflect.set(target, name, isExpandableMacro(value) ? meteredMacro(value, meter) : value);
    },
  });
}

// --- output estimate ------------------------------------------------------------------------

/**
 * Characters of KaTeX HTML + MathML per parse node, rounded up from measurements (test/content/formula-bounds
 * checks they bound the real output): plain symbols are cheap, SVG-drawn parts (roots, stretchy arrows and
 * braces, big delimiters, large operators) cost a kilobyte or more.
 */
const DEFAULT_NODE_CHARS = 160;
const NODE_CHARS: Readonly<Record<string, number>> = {
  ordgroup: 40,
  supsub: 450,
  genfrac: 650,
  sqrt: 1300,
  accent: 1150,
  accentUnder: 950,
  overline: 500,
  underline: 500,
  horizBrace: 2100,
  xArrow: 1500,
  enclose: 700,
  delimsizing: 900,
  leftright: 700,
  middle: 300,
  op: 1200,
  mclass: 300,
  lap: 400,
  // Each array cell is wrapped in a `styling` node; the cell's own spans cost this much.
  styling: 450,
  rule: 250,
  color: 50,
  font: 50,
  sizing: 50,
  phantom: 50,
};
/** The wrapper every formula has (katex, katex-mathml, katex-html, struts), and its TeX in the annotation. */
const FORMULA_CHARS = 600;

type ParseTree = unknown;
const parse = (katex as unknown as { __parse: (tex: string, options: KatexOptions) => ParseTree }).__parse;

/** Parses a formula with KaTeX (running its macros) without building anything. */
export function parseFormula(tex: string, options: KatexOptions): ParseTree {
  return parse(tex, options);
}

/** An upper estimate of the HTML (with MathML) KaTeX will make of a parse tree. */
export function estimateFormulaHtml(tree: ParseTree, tex: string): number {
  let total = FORMULA_CHARS + 2 * tex.length;
  const pending: unknown[] = [tree];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      for (const child of node) if (typeof child === 'object' && child !== null) pending.push(child);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const type = (node as { type?: unknown }).type;
    if (typeof type === 'string') total += NODE_CHARS[type] ?? DEFAULT_NODE_CHARS;
    for (const [key, value] of Object.entries(node)) {
      // `loc` points back into the lexer and its whole input.
      if (key !== 'loc' && typeof value === 'object' && value !== null) pending.push(value);
    }
  }
  return total;
}
