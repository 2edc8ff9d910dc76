// Render bombs: how long each pathological input in test/content/bombs.ts takes to render, and how big its
// output is. Run: npm run bench:bombs [-- --only footnote] [-- --runs 5]   (prints figures; never fails on time)
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { clearFormulaCache } from '../src/content/formulas.js';
import { renderContent } from '../src/content/render.js';
import { RENDER_BOMBS } from '../test/content/bombs.js';

/** Wall-clock render time we aim to stay under, for any post or comment within the size limit. */
const TARGET_MS = 1000;

const { values } = parseArgs({
  options: { only: { type: 'string' }, runs: { type: 'string', default: '3' } },
});
const runs = Math.max(1, Number(values.runs));

function median(sorted: number[]): number {
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** One cold render (formula cache emptied, as when a post is first saved): wall-clock and CPU milliseconds. */
function measure(source: string): { wall: number; cpu: number; htmlChars: number } {
  clearFormulaCache();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const { html } = renderContent(source);
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000, htmlChars: html.length };
}

// Warm up (JIT, KaTeX's and highlight.js's tables) on an ordinary post.
for (let i = 0; i < 5; i++)
  renderContent('# A post\n\nWith $x^2$, a [link](https://example.com)[^1] and `code`.\n\n[^1]: A note.');

console.log(
  `${cpus().length} cores, 1-minute load average ${loadavg()[0]!.toFixed(2)}; median of ${runs} cold runs each`,
);
console.log(
  `${'input'.padEnd(42)} ${'wall ms'.padStart(8)} ${'cpu ms'.padStart(8)} ${'source'.padStart(8)} ${'html'.padStart(10)}`,
);
const results: Array<{ name: string; wall: number }> = [];
for (const bomb of RENDER_BOMBS) {
  if (values.only && !bomb.name.toLowerCase().includes(values.only.toLowerCase())) continue;
  const source = bomb.source();
  const samples = Array.from({ length: runs }, () => measure(source));
  const wall = median(samples.map((s) => s.wall).sort((a, b) => a - b));
  const cpu = median(samples.map((s) => s.cpu).sort((a, b) => a - b));
  results.push({ name: bomb.name, wall });
  const flag = wall > TARGET_MS ? '  over 1 s' : '';
  console.log(
    `${bomb.name.padEnd(42)} ${wall.toFixed(0).padStart(8)} ${cpu.toFixed(0).padStart(8)} ${source.length.toLocaleString('en').padStart(8)} ${samples[0]!.htmlChars.toLocaleString('en').padStart(10)}${flag}`,
  );
}
const slowest = results.reduce((a, b) => (b.wall > a.wall ? b : a), { name: '-', wall: 0 });
console.log(
  `slowest: ${slowest.name} (${slowest.wall.toFixed(0)} ms); over ${TARGET_MS} ms: ${results.filter((r) => r.wall > TARGET_MS).length} of ${results.length}`,
);
console.log(
  `(1-minute load average ${loadavg()[0]!.toFixed(2)} at the end; other work on the machine slows every figure)`,
);
