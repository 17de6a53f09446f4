/** Plain-text tables: benches print figures for people to read, they never assert timings. */
export type Cell = string | number;

export function printTable(title: string, header: readonly string[], rows: readonly (readonly Cell[])[], notes: readonly string[] = []): void {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = header.map((name, column) => Math.max(name.length, ...text.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    '| ' + cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ') + ' |';
  console.log(`\n${title}`);
  console.log(line(header));
  console.log('|' + widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : '-'.repeat(width + 1) + ':')).join('|') + '|');
  for (const row of text) console.log(line(row));
  for (const note of notes) console.log(`  ${note}`);
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)} %`;
export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
