import { markdown } from './src/content/markdown.ts';
import { sanitizeContent, sanitizeMath } from './src/content/sanitize.ts';
import { countWords } from './src/content/text.ts';
import { makeExcerpt } from './src/content/excerpt.ts';
import { MATH_ENV, renderFormulas, type MathEnv } from './src/content/math.ts';
const t = <T,>(n: string, f: () => T): T => { const c = process.cpuUsage(); const s = performance.now(); const r = f(); const u = process.cpuUsage(c); console.log(n.padEnd(10), 'wall', (performance.now() - s).toFixed(0), 'cpu', ((u.user + u.system) / 1000).toFixed(0)); return r; };
const cases: Record<string, string> = {
  brackets: '[*'.repeat(100_000),
  distinct: Array.from({ length: 3000 }, (_, i) => `$x_{${i}}$`).join(' '),
  table: `| a | b | c |\n|---|---|---|\n${'| 1 | $x$ | **b** |\n'.repeat(2000)}`,
};
const src = cases[process.argv[2]!]!;
const math: MathEnv = { nonce: 'ab', formulas: [] };
const env = { [MATH_ENV]: math };
const raw = t('md', () => markdown.render(src, env));
const clean = t('sanitize', () => sanitizeContent(raw));
const f = t('katex', () => renderFormulas(math.formulas));
const m = new Map<string,string>();
const s = t('sanMath', () => f.map((h) => { let c = m.get(h); if (c === undefined) { c = sanitizeMath(h); m.set(h, c); } return c; }));
console.log('math html chars', s.reduce((a, b) => a + b.length, 0), 'formulas', f.length);
t('count', () => countWords(clean));
t('excerpt', () => makeExcerpt(clean, 300));
