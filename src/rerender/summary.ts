import type { RerenderReport, TableOutcome } from './rerender.js';

const count = (n: number) => n.toLocaleString('en');

/** A table's outcome in one line: rows, how many changed and in which columns, unchanged, skipped, failed. */
export function describeOutcome(outcome: TableOutcome, dryRun: boolean): string {
  const changedColumns = Object.entries(outcome.columns)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${count(n)}`);
  const parts = [
    `${count(outcome.changed)} ${dryRun ? 'would change' : 'changed'}` +
      (changedColumns.length ? ` (${changedColumns.join(', ')})` : ''),
    `${count(outcome.unchanged)} unchanged`,
  ];
  if (outcome.skipped) parts.push(`${count(outcome.skipped)} edited meanwhile (their own save rendered them)`);
  if (outcome.failed) parts.push(`${count(outcome.failed)} failed`);
  return `${outcome.label.padEnd(17)} ${count(outcome.rows).padStart(9)} rows: ${parts.join(', ')}`;
}

/** The summary the command prints: a line per table, the diffs, the rows that failed. */
export function summarize(report: RerenderReport): string[] {
  const { dryRun } = report;
  const lines = report.tables.map((t) => `  ${describeOutcome(t, dryRun)}`);
  const { missing, filled } = report.diffs;
  lines.push(
    `  ${'revision diffs'.padEnd(17)} ${count(missing).padStart(9)} missing: ` +
      (dryRun ? `${count(missing)} would be filled` : `${count(filled)} filled`),
  );
  if (dryRun) {
    for (const t of report.tables) {
      if (t.examples.length === 0) continue;
      const more = t.changed > t.examples.length ? ` and ${count(t.changed - t.examples.length)} more` : '';
      lines.push(`  ${t.label} that would change: ${t.examples.join(', ')}${more}`);
    }
  }
  return lines;
}
