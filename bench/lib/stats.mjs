// Latency samples kept whole (a run is at most a few hundred thousand requests), so percentiles
// are exact and sub-millisecond, unlike autocannon's own 1 ms histogram.

export class Samples {
  constructor(capacity = 1 << 16) {
    this.values = new Float64Array(capacity);
    this.length = 0;
  }

  push(value) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }

  /** count, mean and the usual percentiles, in the unit pushed (ms here); nulls when empty. */
  summary() {
    const sorted = this.values.slice(0, this.length).sort();
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      count: sorted.length,
      mean: sorted.length ? round(sum / sorted.length) : null,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length ? round(sorted[sorted.length - 1]) : null,
    };
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]);
}

export const round = (value, digits = 2) => (value === null || value === undefined || Number.isNaN(value) ? null : Number(value.toFixed(digits)));

/** a / b rounded, or null when either is missing. */
export const ratio = (a, b) => (a && b ? round(a / b, 3) : null);
