// `npx tsx bench/lib/profile.ts FILE.cpuprofile [N]`: the N functions (default 30) with the most self time in a
// V8 CPU profile (as written by `npm run bench -- --cpu-prof DIR`), the files that spend the most time, and the
// functions with the most time including what they call (where a cost comes from).
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, count = '30'] = process.argv.slice(2);
if (!file) {
  console.error('Usage: npx tsx bench/lib/profile.ts FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
function nameOf(id: number): { name: string; where: string } {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = url.replace(/^file:\/\//, '').replace(process.cwd(), '.');
  return { name: `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim(), where };
}
// Time on the stack: each sample counts once for every function it is inside.
const inclusive = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const { name } = nameOf(at);
    if (name === '(root)' || seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  }
}
for (const [id, micros] of selfMicros) {
  const { name, where } = nameOf(id);
  const { functionName } = byId.get(id)!.callFrame;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const group = where.includes('node_modules/')
    ? where.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
    : where || functionName;
  byFile.set(group, (byFile.get(group) ?? 0) + micros);
}
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
console.log(`${(total / 1e6).toFixed(1)} s sampled\n\nSelf time by function:\n${top(byFunction, Number(count))}`);
console.log(`\nSelf time by package or file:\n${top(byFile, 20)}`);
console.log(`\nTime including callees, by function:\n${top(inclusive, Number(count))}`);
