import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { IllConditionedError } from '../../lib/linalg/condition';
import { SingularMatrixError } from '../../lib/linalg/lu';
import { createInvertibleMlp, leakyReluInverse } from '../../lib/models/invertible/mlp';
import { generateDigits, roundTripErrors } from '../../lib/models/invertible/sampling';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

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
    assert.ok(err < 1e-5, `slope ${slope}: round-trip max error ${err}`);
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

test('float64 LU solve beats the float32 W⁻¹ on an ill-conditioned W; float64 forward + inverse is exact to ~1e-12', () => {
  const net = createInvertibleMlp({ blocks: 2, slope: 0.2, seed: 6 });
  // Shrink a few directions of W1 so that κ₁ ~ 1e4–1e5, like a trained net.
  const w = net.weights[0].arraySync();
  for (let j = 0; j < 5; j++) w.forEach((row) => (row[j] *= 1e-3));
  net.weights[0].assign(tf.tensor2d(w));
  const x = randomRows(10, 2);
  const before = tf.memory().numTensors;
  const inv64 = net.inverter();
  const inv32 = net.inverter({ precision: 'float32' });
  assert.equal(inv64.precision, 'float64');
  const e64 = roundTripErrors(net, inv64, x);
  const e32 = roundTripErrors(net, inv32, x, { reference64: false });
  assert.ok(Math.max(...inv64.conditions) > 1e3, `κ ${inv64.conditions}`);
  assert.ok(e64.maxAbs < e32.maxAbs, `float64 ${e64.maxAbs} should beat float32 ${e32.maxAbs}`);
  assert.ok(e64.maxAbs64 < 1e-10 && e64.maxRelative64 < 1e-10, `float64 round trip ${e64.maxAbs64}`);
  assert.ok(e64.maxRelative <= e64.maxAbs * 30, 'relative error is per image norm');
  assert.ok(Number.isNaN(e32.maxAbs64));
  inv64.dispose();
  inv32.dispose();
  assert.equal(tf.memory().numTensors, before, 'inverters leaked tensors');
  assert.throws(() => inv64.inverseRows(new Float64Array(5), 1), ShapeError);
  tf.dispose(x);
  net.dispose();
});

test('a learned prior: means start at 2a, are trained and cached with the weights; generation draws around them', () => {
  const net = createInvertibleMlp({ blocks: 1, slope: null, seed: 7, prior: 'learned' });
  assert.equal(net.getWeights().length, 3);
  assert.equal(net.trainableVars().length, 3);
  const mu = net.means.arraySync();
  assert.equal(mu[3][100], 6);
  const fixed = createInvertibleMlp({ blocks: 1, slope: null, seed: 7 });
  assert.equal(fixed.getWeights().length, 2);
  assert.throws(() => fixed.setWeights(net.getWeights()), /takes 2 weight tensors/);
  // With zero temperature the generated digit is the inverse of its class mean exactly.
  net.means.assign(tf.tidy(() => tf.randomNormal([10, 784], 0, 1, 'float32', 3)) as tf.Tensor2D);
  const inv = net.inverter();
  const g = generateDigits(inv, 1, 5, { temperature: 0 });
  const back = tf.tidy(() => net.apply(g.images));
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(back, net.means))).dataSync()[0]);
  assert.ok(err < 1e-4, `f(generated) vs μ_a: ${err}`);
  assert.throws(() => generateDigits(inv, 1, 5, { temperature: -1 }), ValueRangeError);
  tf.dispose([g.images, back]);
  inv.dispose();
  net.dispose();
  fixed.dispose();
});
