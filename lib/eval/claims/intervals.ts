import { makeRng } from '../../tensor/rng';
import { ValueRangeError } from '../../tensor/guards';
import { runContext } from '../../run-context';
import { mean } from '../stats';

/**
 * 95 % intervals whose uncertainty matches the claim (issue 22): a claim about a training recipe is
 * measured over independently seeded trainings (Student-t interval over seeds); a claim about one
 * fixed model, over the images it is tested on (seeded percentile bootstrap). Every interval carries
 * its n and what it is over, so the ledger can print "n = 5 seeds" beside it.
 */
export interface Interval {
  /** The point estimate: a mean, or a difference of means. */
  value: number;
  low: number;
  high: number;
  /** Seeds or images behind the interval (for two independent image sets: the first set's). */
  n: number;
  /** The second image set's size, for a difference of two independent sets. */
  n2?: number;
  /**
   * 'seeds': independently seeded trainings; 'images': a bootstrap over the test images of one
   * fixed model; 'one run': a number without sampling noise (low = high = value, n = 1).
   */
  over: 'seeds' | 'images' | 'one run';
}

/** Two-sided coverage of every interval here. */
export const LEVEL = 0.95;

function checkValues(v: ArrayLike<number>, what: string, min: number): void {
  if (v.length < min) throw new ValueRangeError(`${what} needs at least ${min} values, got ${v.length}; measure ${min === 2 ? 'two or more' : min} ${what.includes('seed') ? 'independently seeded trainings' : 'images'}.`);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new ValueRangeError(`${what}: value ${i} is ${v[i]}; every measurement must be a finite number (check the run that produced it).`);
  }
}

/**
 * P(|T| ≤ t) for Student's t with an integer df, by the finite series of Abramowitz & Stegun 26.7.3–4
 * (exact up to rounding, no special functions): θ = atan(t/√df), then a sum of df/2 powers of cos θ.
 */
export function tTwoSidedCdf(t: number, df: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (df % 2 === 0) {
    // sin θ · (1 + ½cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^(df−2)θ)
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= df - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return s * sum;
  }
  // (2/π)(θ + sin θ cos θ · (1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + … up to cos^(df−3)θ)); df = 1: 2θ/π
  if (df === 1) return (2 / Math.PI) * theta;
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 3; k += 2) {
    term *= (k / (k + 1)) * c2;
    sum += term;
  }
  return (2 / Math.PI) * (theta + s * Math.sqrt(c2) * sum);
}

/**
 * The t quantile with P(|T| ≤ q) = coverage for integer df ≥ 1 (coverage 0.95: scipy's
 * t.ppf(0.975, df), 12.706 for df = 1, 2.776 for df = 4), by bisection on the exact CDF.
 */
export function tQuantile(df: number, coverage = LEVEL): number {
  if (!(Number.isInteger(df) && df >= 1)) throw new ValueRangeError(`tQuantile: degrees of freedom ${df} must be an integer ≥ 1 (n − 1 for n seeds, n ≥ 2).`);
  if (!(coverage > 0 && coverage < 1)) throw new ValueRangeError(`tQuantile: coverage ${coverage} must lie strictly between 0 and 1 (e.g. 0.95).`);
  let lo = 0;
  let hi = 1;
  while (tTwoSidedCdf(hi, df) < coverage) hi *= 2;
  // 200 halvings reach the float's resolution; stop early once the bracket stops shrinking.
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (tTwoSidedCdf(mid, df) < coverage) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Sample variance (n − 1 in the denominator), two passes for accuracy. */
function sampleVariance(v: ArrayLike<number>, m: number): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return s / (v.length - 1);
}

/**
 * Mean over independently seeded trainings (one value per seed, n ≥ 2) with its Student-t 95 %
 * interval: mean ± t(0.975, n − 1) · s/√n. For a claim about a recipe, n ≥ 5 (the ledger says so).
 */
export function meanOverSeeds(values: ArrayLike<number>): Interval {
  checkValues(values, 'meanOverSeeds (one value per seed)', 2);
  const m = mean(values);
  const half = tQuantile(values.length - 1) * Math.sqrt(sampleVariance(values, m) / values.length);
  return { value: m, low: m - half, high: m + half, n: values.length, over: 'seeds' };
}

/**
 * a − b over seeds, paired: a[i] and b[i] come from trainings with the same seed (same data order,
 * same init), e.g. the Adam- and the SGD-trained classifier of seed i. The t interval of the differences.
 */
export function pairedOverSeeds(a: ArrayLike<number>, b: ArrayLike<number>): Interval {
  if (a.length !== b.length) throw new ValueRangeError(`pairedOverSeeds: ${a.length} values against ${b.length}; pass one value per seed to both, in the same seed order.`);
  return meanOverSeeds(Array.from(a, (v, i) => v - b[i]));
}

export interface BootstrapOptions {
  /** Seed of the resampling (default: the run's seed, MNIST_LAB_SEED). */
  seed?: number;
  /** Resamples (default 10 000: the 2.5 % and 97.5 % points then move by ~0.01 standard errors between seeds). */
  resamples?: number;
}

/** numpy's default percentile (linear interpolation between order statistics) of sorted values. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

function bootstrapSetup(o: BootstrapOptions): { rng: ReturnType<typeof makeRng>; resamples: number } {
  const resamples = o.resamples ?? 10_000;
  if (!(Number.isInteger(resamples) && resamples >= 100)) throw new ValueRangeError(`bootstrap resamples ${resamples} must be an integer ≥ 100 (default 10 000); pass { resamples } or leave it out.`);
  const seed = o.seed ?? runContext().seed;
  if (!(Number.isInteger(seed) && seed >= 0)) throw new ValueRangeError(`bootstrap seed ${seed} must be an integer ≥ 0; pass { seed } or set MNIST_LAB_SEED.`);
  return { rng: makeRng(seed), resamples };
}

/** The percentile interval of resampled statistics around the full sample's `value`. */
function percentileInterval(stats: Float64Array, value: number): { value: number; low: number; high: number } {
  stats.sort();
  const tail = (1 - LEVEL) / 2;
  return { value, low: percentileSorted(stats, tail), high: percentileSorted(stats, 1 - tail) };
}

/** Mean of one resample (n draws with replacement) of v, drawing indices from rng. */
function resampleMean(v: ArrayLike<number>, rng: ReturnType<typeof makeRng>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[rng.int(v.length)];
  return s / v.length;
}

/**
 * Mean over the images of one fixed model (one value per image, e.g. the judge's probability of the
 * intended digit) with a seeded 95 % percentile bootstrap interval. Same seed, same interval.
 */
export function bootstrapMean(values: ArrayLike<number>, o: BootstrapOptions = {}): Interval {
  checkValues(values, 'bootstrapMean (one value per image)', 2);
  const { rng, resamples } = bootstrapSetup(o);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) stats[r] = resampleMean(values, rng);
  return { ...percentileInterval(stats, mean(values)), n: values.length, over: 'images' };
}

/**
 * mean(a) − mean(b) for two sets of images with a seeded 95 % percentile bootstrap. Independent sets
 * (two methods' samples) are resampled separately; `paired: true` (a[i], b[i] from the same image,
 * e.g. one image scored two ways) resamples image indices jointly and needs equal lengths.
 */
export function bootstrapDifference(a: ArrayLike<number>, b: ArrayLike<number>, o: BootstrapOptions & { paired?: boolean } = {}): Interval {
  checkValues(a, 'bootstrapDifference, first set (one value per image)', 2);
  checkValues(b, 'bootstrapDifference, second set (one value per image)', 2);
  if (o.paired) {
    if (a.length !== b.length) throw new ValueRangeError(`bootstrapDifference: paired sets have ${a.length} and ${b.length} values; pass one value per image to both, or leave out paired for independent sets.`);
    return bootstrapMean(Array.from(a, (v, i) => v - b[i]), o);
  }
  const { rng, resamples } = bootstrapSetup(o);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) stats[r] = resampleMean(a, rng) - resampleMean(b, rng);
  return { ...percentileInterval(stats, mean(a) - mean(b)), n: a.length, n2: b.length, over: 'images' };
}

/**
 * A number without sampling noise to speak of: a deterministic computation on fixed inputs (an SVD's
 * rank, an exact reconstruction error). Never for a training recipe (use meanOverSeeds) or a set of
 * images (use bootstrapMean): the ledger prints it as "n = 1, one run".
 */
export function oneRun(value: number): Interval {
  checkValues([value], 'oneRun', 1);
  return { value, low: value, high: value, n: 1, over: 'one run' };
}

/** "n = 5 seeds", "n = 500 images", "n = 500 + 500 images", "n = 1, one run". */
export function nText(iv: Interval): string {
  if (iv.over === 'one run') return 'n = 1, one run';
  return `n = ${iv.n}${iv.n2 !== undefined ? ` + ${iv.n2}` : ''} ${iv.over}`;
}

/**
 * "0.812 [0.790, 0.833] (n = 5 seeds)": the value, its 95 % interval and n, to `digits` significant
 * digits (withN false: without the n, for a second number over the same set printed beside the first).
 */
export function intervalText(iv: Interval, digits = 3, withN = true): string {
  const f = (x: number) => String(Number(x.toPrecision(digits)));
  const n = withN ? ` (${nText(iv)})` : '';
  return iv.over === 'one run' ? `${f(iv.value)}${n}` : `${f(iv.value)} [${f(iv.low)}, ${f(iv.high)}]${n}`;
}
