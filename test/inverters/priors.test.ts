import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { l1Prior, l2Prior, meanPrior, priorTotal, tvPrior } from '../../lib/inverters/priors';
import { ValueRangeError } from '../../lib/tensor/guards';

before(() => tf.setBackend('cpu'));

const img = (rows: number[][]): number[][][] => rows.map((r) => r.map((v) => [v]));
const val = (t: tf.Scalar): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('tvPrior sums squared right and down neighbour differences (thesis eq. 2.5), mean over the batch', () => {
  // Image A: [[0,1],[3,0]]: right diffs 1, -3 → 1+9; down diffs 3, -1 → 9+1; TV = 20.
  // Image B: constant → TV = 0. Mean over the batch = 10.
  const x = tf.tensor4d([img([[0, 1], [3, 0]]), img([[2, 2], [2, 2]])]);
  assert.equal(val(tvPrior(1).term(x)), 10);
  x.dispose();
});

test('l2Prior is Σx² and l1Prior is Σ|x| per image (thesis eq. 2.4), mean over the batch', () => {
  const x = tf.tensor4d([img([[1, -2], [0, 2]]), img([[0, 0], [0, 1]])]);
  assert.equal(val(l2Prior(1).term(x)), (9 + 1) / 2);
  assert.equal(val(l1Prior(1).term(x)), (5 + 1) / 2);
  x.dispose();
});

test('meanPrior measures per-pixel distances to μ in the three norms', () => {
  const mu = tf.tensor4d([img([[1, 1], [1, 1]])]);
  const x = tf.tensor4d([img([[1, 3], [1, -1]])]); // x − μ = [0, 2, 0, -2]
  assert.equal(val(meanPrior(mu, 1, 'l2sq').term(x)), 8 / 4);
  assert.ok(Math.abs(val(meanPrior(mu, 1, 'l2').term(x)) - Math.sqrt(2)) < 1e-6);
  assert.equal(val(meanPrior(mu, 1, 'l1').term(x)), 4 / 4);
  // At x = μ the 'l2' gradient stays finite (no NaN from sqrt at 0).
  const g = tf.grad((z: tf.Tensor) => meanPrior(mu, 1, 'l2').term(z as tf.Tensor4D))(mu);
  assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
  tf.dispose([mu, x, g]);
});

test('priorTotal weights and adds the terms; no priors gives 0; nothing leaks', () => {
  const x = tf.tensor4d([img([[0, 1], [3, 0]])]);
  const before = tf.memory().numTensors;
  assert.equal(val(priorTotal([tvPrior(0.5), l2Prior(2)], x)), 0.5 * 20 + 2 * 10);
  assert.equal(val(priorTotal([], x)), 0);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

test('bad weights, norms and μ shapes fail with a message naming the value', () => {
  assert.throws(() => tvPrior(-1), (e: Error) => e instanceof ValueRangeError && /-1/.test(e.message));
  const mu = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
  assert.throws(() => meanPrior(mu, 1, 'l3' as 'l1'), /l3/);
  const bad = tf.zeros([28, 28, 1]) as unknown as tf.Tensor4D;
  assert.throws(() => meanPrior(bad, 1, 'l2'), /\[28,28,1\]/);
  assert.throws(() => l2Prior(NaN), (e: Error) => e instanceof ValueRangeError && /l2Prior weight = NaN must be a finite number ≥ 0; pass e.g. l2Prior\(0.01\)/.test(e.message));
  assert.throws(() => l1Prior(Infinity), /l1Prior weight = Infinity/);
  const nanMu = tf.fill([1, 28, 28, 1], NaN) as tf.Tensor4D;
  assert.throws(() => meanPrior(nanMu, 1), (e: Error) => e instanceof ValueRangeError && /meanPrior μ holds NaN at flat index 0; .*meanImage/.test(e.message));
  assert.equal(tvPrior(0).weight, 0, 'weight 0 is allowed (the prior switched off)');
  tf.dispose([mu, bad, nanMu]);
});

test('tvPrior gradient (Laplacian of the edge-replicated image) equals autodiff of eq. 2.5, any shape', () => {
  const reference = (x: tf.Tensor4D) => {
    const [, h, w] = x.shape;
    const dx = x.slice([0, 0, 1, 0], [-1, h, w - 1, -1]).sub(x.slice([0, 0, 0, 0], [-1, h, w - 1, -1]));
    const dy = x.slice([0, 1, 0, 0], [-1, h - 1, w, -1]).sub(x.slice([0, 0, 0, 0], [-1, h - 1, w, -1]));
    return dx.square().sum([1, 2, 3]).add(dy.square().sum([1, 2, 3])).mean() as tf.Scalar;
  };
  for (const shape of [[3, 28, 28, 1], [2, 5, 7, 3], [1, 2, 2, 1]] as [number, number, number, number][]) {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal(shape, 0, 1, 'float32', shape[1]) as tf.Tensor4D;
    const ours = tf.grad((t: tf.Tensor) => tvPrior(1).term(t as tf.Tensor4D).mul(3))(x);
    const ref = tf.grad((t: tf.Tensor) => reference(t as tf.Tensor4D).mul(3))(x);
    const rel = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, ref))).div(tf.max(tf.abs(ref))));
    const err = rel.dataSync()[0];
    rel.dispose();
    assert.ok(err < 1e-6, `shape ${shape}: relative error ${err}`);
    const gap = tf.tidy(() => tf.abs(tf.sub(tvPrior(1).term(x), reference(x))));
    assert.ok(gap.dataSync()[0] < 1e-4);
    tf.dispose([x, ours, ref, gap]);
    assert.equal(tf.memory().numTensors, before, 'the custom gradient leaks no tensors');
  }
});
