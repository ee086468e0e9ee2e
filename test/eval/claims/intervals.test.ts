import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  bootstrapDifference, bootstrapMean, intervalText, meanOverSeeds, oneRun, pairedOverSeeds, percentileSorted, tQuantile, tTwoSidedCdf,
} from '../../../lib/eval/claims/intervals';

const near = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got}, expected ${want} ± ${tol}`);

test('t quantiles equal scipy.stats.t.ppf(0.975, df) (scipy 1.17.1), not 1.96', () => {
  const scipy: [number, number][] = [
    [1, 12.706204736174694], [2, 4.302652729749462], [3, 3.1824463052837078], [4, 2.7764451051977934],
    [5, 2.5705818356363146], [6, 2.4469118511449786], [7, 2.364624251592784], [8, 2.306004135204166],
    [9, 2.262157162798205], [10, 2.228138851986274], [19, 2.0930240544083087], [29, 2.045229642132703],
    [99, 1.9842169515864174], [999, 1.9623414611334493],
  ];
  for (const [df, q] of scipy) near(tQuantile(df), q, 1e-9 * q, `t(0.975, ${df})`);
  // Other coverages: t.ppf(0.995, 4) and t.ppf(0.9, 7) (two-sided 0.99 and 0.8).
  near(tQuantile(4, 0.99), 4.604094871349992, 1e-9, 't(0.995, 4)');
  near(tQuantile(7, 0.8), 1.4149239276505086, 1e-9, 't(0.9, 7)');
  // df = 1 is the Cauchy distribution: P(|T| ≤ 1) = 1/2 exactly; df = 2: P(|T| ≤ t) = t/√(2 + t²).
  near(tTwoSidedCdf(1, 1), 0.5, 1e-15, 'Cauchy');
  near(tTwoSidedCdf(3, 2), 3 / Math.sqrt(11), 1e-15, 'df 2');
  assert.throws(() => tQuantile(0), /degrees of freedom 0 must be an integer ≥ 1 \(n − 1 for n seeds/);
  assert.throws(() => tQuantile(4, 1), /coverage 1 must lie strictly between 0 and 1/);
});

test('meanOverSeeds: the Student-t interval scipy.stats.t.interval gives, with n and "seeds"', () => {
  // stats.t.interval(0.95, 4, loc=mean, scale=stats.sem(s)) for s below.
  const iv = meanOverSeeds([0.912, 0.905, 0.921, 0.899, 0.915]);
  near(iv.value, 0.9104, 1e-12, 'mean');
  near(iv.low, 0.8997332462318038, 1e-12, 'low');
  near(iv.high, 0.9210667537681964, 1e-12, 'high');
  assert.equal(iv.n, 5);
  assert.equal(iv.over, 'seeds');
  assert.equal(intervalText(iv), '0.91 [0.9, 0.921] (n = 5 seeds)');
  assert.throws(() => meanOverSeeds([0.9]), /at least 2 values, got 1; measure two or more independently seeded trainings/);
  assert.throws(() => meanOverSeeds([0.9, NaN]), /value 1 is NaN; every measurement must be a finite number/);
});

test('pairedOverSeeds is the t interval of the per-seed differences', () => {
  const adam = [0.95, 0.96, 0.94, 0.97, 0.95];
  const sgd = [0.91, 0.93, 0.92, 0.90, 0.94];
  const d = pairedOverSeeds(adam, sgd);
  assert.deepEqual(d, meanOverSeeds(adam.map((x, i) => x - sgd[i])));
  // scipy: stats.t.interval(0.95, 4, loc=d.mean(), scale=stats.sem(d)) of d = adam − sgd.
  near(d.value, 0.034, 1e-12, 'mean difference');
  near(d.low, 0.005414748090129727, 1e-12, 'low');
  near(d.high, 0.06258525190987016, 1e-12, 'high');
  assert.throws(() => pairedOverSeeds([1, 2, 3], [1, 2]), /3 values against 2; pass one value per seed to both/);
});

// A fixed sample; the reference intervals come from numpy once (python3, numpy 2.4.6): the same
// resample indices (lib/tensor/rng.ts's mulberry32 re-implemented in Python, seed 7, 2000 resamples)
// and np.percentile at 2.5 and 97.5. numpy's own generator with 200 000 resamples gives
// [0.766, 0.895] for the mean and [0.0852, 0.287] for the difference: the same interval up to resampling noise.
const a = [0.91, 0.85, 0.97, 0.42, 0.88, 0.93, 0.79, 0.99, 0.65, 0.87, 0.95, 0.71, 0.90, 0.83, 0.98, 0.55, 0.92, 0.89, 0.76, 0.96];
const b = [0.62, 0.81, 0.44, 0.70, 0.58, 0.93, 0.49, 0.66, 0.77, 0.35, 0.72, 0.60, 0.84, 0.51, 0.69];

test('bootstrapMean: the percentile interval numpy computes from the same resamples; seeded', () => {
  const iv = bootstrapMean(a, { seed: 7, resamples: 2000 });
  near(iv.value, 0.8355, 1e-12, 'mean');
  near(iv.low, 0.769, 1e-12, 'low');
  near(iv.high, 0.893, 1e-12, 'high');
  assert.equal(iv.n, 20);
  assert.equal(iv.over, 'images');
  assert.deepEqual(bootstrapMean(a, { seed: 7, resamples: 2000 }), iv, 'same seed, same interval');
  assert.notDeepEqual(bootstrapMean(a, { seed: 8, resamples: 2000 }), iv, 'another seed resamples otherwise');
  // The default 10 000 resamples land within resampling noise of numpy's 200 000.
  const many = bootstrapMean(a, { seed: 1 });
  near(many.low, 0.766, 0.004, 'low, 10 000 resamples');
  near(many.high, 0.895, 0.004, 'high, 10 000 resamples');
  assert.throws(() => bootstrapMean(a, { resamples: 10 }), /resamples 10 must be an integer ≥ 100/);
  assert.throws(() => bootstrapMean([1]), /at least 2 values, got 1; measure two or more images/);
});

test('bootstrapDifference: independent sets as numpy computes it; paired sets resample indices jointly', () => {
  const iv = bootstrapDifference(a, b, { seed: 7, resamples: 2000 });
  near(iv.value, 0.1881666666666667, 1e-12, 'difference');
  near(iv.low, 0.0894916666666668, 1e-12, 'low');
  near(iv.high, 0.2908374999999999, 1e-12, 'high');
  assert.equal(iv.n, 20);
  assert.equal(iv.n2, 15);
  assert.equal(intervalText(iv), '0.188 [0.0895, 0.291] (n = 20 + 15 images)');
  const paired = bootstrapDifference(a.slice(0, 15), b, { seed: 7, paired: true, resamples: 2000 });
  assert.deepEqual(paired, bootstrapMean(a.slice(0, 15).map((x, i) => x - b[i]), { seed: 7, resamples: 2000 }));
  assert.throws(() => bootstrapDifference(a, b, { paired: true }), /paired sets have 20 and 15 values/);
});

test('percentiles interpolate as numpy does; oneRun is a point with n = 1', () => {
  const s = [1, 2, 3, 4];
  assert.equal(percentileSorted(s, 0), 1);
  assert.equal(percentileSorted(s, 1), 4);
  near(percentileSorted(s, 0.025), 1.075, 1e-12, 'np.percentile([1,2,3,4], 2.5)');
  near(percentileSorted(s, 0.975), 3.925, 1e-12, 'np.percentile([1,2,3,4], 97.5)');
  assert.deepEqual(oneRun(3), { value: 3, low: 3, high: 3, n: 1, over: 'one run' });
  assert.equal(intervalText(oneRun(0.123456)), '0.123 (n = 1, one run)');
  assert.throws(() => oneRun(Infinity), /value 0 is Infinity/);
});
