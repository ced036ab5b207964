// Small statistics and formatting helpers for the report.

/** Median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** An operation rate, e.g. `1,234,567`; very small rates keep one decimal. */
export function rate(value) {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 100 ? value.toFixed(1) : integer.format(value);
}

/** A count with thousands separators. */
export const count = (value) => integer.format(value);

/** A ratio such as `0.42×`. */
export const ratio = (value) => (Number.isFinite(value) ? `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×` : 'n/a');

/** A duration given in seconds, in a readable unit. */
export function duration(seconds) {
  if (seconds >= 100) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds >= 1) return `${seconds.toFixed(2)} s`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(1)} ms`;
  return `${(seconds * 1e6).toFixed(0)} µs`;
}

/** Microseconds per call, from calls per second. */
export const micros = (perSecond) => (Number.isFinite(perSecond) ? (1e6 / perSecond).toFixed(2) : 'n/a');

/** Bytes in a readable unit. */
export function bytes(value) {
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value.toFixed(0)} B`;
}

/**
 * A plain-text table: `rows` are arrays of cells; the first column is left-aligned, the
 * others right-aligned.
 */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row) => row
    .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
    .join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
