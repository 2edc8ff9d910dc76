// `npm run bench:lighthouse`: Lighthouse's four category scores for the frontpage and the longest demo post with
// math, on desktop (Lighthouse's desktop config) and mobile (its default config), with the render-blocking
// savings of each page and, for a category under the target, the audits that cost it points. Prints only: no
// test asserts these scores.
// Usage: npm run bench:lighthouse -- [--runs 1] [--reports DIR]
// Starts Lyceum with the demo forum on PGlite in a new temporary DATA_DIR (as a first `npm start` would) and
// audits it in headless Chromium (CHROMIUM_PATH, /usr/bin/chromium by default). --reports writes each run's HTML
// and JSON reports there. Performance is measured with simulated throttling, but still moves with other load on
// the machine: run again (or with --runs 3) when a figure looks off.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launch } from 'chrome-launcher';
import lighthouse, { desktopConfig, type Result } from 'lighthouse';
import { demoPosts } from '../src/demo/content.js';
import { postSlug } from '../src/posts/slug.js';
import { serverArgs } from './lib/lyceum.js';
import { startProcess, stopProcess } from './lib/processes.js';

/** The issue's target, on Lighthouse's 0–100 scale, in every category. */
const TARGET_SCORE = 95;
/** The issue's bound on the post page's render-blocking opportunity. */
const RENDER_BLOCKING_BUDGET_MS = 100;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const FORM_FACTORS = ['desktop', 'mobile'] as const;
/** A performance audit scoring below this is listed when the category misses the target (Lighthouse's "pass"). */
const PERFORMANCE_AUDIT_PASS = 0.9;
/** Offending elements or URLs listed per audit. */
const ITEMS_SHOWN = 8;

interface Page {
  name: string;
  url: string;
}

interface Run {
  page: Page;
  formFactor: (typeof FORM_FACTORS)[number];
  /** Counted from 1, per page and form factor (see --runs). */
  run: number;
  lhr: Result;
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1' }, reports: { type: 'string' } },
});
const runs = Number(values.runs);
if (!(Number.isInteger(runs) && runs > 0)) {
  console.error('--runs must be a positive whole number.');
  process.exit(2);
}

/** A port nothing listens on now, so the server's BASE_URL (and the canonical links it prints) can name it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The frontpage and the demo post with the longest Markdown among those whose page shows math (a "$" in the
 * Markdown may be a price), found through the frontpage's links.
 */
async function findPages(base: string): Promise<Page[]> {
  const frontpage = await (await fetch(`${base}/`)).text();
  const candidates = demoPosts.filter((post) => post.body.includes('$')).sort((a, b) => b.body.length - a.body.length);
  for (const post of candidates) {
    const href = frontpage.match(new RegExp(`href="(/posts/[^/"]+/${postSlug(post.title)})"`))?.[1];
    if (!href || !(await (await fetch(base + href)).text()).includes('class="katex"')) continue;
    return [
      { name: 'frontpage', url: `${base}/` },
      { name: `post "${post.key}" (${post.body.length} chars)`, url: base + href },
    ];
  }
  throw new Error('The frontpage links to no demo post with math.');
}

const label = (r: Run) => (runs > 1 ? `${r.formFactor} #${r.run}` : r.formFactor);

const score = (lhr: Result, category: string) => {
  const value = lhr.categories[category]?.score;
  return value == null ? NaN : Math.round(value * 100);
};
const scoreOf = (lhr: Result) => CATEGORIES.map((c) => score(lhr, c));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/**
 * One row per run, with Lighthouse's CPU benchmark of the machine during it (lower when other work competes, and
 * then performance scores drop); with --runs, one more row per page and form factor for each column's median.
 */
function scoreTable(results: Run[]): string {
  const header = ['page', 'form factor', ...CATEGORIES, 'cpu benchmark'];
  const row = (page: string, form: string, scores: number[], cpu: number) => [
    page,
    form,
    ...scores.map((s) => (s < TARGET_SCORE ? `${s} ✗` : String(s))),
    String(Math.round(cpu)),
  ];
  const rows = results.map((r) => row(r.page.name, label(r), scoreOf(r.lhr), r.lhr.environment.benchmarkIndex));
  if (runs > 1) {
    for (const page of new Set(results.map((r) => r.page))) {
      for (const formFactor of FORM_FACTORS) {
        const same = results.filter((r) => r.page === page && r.formFactor === formFactor);
        const scores = CATEGORIES.map((_, i) => median(same.map((r) => scoreOf(r.lhr)[i]!)));
        rows.push(
          row(page.name, `${formFactor} median`, scores, median(same.map((r) => r.lhr.environment.benchmarkIndex))),
        );
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

type Item = Record<string, unknown>;

/** What an audit's table row points at: an element (selector, snippet, what is wrong), a URL, or its values. */
function describeItem(item: Item): string {
  const node = (item.node ?? item.element) as { selector?: string; snippet?: string; explanation?: string } | undefined;
  const parts: string[] = [];
  if (node?.selector) parts.push(node.selector);
  if (node?.snippet) parts.push(node.snippet.slice(0, 160));
  if (node?.explanation) parts.push(`— ${node.explanation.split('\n').slice(1).join(' ').trim()}`);
  if (typeof item.url === 'string') parts.push(item.url);
  if (typeof item.source === 'object' && item.source && 'url' in item.source) parts.push(String(item.source.url));
  if (typeof item.description === 'string') parts.push(item.description);
  if (typeof item.totalBytes === 'number') parts.push(`${(item.totalBytes / 1024).toFixed(1)} KB`);
  if (typeof item.wastedMs === 'number') parts.push(`${Math.round(item.wastedMs)} ms`);
  if (parts.length === 0) {
    const values = Object.values(item).filter((v) => typeof v === 'string' || typeof v === 'number');
    parts.push(...values.slice(0, 3).map((v) => (typeof v === 'number' ? String(Math.round(v)) : v)));
  }
  return parts.join('  ');
}

function auditItems(audit: Result['audits'][string]): Item[] {
  const details = audit.details as { items?: Item[] } | undefined;
  // Some audits (color contrast, best-practices' console errors) nest their rows one level down.
  // Rows carrying a `type` are nested details (an insight's list sections), not offending elements or URLs.
  const rows = (details?.items ?? []).filter((item) => typeof item.type !== 'string');
  return rows.flatMap((item) => {
    const sub = (item.subItems as { items?: Item[] } | undefined)?.items;
    return sub && !item.node && !item.url ? sub : [item];
  });
}

/** One audit that failed on a page, with the runs it failed on and the elements or URLs it named first. */
interface Failure {
  heading: string;
  runs: string[];
  items: string[];
}

/**
 * Adds the audits a run fails to its page's list: in accessibility, best practices and SEO any of them; in
 * performance, when that category misses the target, the metrics and diagnostics under Lighthouse's pass mark
 * (the hidden "insight" audits aside, which repeat them).
 */
function collectFailures(run: Run, failures: Map<string, Failure>): void {
  const { lhr } = run;
  for (const category of CATEGORIES) {
    const isPerformance = category === 'performance';
    if (isPerformance && score(lhr, category) >= TARGET_SCORE) continue;
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (!audit || audit.score === null || audit.scoreDisplayMode === 'informative' || ref.group === 'hidden') {
        continue;
      }
      if (audit.score >= (isPerformance ? PERFORMANCE_AUDIT_PASS : 1)) continue;
      const where = `${label(run)}${audit.displayValue ? ` (${audit.displayValue})` : ''}`;
      const known = failures.get(ref.id);
      if (known) {
        known.runs.push(where);
        continue;
      }
      const items = auditItems(audit);
      failures.set(ref.id, {
        heading: `[${category}] ${ref.id}: ${audit.title} (weight ${ref.weight})`,
        runs: [where],
        items: [
          ...items.slice(0, ITEMS_SHOWN).map(describeItem),
          ...(items.length > ITEMS_SHOWN ? [`… and ${items.length - ITEMS_SHOWN} more`] : []),
        ],
      });
    }
  }
}

/** The render-blocking-resources opportunity: its estimated FCP savings (and LCP's), and the resources it names. */
function renderBlocking(lhr: Result): string {
  const audit = lhr.audits['render-blocking-resources'];
  if (!audit) return 'audit not run';
  const savingsMs = Math.round(audit.numericValue ?? 0);
  const lcpMs = Math.round(audit.metricSavings?.LCP ?? 0);
  const verdict = savingsMs < RENDER_BLOCKING_BUDGET_MS ? 'under' : 'OVER';
  const items = auditItems(audit).map((item) => `\n      ${describeItem(item)}`);
  return `FCP ${savingsMs} ms (${verdict} ${RENDER_BLOCKING_BUDGET_MS} ms), LCP ${lcpMs} ms${items.join('') || ', no resources'}`;
}

const port = await freePort();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-lighthouse-'));
console.log(`Load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores; starting Lyceum with the demo…`);
const app = await startProcess(
  serverArgs(),
  {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    LYCEUM_DEMO: '1',
    BASE_URL: undefined,
    DATABASE_URL: undefined,
    DATABASE_READ_URL: undefined,
  },
  /running at (http:\/\/\S+)/,
);
const chrome = await launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--disable-gpu', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  logLevel: 'error',
});
const results: Run[] = [];
let browserVersion = '';
try {
  const devtools = await fetch(`http://127.0.0.1:${chrome.port}/json/version`);
  browserVersion = ((await devtools.json()) as { Browser: string }).Browser;
  const pages = await findPages(app.match[1]!);
  for (const page of pages) {
    for (const formFactor of FORM_FACTORS) {
      for (let i = 0; i < runs; i++) {
        const config = formFactor === 'desktop' ? desktopConfig : undefined;
        const flags = { port: chrome.port, logLevel: 'error' as const, output: ['html' as const, 'json' as const] };
        const result = await lighthouse(page.url, flags, config);
        if (!result) throw new Error(`Lighthouse returned nothing for ${page.url}`);
        if (result.lhr.runtimeError) throw new Error(`${page.url}: ${result.lhr.runtimeError.message}`);
        results.push({ page, formFactor, run: i + 1, lhr: result.lhr });
        console.log(`${page.name}, ${formFactor} #${i + 1}: ${scoreOf(result.lhr).join(' / ')}`);
        if (values.reports) {
          fs.mkdirSync(values.reports, { recursive: true });
          const [html, json] = result.report as string[];
          const file = path.join(values.reports, `${page.name.split(' ')[0]}-${formFactor}-${i + 1}`);
          fs.writeFileSync(`${file}.html`, html!);
          fs.writeFileSync(`${file}.json`, json!);
        }
      }
    }
  }
} finally {
  chrome.kill();
  await stopProcess(app.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const [first] = results;
console.log(
  `\nLighthouse ${first?.lhr.lighthouseVersion} on ${browserVersion}, load average now ${os.loadavg()[0]!.toFixed(2)}` +
    `; target ${TARGET_SCORE} in every category (✗ below it):\n`,
);
console.log(scoreTable(results));
console.log('\nRender-blocking resources (opportunity savings):');
for (const r of results) console.log(`  ${r.page.name}, ${label(r)}: ${renderBlocking(r.lhr)}`);
for (const page of new Set(results.map((r) => r.page))) {
  const failures = new Map<string, Failure>();
  for (const run of results.filter((r) => r.page === page)) collectFailures(run, failures);
  if (failures.size === 0) continue;
  console.log(`\nFailing audits, ${page.name} (elements and URLs as the first failing run found them):`);
  for (const failure of failures.values()) {
    console.log(`  ${failure.heading}\n    failed on: ${failure.runs.join(', ')}`);
    for (const item of failure.items) console.log(`      ${item}`);
  }
}
if (values.reports) console.log(`\nHTML and JSON reports in ${values.reports}`);
