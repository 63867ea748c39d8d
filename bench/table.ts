// Prints results as an aligned text table (terminal) or a Markdown table (docs).
import type { BenchResult, SkippedEntry, Target } from './results';

/** A number with about three significant digits, without exponent notation. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function formatRatio(value: number | null): string {
  return value === null ? '–' : `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

export function formatTarget(target: Target, unit: string): string {
  const op = target.op === '<=' ? '≤' : target.op === '>=' ? '≥' : '<';
  return target.of === 'ratio' ? `${op} ${target.limit}×` : `${op} ${target.limit} ${unit}`;
}

const HEADER = ['entry', 'value', 'min–max', 'baseline', 'baseline value', 'ratio', 'target', 'met', 'reps'];

function row(r: BenchResult): string[] {
  const baselineValue = r.baselineValue === null ? '–' : `${formatNumber(r.baselineValue)} ${r.unit}`;
  return [
    r.name,
    `${formatNumber(r.value)} ${r.unit}`,
    `${formatNumber(r.min)}–${formatNumber(r.max)}`,
    r.baseline ?? '–',
    baselineValue,
    formatRatio(r.ratio),
    (r.targets ?? []).map((t) => formatTarget(t, r.unit)).join(' and '),
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    String(r.reps),
  ];
}

/** Aligned columns for a terminal, followed by one line per skipped entry with its reason. */
export function formatTable(results: readonly BenchResult[], skipped: readonly SkippedEntry[]): string {
  const rows = [HEADER, ...results.map(row)];
  const widths = HEADER.map((_, col) => Math.max(...rows.map((r) => [...r[col]!].length)));
  const lines = rows.map((r) =>
    r
      .map((cell, col) => cell + ' '.repeat(widths[col]! - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  for (const s of skipped) lines.push(`${s.name}: not measured: ${s.reason}`);
  return lines.join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function formatMarkdown(results: readonly BenchResult[], skipped: readonly SkippedEntry[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  const line = (cells: string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  for (const r of results) lines.push(line(row(r)));
  for (const s of skipped) lines.push(line([s.name, `not measured: ${s.reason}`, ...HEADER.slice(2).map(() => '')]));
  return lines.join('\n');
}
