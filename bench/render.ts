// Rendering benchmark: a long math post (the pathological inputs the pipeline must bound: bench/render-bombs.ts).
// Run: npx tsx bench/render.ts   (prints figures; it never fails on time)
import { loadavg } from 'node:os';
import { clearFormulaCache } from '../src/content/formulas.js';
import { renderContent } from '../src/content/render.js';

/** Small deterministic PRNG (mulberry32) so every run renders the same post. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const SUBJECTS = [
  'the estimator',
  'our prior',
  'this argument',
  'the agent',
  'a careful reader',
  'the model',
  'each update',
  'the policy',
  'the proof',
  'that intuition',
];
const VERBS = [
  'suggests',
  'implies',
  'assumes',
  'undermines',
  'clarifies',
  'predicts',
  'bounds',
  'explains',
  'ignores',
  'rewards',
];
const OBJECTS = [
  'a sharper posterior',
  'the expected loss',
  'most of the variance',
  'an unexpected symmetry',
  'the base rate',
  'a weaker conclusion',
  'the tail risk',
  'several hidden assumptions',
  'the marginal value',
  'a familiar failure mode',
];
const CLAUSES = [
  'even when the data are sparse',
  'unless we condition on the outcome',
  'as the sample grows',
  'in the limit of many trials',
  'once incentives shift',
  'which is easy to miss',
  'if we take the argument seriously',
  'for reasons discussed below',
];
const INLINE = [
  String.raw`p(x \mid \theta)`,
  String.raw`\mathbb{E}[L]`,
  String.raw`\sum_{i=1}^n x_i`,
  String.raw`\sigma^2`,
  String.raw`\frac{a}{b}`,
  String.raw`\log_2 N`,
  String.raw`\alpha + \beta`,
  String.raw`O(n \log n)`,
  String.raw`\nabla_\theta J`,
  String.raw`x \in \mathbb{R}^d`,
];
const DISPLAY = [
  String.raw`p(\theta \mid D) = \frac{p(D \mid \theta)\, p(\theta)}{\int p(D \mid \theta')\, p(\theta')\, d\theta'}`,
  String.raw`\mathbb{E}_{x \sim p}\left[ f(x) \right] \approx \frac{1}{N} \sum_{i=1}^{N} f(x_i)`,
  String.raw`\begin{aligned} L(\theta) &= -\sum_i \log p(y_i \mid x_i, \theta) \\ &\ge 0 \end{aligned}`,
  String.raw`\operatorname{KL}(P \,\|\, Q) = \sum_x P(x) \log \frac{P(x)}{Q(x)}`,
  String.raw`\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n = e`,
];

function sentence(withMath: boolean, footnote: string | null): string {
  const math = withMath ? ` (see $${pick(INLINE)}$)` : '';
  const note = footnote ? `[^${footnote}]` : '';
  const text = `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}${math}, ${pick(CLAUSES)}${note}.`;
  return text[0]!.toUpperCase() + text.slice(1);
}

interface Post {
  source: string;
  inline: number;
  display: number;
  footnotes: number;
}

/** About 5,000 words with 50 inline and 5 display formulas, 10 footnotes, headings, a list and a code block. */
function generatePost(): Post {
  const blocks: string[] = [];
  let words = 0;
  let inline = 0;
  let display = 0;
  let notes = 0;
  let paragraph = 0;
  while (words < 5000) {
    paragraph++;
    if (paragraph % 8 === 1) blocks.push(`## Part ${Math.ceil(paragraph / 8)}: ${pick(OBJECTS)}`);
    const sentences: string[] = [];
    for (let i = 0; i < 6; i++) {
      const withMath = inline < 50 && rand() < 0.25;
      const footnote = notes < 10 && rand() < 0.05 ? `n${++notes}` : null;
      if (withMath) inline++;
      const s = sentence(withMath, footnote);
      words += s.split(/\s+/).length;
      sentences.push(s);
    }
    blocks.push(sentences.join(' '));
    if (paragraph % 12 === 6 && display < DISPLAY.length) blocks.push(`$$\n${DISPLAY[display++]}\n$$`);
    if (paragraph === 10) blocks.push(`- ${pick(OBJECTS)}\n- ${pick(OBJECTS)}\n- [ ] check ${pick(OBJECTS)}`);
    if (paragraph === 20)
      blocks.push('```python\ndef posterior(prior, likelihood):\n    return prior * likelihood / evidence\n```');
  }
  while (inline < 50) {
    blocks.push(sentence(true, null));
    inline++;
  }
  while (display < DISPLAY.length) blocks.push(`$$\n${DISPLAY[display++]}\n$$`);
  while (notes < 10) blocks.push(`${sentence(false, `n${++notes}`)}`);
  for (let i = 1; i <= notes; i++) blocks.push(`[^n${i}]: ${sentence(false, null)}`);
  return { source: blocks.join('\n\n'), inline, display, footnotes: notes };
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const post = generatePost();
for (let i = 0; i < 5; i++) renderContent(post.source); // warm-up (JIT, KaTeX font tables)
const cold = Array.from({ length: 20 }, () => {
  clearFormulaCache(); // every formula rendered and sanitized afresh, as when a new post is saved
  return time(() => renderContent(post.source));
}).sort((a, b) => a - b);
const warm = Array.from({ length: 20 }, () => time(() => renderContent(post.source))).sort((a, b) => a - b);
const sample = renderContent(post.source);
console.log(
  `post: ${post.source.length} chars, ${sample.wordCount} words, ${post.inline} inline + ${post.display} display formulas, ` +
    `${post.footnotes} footnotes → ${sample.html.length} chars of HTML`,
);
console.log(
  `render, cold formula cache: median ${percentile(cold, 50).toFixed(1)} ms, p90 ${percentile(cold, 90).toFixed(1)} ms (20 runs)`,
);
console.log(
  `render, warm formula cache (re-render, preview): median ${percentile(warm, 50).toFixed(1)} ms, p90 ${percentile(warm, 90).toFixed(1)} ms`,
);
console.log(`(wall-clock; 1-minute load average ${loadavg()[0]!.toFixed(2)} on this machine while measuring)`);
console.log('pathological inputs: npm run bench:bombs');
