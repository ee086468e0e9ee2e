import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { IllConditionedError } from '../../lib/linalg/condition';
import { SingularMatrixError } from '../../lib/linalg/lu';
import { createInvertibleMlp, leakyReluInverse } from '../../lib/models/invertible/mlp';
import { ValueRangeError } from '../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('cpu');
});

const randomRows = (n: number, seed: number) => tf.randomUniform([n, 784], 0, 1, 'float32', seed) as tf.Tensor2D;

test('round trip on random weights: inverse(apply(x)) = x for linear and LeakyReLU blocks', () => {
  for (const slope of [0.2, null]) {
    const net = createInvertibleMlp({ blocks: 2, slope, seed: 3 });
    // Move away from the orthogonal start: add random noise to every W.
    net.weights.forEach((w, k) => {
      const moved = tf.tidy(() => tf.add(w, tf.randomNormal([784, 784], 0, 0.01, 'float32', 10 + k)));
      w.assign(moved as tf.Tensor2D);
      moved.dispose();
    });
    const x = randomRows(8, 1);
    const before = tf.memory().numTensors;
    const inv = net.inverter();
    const y = net.apply(x);
    const back = inv.inverse(y);
    const errT = tf.tidy(() => tf.max(tf.abs(tf.sub(back, x))));
    const err = errT.dataSync()[0];
    errT.dispose();
    assert.ok(err < 1e-4, `slope ${slope}: round-trip max error ${err}`);
    assert.ok(inv.conditions.every((k) => k > 1 && Number.isFinite(k)));
    tf.dispose([back, y]);
    inv.dispose();
    const left = tf.memory().numTensors - before;
    assert.equal(left, 0, `${left} tensors leaked by apply + inverter + inverse`);
    net.dispose();
    x.dispose();
  }
});

test('LeakyReLU inverse is exact and a slope of 0 (ReLU) is refused', () => {
  const z = tf.tensor1d([-3, -0.5, 0, 2]);
  const back = leakyReluInverse(tf.leakyRelu(z, 0.2), 0.2);
  assert.deepEqual(Array.from(back.dataSync()).map((v) => +v.toFixed(6)), [-3, -0.5, 0, 2]);
  assert.throws(() => createInvertibleMlp({ blocks: 1, slope: 0, seed: 1 }), (e: Error) => e instanceof ValueRangeError && /slope 0/.test(e.message));
  tf.dispose([z, back]);
});

test('inverse refuses a singular W, an ill-conditioned W and non-finite inputs', () => {
  const net = createInvertibleMlp({ blocks: 1, slope: 0.2, seed: 4 });
  const y = tf.tidy(() => tf.ones([2, 784]).mul(2));
  const bad = tf.tensor2d(Float32Array.from({ length: 2 * 784 }, (_, i) => (i === 5 ? NaN : 1)), [2, 784]);
  assert.throws(() => net.inverse(bad), (e: Error) => e instanceof ValueRangeError && /NaN at flat index 5/.test(e.message));
  // Scale one column by 1e-8: still invertible, but κ₁ ~ 1e8 passes the 1e7 limit.
  const w = net.weights[0].arraySync();
  w.forEach((row) => (row[0] *= 1e-8));
  net.weights[0].assign(tf.tensor2d(w));
  assert.throws(() => net.inverse(y), (e: Error) => e instanceof IllConditionedError && /κ₁ = \d/.test(e.message));
  // A zero column: singular.
  w.forEach((row) => (row[0] = 0));
  net.weights[0].assign(tf.tensor2d(w));
  assert.throws(() => net.inverse(y), (e: Error) => e instanceof SingularMatrixError && /Small|InvertibleMLP|W1/.test(e.message));
  tf.dispose([y, bad]);
  net.dispose();
});
