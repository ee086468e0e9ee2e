import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { fgsmLoss, fgsmPerturbation } from '../../lib/train/fgsm';
import { createCnn } from '../../lib/models/cnn';
import { crossEntropy } from '../../lib/train/classifier';
import { ValueRangeError } from '../../lib/tensor/guards';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('FGSM perturbation of a linear loss is ε·sign(w), so max |δ| = ε', () => {
  const before = tf.memory().numTensors;
  // J(x) = Σ x·w: ∇ₓJ = w, whatever x is.
  const w = tf.tensor2d([[0.3, -2, 0.5, -0.1]]);
  const loss = (x: tf.Tensor) => x.mul(w).sum() as tf.Scalar;
  const x = tf.tensor2d([[0.2, 0.4, 0.6, 0.8]]);
  const d = fgsmPerturbation(loss, x, x, 0.25);
  assert.deepEqual(Array.from(d.dataSync()), [0.25, -0.25, 0.25, -0.25]);
  tf.dispose([w, x, d]);
  assert.equal(tf.memory().numTensors, before);
});

test('FGSM perturbation through a CNN has max |δ| = ε and every entry in {−ε, 0, ε}', () => {
  const net = createCnn({ seed: 3, filters: [4, 8], hidden: 16 });
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.tensor1d([0, 3, 5, 9], 'int32'), 10).toFloat();
  const eps = 0.1;
  const perturb = () => fgsmPerturbation((xi, yi) => crossEntropy(net.apply(xi), yi), x, y, eps);
  perturb().dispose(); // the first gradient leaves two lasting tensors inside tfjs; later calls none
  const before = tf.memory().numTensors;
  const d = perturb();
  const v = d.dataSync() as Float32Array;
  const maxAbs = v.reduce((m: number, a: number) => Math.max(m, Math.abs(a)), 0);
  close(maxAbs, eps, 1e-7);
  assert.ok(Array.from(v).every((a) => Math.abs(a) < 1e-7 || Math.abs(Math.abs(a) - eps) < 1e-7));
  // The perturbation raises the loss (first-order ascent step).
  const clean = tf.tidy(() => crossEntropy(net.apply(x), y));
  const l0 = clean.dataSync()[0];
  const adv = tf.tidy(() => crossEntropy(net.apply(x.add(d)), y));
  assert.ok(adv.dataSync()[0] > l0);
  tf.dispose([d, adv, clean]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
  net.dispose();
});

test('eq. 3.2: J̃ = α·J(x) + (1−α)·J(x + ε·sign ∇J) on a hand case', () => {
  // J(x, y) = Σ (x − y)²: ∇ₓJ = 2(x − y). x = [1, 0], y = [0, 0.5] → sign = [+1, −1].
  const loss = (x: tf.Tensor, y: tf.Tensor) => x.sub(y).square().sum() as tf.Scalar;
  const x = tf.tensor1d([1, 0]);
  const y = tf.tensor1d([0, 0.5]);
  const before = tf.memory().numTensors;
  const j = fgsmLoss(loss, { epsilon: 0.5, alpha: 0.25 })(x, y);
  // clean: 1 + 0.25 = 1.25; perturbed x = [1.5, −0.5]: 2.25 + 1 = 3.25 → 0.25·1.25 + 0.75·3.25
  close(j.dataSync()[0], 0.25 * 1.25 + 0.75 * 3.25);
  j.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
});

test('FGSM loss trains through max-pooling: gradients reach the weights, no tensors leak per step', () => {
  // Small filters: the point is the path through conv + max-pool, not the size.
  const net = createCnn({ seed: 1, filters: [4, 8], hidden: 16 });
  const opt = tf.train.sgd(0.01);
  const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10).toFloat();
  const loss = fgsmLoss((xb, yb) => crossEntropy(net.apply(xb, true), yb), { epsilon: 0.1 });
  const w0 = net.getWeights()[0].dataSync().slice();
  const step = () => tf.tidy(() => opt.minimize(() => loss(x, y), true, net.trainableVars()) as tf.Scalar).dispose();
  step();
  const before = tf.memory().numTensors;
  step();
  step();
  assert.equal(tf.memory().numTensors, before);
  const w1 = net.getWeights()[0].dataSync();
  assert.ok(w1.some((v, i) => v !== w0[i]));
  tf.dispose([x, y]);
  opt.dispose();
  net.dispose();
});

test('bad ε or α is a ValueRangeError naming the value', () => {
  const loss = (x: tf.Tensor) => x.sum() as tf.Scalar;
  assert.throws(() => fgsmLoss(loss, { epsilon: -0.1 }), (e: Error) => e instanceof ValueRangeError && /-0\.1/.test(e.message));
  assert.throws(() => fgsmLoss(loss, { epsilon: 0.1, alpha: 1.5 }), (e: Error) => e instanceof ValueRangeError && /1\.5/.test(e.message));
});
