import type { Random } from './random.js';

/**
 * Generated Markdown in the shape of a research forum's writing: prose of varied length with inline and display
 * math, headings, lists, quotes, code and footnotes. Words are drawn from a small vocabulary; the sentences mean
 * nothing, but they exercise the same rendering, excerpting and page layout as real posts.
 */

const WORDS = `model agent reward policy gradient prior posterior evidence update belief argument claim proof theorem
lemma bound estimate sample variance expectation distribution channel signal noise entropy information market
price incentive equilibrium strategy game player forecast calibration question answer trade-off constraint
optimizer objective loss function network layer feature circuit representation concept frame heuristic bias
error mistake intuition example case counterexample assumption premise conclusion inference induction
deduction abduction experiment result effect cause mechanism correlation intervention outcome measure
metric threshold scale regime limit process system structure pattern symmetry invariant property axiom set
graph node edge path cycle tree search space state action transition dynamics trajectory horizon discount
value utility preference choice decision option risk uncertainty confidence interval hypothesis test data
dataset benchmark baseline method approach framework account theory view position reading interpretation
norm rule principle exception tradeoff budget cost benefit return payoff loss gain step round iteration
epoch batch gradient curvature landscape basin minimum maximum saddle region boundary margin gap ratio rate
factor term component mode phase transition order disorder signal field agent coordination cooperation
conflict commitment promise protocol mechanism design voting aggregation consensus forecasting tournament
question resolution estimate reference class base rate update argument steelman crux disagreement`
  .split(/\s+/)
  .filter(Boolean);

const ADJECTIVES = `simple naive careful robust fragile general specific local global strong weak partial complete
implicit explicit linear nonlinear stable unstable sparse dense hidden observable latent causal statistical
empirical formal informal natural artificial bounded unbounded convex smooth noisy optimal approximate exact
surprising obvious subtle important marginal central peripheral recursive iterated adversarial cooperative`
  .split(/\s+/)
  .filter(Boolean);

const CONNECTIVES = [
  'however',
  'therefore',
  'in practice',
  'in principle',
  'on the other hand',
  'for example',
  'that is',
  'roughly',
  'crucially',
  'in particular',
  'by contrast',
  'as a result',
  'at first glance',
  'more precisely',
  'intuitively',
];

const VERBS = `suggests implies predicts requires shows explains breaks preserves bounds dominates approximates
constrains generalizes reduces increases changes survives resolves assumes undermines supports`
  .split(/\s+/)
  .filter(Boolean);

const INLINE_MATH = [
  'x^2',
  '\\alpha + \\beta',
  'P(A \\mid B)',
  '\\mathbb{E}[X]',
  'O(n \\log n)',
  '\\sum_{i=1}^{n} x_i',
  'f : X \\to Y',
  '\\lambda_{\\max}',
  '\\nabla_\\theta \\mathcal{L}',
  'p < 0.05',
  '\\sqrt{2}',
  'e^{i\\pi} + 1 = 0',
  '\\frac{a}{b}',
  '\\mathrm{KL}(p \\,\\|\\, q)',
  'n \\ge 3',
  '\\Pr[X > t] \\le e^{-t^2/2}',
  '\\theta^*',
  '\\{0, 1\\}^n',
  '\\varepsilon > 0',
  'H(X) = -\\sum_x p(x) \\log p(x)',
  'U(a) = \\sum_s P(s \\mid a)\\, u(s)',
  '\\gamma \\in [0, 1)',
  'k \\ll n',
  '\\hat{\\mu}_n',
];

const DISPLAY_MATH = [
  '\\int_0^1 f(x)\\,dx = F(1) - F(0)',
  'p(\\theta \\mid D) = \\frac{p(D \\mid \\theta)\\, p(\\theta)}{p(D)}',
  '\\mathcal{L}(\\theta) = \\sum_{i=1}^{N} \\log p(x_i \\mid \\theta)',
  '\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} \\begin{pmatrix} x \\\\ y \\end{pmatrix} = \\begin{pmatrix} ax + by \\\\ cx + dy \\end{pmatrix}',
  '\\lim_{n \\to \\infty} \\left(1 + \\frac{1}{n}\\right)^n = e',
  '\\operatorname{Var}(X) = \\mathbb{E}[X^2] - \\mathbb{E}[X]^2',
  'V^\\pi(s) = \\mathbb{E}_\\pi\\left[\\sum_{t=0}^{\\infty} \\gamma^t r_{t+1} \\;\\middle|\\; s_0 = s\\right]',
  '\\Pr\\left[\\left|\\bar{X}_n - \\mu\\right| \\ge \\varepsilon\\right] \\le 2\\exp\\left(-2n\\varepsilon^2\\right)',
  '\\begin{aligned} f(x) &= (x + 1)^2 \\\\ &= x^2 + 2x + 1 \\end{aligned}',
  '\\log \\frac{P(H \\mid E)}{P(\\neg H \\mid E)} = \\log \\frac{P(H)}{P(\\neg H)} + \\log \\frac{P(E \\mid H)}{P(E \\mid \\neg H)}',
];

const CODE = [
  'def update(prior, likelihood):\n    posterior = prior * likelihood\n    return posterior / posterior.sum()',
  'for step in range(steps):\n    loss = model(batch)\n    loss.backward()\n    optimizer.step()',
  'const odds = (p: number) => p / (1 - p);\nconsole.log(odds(0.8)); // 4',
  'SELECT outcome, count(*) FROM forecasts GROUP BY outcome;',
];

const LINKS = ['https://example.org/papers/1', 'https://example.com/notes', 'https://example.net/data/results'];

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function phrase(random: Random, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const r = random.float();
    if (r < 0.12) out.push(random.pick(ADJECTIVES));
    else if (r < 0.2) out.push(random.pick(VERBS));
    else out.push(random.pick(WORDS));
  }
  return out.join(' ');
}

interface Flavour {
  /** Probability that a sentence carries an inline formula. */
  inlineMath: number;
  delimiters: 'dollar' | 'paren' | 'mixed';
}

function inlineFormula(random: Random, flavour: Flavour): string {
  const tex = random.pick(INLINE_MATH);
  const paren = flavour.delimiters === 'paren' || (flavour.delimiters === 'mixed' && random.chance(0.2));
  return paren ? `\\(${tex}\\)` : `$${tex}$`;
}

function sentence(random: Random, flavour: Flavour): string {
  const parts: string[] = [];
  if (random.chance(0.15)) parts.push(`${capitalize(random.pick(CONNECTIVES))},`);
  const words = random.between(6, 22);
  let text = phrase(random, words);
  if (random.chance(flavour.inlineMath)) {
    const cut = text.indexOf(' ', Math.floor(text.length / 2));
    text = cut > 0 ? `${text.slice(0, cut)} ${inlineFormula(random, flavour)}${text.slice(cut)}` : text;
  }
  const r = random.float();
  if (r < 0.05) text = text.replace(/ (\w+) /, ' *$1* ');
  else if (r < 0.08) text = text.replace(/ (\w+) /, ' **$1** ');
  else if (r < 0.1) text = text.replace(/ (\w+) /, ` [$1](${random.pick(LINKS)}) `);
  parts.push(text);
  const end = random.chance(0.08) ? '?' : '.';
  const joined = parts.join(' ');
  return `${capitalize(joined)}${end}`;
}

function paragraph(random: Random, flavour: Flavour, sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(random, flavour));
  return out.join(' ');
}

function displayFormula(random: Random): string {
  const tex = random.pick(DISPLAY_MATH);
  return random.chance(0.8) ? `$$\n${tex}\n$$` : `\\[\n${tex}\n\\]`;
}

function list(random: Random, flavour: Flavour): string {
  const ordered = random.chance(0.4);
  const items = random.between(2, 6);
  const out: string[] = [];
  for (let i = 0; i < items; i++) {
    const marker = ordered ? `${i + 1}.` : '-';
    const item = capitalize(phrase(random, random.between(3, 12)));
    const formula = random.chance(flavour.inlineMath) ? ` ${inlineFormula(random, flavour)}` : '';
    out.push(`${marker} ${item}${formula}`);
  }
  return out.join('\n');
}

/** A post body: from a few paragraphs to a long essay with sections, formulas, lists, code and footnotes. */
export function postMarkdown(random: Random): string {
  const flavour: Flavour = {
    inlineMath: random.pick([0, 0, 0.03, 0.08, 0.2]),
    delimiters: random.pick(['dollar', 'dollar', 'mixed', 'paren'] as const),
  };
  const size = random.float();
  const paragraphs = size < 0.35 ? random.between(2, 6) : size < 0.9 ? random.between(6, 16) : random.between(16, 50);
  const blocks: string[] = [];
  let footnotes = 0;
  for (let i = 0; i < paragraphs; i++) {
    if (i > 0 && i % random.between(4, 8) === 0) {
      blocks.push(`${random.chance(0.8) ? '##' : '###'} ${capitalize(phrase(random, random.between(2, 6)))}`);
    }
    let text = paragraph(random, flavour, random.between(2, 6));
    if (random.chance(0.08)) {
      footnotes++;
      text += `[^${footnotes}]`;
    }
    blocks.push(text);
    const r = random.float();
    if (r < flavour.inlineMath / 2) blocks.push(displayFormula(random));
    else if (r < 0.2) blocks.push(list(random, flavour));
    else if (r < 0.24) blocks.push(`> ${paragraph(random, flavour, random.between(1, 3))}`);
    else if (r < 0.26) blocks.push(`\`\`\`\n${random.pick(CODE)}\n\`\`\``);
    else if (r < 0.27) blocks.push('| Option | Estimate |\n| --- | ---: |\n| A | 0.3 |\n| B | 0.7 |');
  }
  for (let n = 1; n <= footnotes; n++) blocks.push(`[^${n}]: ${paragraph(random, flavour, random.between(1, 2))}`);
  return blocks.join('\n\n');
}

/** A comment body: mostly a sentence or a short paragraph, sometimes a long reply with quotes and math. */
export function commentMarkdown(random: Random): string {
  const flavour: Flavour = {
    inlineMath: random.pick([0, 0, 0, 0.08, 0.25]),
    delimiters: random.pick(['dollar', 'dollar', 'mixed'] as const),
  };
  const r = random.float();
  const paragraphs = r < 0.55 ? 1 : r < 0.8 ? 2 : r < 0.95 ? random.between(3, 4) : random.between(5, 10);
  const blocks: string[] = [];
  if (random.chance(0.12)) blocks.push(`> ${paragraph(random, flavour, 1)}`);
  for (let i = 0; i < paragraphs; i++) {
    blocks.push(paragraph(random, flavour, paragraphs === 1 ? random.between(1, 3) : random.between(1, 4)));
    if (flavour.inlineMath > 0 && random.chance(0.08)) blocks.push(displayFormula(random));
    else if (random.chance(0.05)) blocks.push(list(random, flavour));
  }
  return blocks.join('\n\n');
}

export function bioMarkdown(random: Random): string {
  return paragraph(random, { inlineMath: 0.05, delimiters: 'dollar' }, random.between(1, 3));
}

export function sequenceDescriptionMarkdown(random: Random): string {
  const flavour: Flavour = { inlineMath: 0.1, delimiters: 'dollar' };
  return [paragraph(random, flavour, random.between(2, 5)), paragraph(random, flavour, random.between(1, 3))].join(
    '\n\n',
  );
}

const TITLE_SHAPES = [
  (a: string, b: string) => `On the ${a} of ${b}`,
  (a: string, b: string) => `Why ${a} is not ${b}`,
  (a: string, b: string) => `A note on ${a} and ${b}`,
  (a: string, b: string) => `${capitalize(a)} without ${b}`,
  (a: string, b: string) => `What ${a} tells us about ${b}`,
  (a: string, b: string) => `Against ${a}-based ${b}`,
  (a: string, b: string) => `${capitalize(a)}, ${b}, and the limits of both`,
  (a: string, b: string) => `Notes from a year of ${a} ${b}`,
  (a: string, b: string) => `The ${a} problem for ${b}`,
  (a: string, b: string) => `${capitalize(a)} is ${b} all the way down`,
];

export function postTitle(random: Random): string {
  const a = random.chance(0.3) ? `${random.pick(ADJECTIVES)} ${random.pick(WORDS)}` : random.pick(WORDS);
  const title = random.pick(TITLE_SHAPES)(a, random.pick(WORDS));
  return random.chance(0.1) ? `${title}?` : title;
}

export function sequenceTitle(random: Random): string {
  return `${capitalize(random.pick(ADJECTIVES))} ${random.pick(WORDS)}: ${random.pick(['a sequence', 'notes', 'an introduction', 'essays', 'a primer'])}`;
}

export function chapterTitle(random: Random, index: number): string {
  return `Part ${index + 1}: ${capitalize(random.pick(ADJECTIVES))} ${random.pick(WORDS)}`;
}

const NAME_FIRST = `ada alan amara bayes carnot cora dana emmy euler fermi gauss hedy ines joan kurt lise mira noor
otto pia quine rosa sofia tarski ursula vera wren yara zeno`
  .split(/\s+/)
  .filter(Boolean);
const NAME_SECOND = `quill lantern harbor meadow cipher prism ember willow comet atlas beacon delta fable
garnet juniper kestrel lumen orbit pebble raven summit thistle vector zephyr`
  .split(/\s+/)
  .filter(Boolean);

/** A unique username for the index-th generated user (the index is part of it), and a display name. */
export function userName(random: Random, index: number): { username: string; displayName: string } {
  const first = random.pick(NAME_FIRST);
  const second = random.pick(NAME_SECOND);
  return { username: `${first}_${second}${index}`, displayName: `${capitalize(first)} ${capitalize(second)}` };
}

/** The names the most used tags get, as a research forum's topics read; the rest are built from the vocabulary. */
const TOPICS = `Decision theory|Forecasting|Rationality|AI alignment|Interpretability|Game theory|Probability|Bayesian
inference|Epistemology|Machine learning|Reinforcement learning|Statistics|Economics|Mechanism design|Information
theory|Optimization|Calibration|Causality|Philosophy of science|Logic|Mathematics|Research agendas|Book reviews|
Experiments|Replication|Prediction markets|Coordination|Incentives|Voting theory|Ethics|Moral uncertainty|
Heuristics and biases|Open problems|Intuition pumps|Distillation|Summaries|Q&A|Meta|Community|History of ideas|
Complexity theory|Learning theory|Control theory|Dynamical systems|Agent foundations|Embedded agency|Inner
alignment|Outer alignment|Scaling laws|Neural networks|Linear algebra|Topology|Category theory|Set theory|
Computability|Proofs|Fermi estimates|Practical advice|Writing|Pedagogy`
  .split('|')
  .map((topic) => topic.replace(/\s+/g, ' ').trim());

/**
 * `count` tag names, distinct case-insensitively and by slug (`slugOf`), none in `taken` (lower-cased names and
 * slugs already in the database): the topics first, then "Adjective noun" and "Noun noun" pairs.
 */
export function tagNames(
  random: Random,
  count: number,
  taken: Set<string>,
  slugOf: (name: string) => string,
): string[] {
  const names: string[] = [];
  const used = new Set(taken);
  const add = (name: string) => {
    const lower = name.toLowerCase();
    const slug = slugOf(name);
    if (names.length >= count || used.has(lower) || used.has(slug)) return;
    used.add(lower);
    used.add(slug);
    names.push(name);
  };
  for (const topic of TOPICS) add(topic);
  const nouns = [...new Set(WORDS)];
  for (let tries = 0; names.length < count && tries < count * 20; tries++) {
    const first = random.chance(0.6) ? random.pick(ADJECTIVES) : random.pick(nouns);
    add(`${capitalize(first)} ${random.pick(nouns)}`);
  }
  // Beyond what the pairs give (tens of thousands of tags): numbered volumes of the topics.
  for (let n = 2; names.length < count; n++) for (const topic of TOPICS) add(`${topic} ${n}`);
  return names;
}

/** A tag's description: what it is for, a paragraph of context, sometimes a list of what belongs and a formula. */
export function tagDescriptionMarkdown(random: Random, name: string): string {
  const flavour: Flavour = { inlineMath: random.pick([0, 0.1, 0.3]), delimiters: 'dollar' };
  const blocks = [
    `**${name}** collects posts on ${phrase(random, random.between(3, 8))}. ${sentence(random, flavour)}`,
  ];
  if (random.chance(0.7)) blocks.push(paragraph(random, flavour, random.between(1, 3)));
  if (random.chance(0.3)) blocks.push(list(random, flavour));
  return blocks.join('\n\n');
}
