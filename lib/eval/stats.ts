import { ValueRangeError } from '../tensor/guards';

/**
 * Small statistics of number lists, shared by the notebooks' tables and verdicts. Each sums left to
 * right in one pass, so a notebook that used to compute it inline gets the same bits.
 */

const checkPaired = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
  if (a.length !== b.length || a.length < 2) throw new ValueRangeError(`${what} needs two lists of equal length ≥ 2, got ${a.length} and ${b.length}; pass one value per item to both.`);
};

/** Arithmetic mean; NaN for an empty list. */
export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * Pearson's correlation of two paired lists. `eps` is added under the square root, for lists that
 * may be constant (e.g. a blank image's pixels), where the plain formula divides 0 by 0.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, eps = 0): number {
  checkPaired(a, b, 'pearson');
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb + eps);
}

export interface PairedDifference {
  /** Mean of a[i] − b[i]. */
  mean: number;
  /** Half-width of the normal 95 % interval of that mean: 1.96 · √(s² / n), s² the sample variance. */
  ci95: number;
  /** 1 when the interval lies above 0, −1 below, 0 when it contains 0. */
  sign: -1 | 0 | 1;
}

/** The paired difference a − b of two measurements of the same items (e.g. the same tiles judged twice). */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): PairedDifference {
  checkPaired(a, b, 'pairedDifference');
  const d = Array.from(a, (v, i) => v - b[i]);
  const m = d.reduce((s, v) => s + v, 0) / d.length;
  const ci95 = 1.96 * Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / (d.length - 1) / d.length);
  return { mean: m, ci95, sign: m - ci95 > 0 ? 1 : m + ci95 < 0 ? -1 : 0 };
}

/** Trailing moving average over the last k values (fewer at the start), e.g. to smooth a loss curve. */
export function movingAverage(v: readonly number[], k = 20): number[] {
  if (!(Number.isInteger(k) && k >= 1)) throw new ValueRangeError(`movingAverage window ${k} must be a positive integer (e.g. 20).`);
  return v.map((_, i) => {
    const w = v.slice(Math.max(0, i - k + 1), i + 1);
    return w.reduce((p, q) => p + q, 0) / w.length;
  });
}

/** Smallest and largest value ([Infinity, −Infinity] for an empty list). */
export function extent(v: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  return [lo, hi];
}

/** "[lo, hi]" with `digits` decimals, e.g. a pixel range in a notebook's summary line. */
export const rangeText = (v: ArrayLike<number>, digits = 2): string => {
  const [lo, hi] = extent(v);
  return `[${lo.toFixed(digits)}, ${hi.toFixed(digits)}]`;
};
