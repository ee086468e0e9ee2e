import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Matrix } from 'ml-matrix';
import { frechetDistance, frechetFromFeatures, gaussianStats, GaussianStats, sqrtmSymmetric, statsFromJson, statsToJson } from '../../lib/eval/frechet';
import { ShapeError } from '../../lib/tensor/guards';
import { makeRng } from '../../lib/tensor/rng';

const stats = (mean: number[], cov: number[][]): GaussianStats => ({ n: 100, mean: Float64Array.from(mean), cov: new Matrix(cov) });
const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** A random rotation (QR of a Gaussian matrix via Gram–Schmidt), seeded. */
function rotation(d: number, seed: number): Matrix {
  const rng = makeRng(seed);
  const q = new Matrix(d, d);
  for (let j = 0; j < d; j++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i] * q.get(i, k);
      for (let i = 0; i < d; i++) v[i] -= dot * q.get(i, k);
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) q.set(i, j, v[i] / norm);
  }
  return q;
}
const withEigen = (q: Matrix, lambdas: number[]) => q.mmul(Matrix.diag(lambdas)).mmul(q.transpose());

test('1-D closed form: d² = (μ1 − μ2)² + (σ1 − σ2)²', () => {
  close(frechetDistance(stats([1], [[4]]), stats([3], [[9]])), 4 + 1);
  close(frechetDistance(stats([0], [[2.25]]), stats([0], [[0.25]])), 1);
});

test('diagonal covariances: d² = ‖μ1 − μ2‖² + Σ (√a_i − √b_i)²', () => {
  const a = [1, 4, 9, 0.5];
  const b = [4, 4, 1, 2];
  const ma = [1, 0, 2, 0];
  const mb = [0, 1, 0, 2];
  const want = ma.reduce((s, m, i) => s + (m - mb[i]) ** 2, 0) + a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
  close(frechetDistance(stats(ma, Matrix.diag(a).to2DArray()), stats(mb, Matrix.diag(b).to2DArray())), want);
});

test('full, non-commuting covariances: against I, d² = Σ (1 − √λ_i)²; symmetric; zero to itself', () => {
  const d = 6;
  const lambdas = [0.1, 0.5, 1, 2, 3, 7];
  const c2 = withEigen(rotation(d, 1), lambdas);
  const id = Matrix.eye(d).to2DArray();
  close(frechetDistance(stats(new Array(d).fill(0), id), stats(new Array(d).fill(0), c2.to2DArray())), lambdas.reduce((s, l) => s + (1 - Math.sqrt(l)) ** 2, 0), 1e-8);
  const c1 = withEigen(rotation(d, 2), [1, 1.5, 0.2, 4, 0.3, 2]);
  const a = stats([1, 2, 3, 0, 0, 1], c1.to2DArray());
  const b = stats([0, 2, 1, 0, 1, 1], c2.to2DArray());
  close(frechetDistance(a, b), frechetDistance(b, a), 1e-8);
  assert.ok(frechetDistance(a, b) > 0);
  close(frechetDistance(a, a), 0, 1e-8);
});

test('sqrtmSymmetric squares back and clips round-off negatives of a rank-deficient matrix', () => {
  const c = withEigen(rotation(5, 3), [0, 0, 1, 2, 5]);
  const r = sqrtmSymmetric(c);
  const back = r.mmul(r);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) close(back.get(i, j), c.get(i, j), 1e-8);
});

test('gaussianStats: sample mean and (n − 1) covariance of hand-made rows; no tensor leaks', () => {
  const before = tf.memory().numTensors;
  const s = gaussianStats([[0, 0], [2, 0], [0, 2], [2, 2]]);
  assert.deepEqual(Array.from(s.mean), [1, 1]);
  close(s.cov.get(0, 0), 4 / 3, 1e-6);
  close(s.cov.get(0, 1), 0, 1e-6);
  close(s.cov.get(1, 1), 4 / 3, 1e-6);
  const x = tf.tensor2d([[1, 2], [3, 5], [0, 1]]);
  const d = frechetFromFeatures(x, [[1, 2], [3, 5], [0, 1]]);
  close(d, 0, 1e-5);
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
  const back = statsFromJson(JSON.parse(JSON.stringify(statsToJson(s))));
  assert.deepEqual(back.cov.to2DArray(), s.cov.to2DArray());
});

test('bad input names the problem', () => {
  assert.throws(() => gaussianStats([[1, 2]]), ShapeError);
  assert.throws(() => frechetDistance(stats([0], [[1]]), stats([0, 0], [[1, 0], [0, 1]])), /1-D and 2-D features/);
});

test('fewer samples than dimensions: the n × n route gives the d × d route\'s distance, either argument order', () => {
  const rng = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  const r = rng(11);
  const rows = (n: number, d: number, shift: number) => Array.from({ length: n }, () => Array.from({ length: d }, (_, j) => r() * (1 + j / d) + shift));
  const small = gaussianStats(rows(12, 40, 0.1)); // n ≤ d: has a factor
  const big = gaussianStats(rows(100, 40, 0)); // n > d: full covariance only
  assert.ok(small.factor && !big.factor);
  const viaFactor = frechetDistance(small, big);
  const full = frechetDistance({ n: small.n, mean: small.mean, cov: small.cov }, big);
  // The d × d route takes √ of the d − n + 1 eigenvalues that are 0 in exact arithmetic but float32
  // round-off (~1e-8) there, ≈ 1e-4 each; the n × n route has no such eigenvalues.
  assert.ok(Math.abs(viaFactor - full) <= (40 - 11) * 2e-4, `${viaFactor} vs ${full}`);
  assert.ok(Math.abs(frechetDistance(big, small) - viaFactor) <= 1e-9 * viaFactor, 'symmetric');
  assert.ok(frechetDistance(small, small) < 1e-6);
});
