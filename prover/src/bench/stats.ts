/** Median of samples (mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Spread of samples: max - min. */
export function spread(samples: readonly number[]): number {
  return Math.max(...samples) - Math.min(...samples);
}

/** Median absolute deviation, a robust spread that one slow outlier does not move. */
export function mad(samples: readonly number[]): number {
  const center = median(samples);
  return median(samples.map((sample) => Math.abs(sample - center)));
}

/** Summary of repeated timings. */
export interface Timing {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Median absolute deviation. */
  readonly mad: number;
  readonly samples: readonly number[];
}

/** Summarises repeated timings (milliseconds, rounded to 0.1). */
export function timing(samples: readonly number[]): Timing {
  const round = (value: number) => Math.round(value * 10) / 10;
  return { median: round(median(samples)), min: round(Math.min(...samples)), max: round(Math.max(...samples)), mad: round(mad(samples)), samples: samples.map(round) };
}

/** Least-squares slope of y on x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxy / sxx;
}

/** Slope of log(y) against log(x): the exponent k of y ~ x^k. */
export function logLogSlope(points: readonly (readonly [number, number])[]): number {
  return slope(points.filter(([x, y]) => x > 0 && y > 0).map(([x, y]) => [Math.log(x), Math.log(y)] as const));
}
