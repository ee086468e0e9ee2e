import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../../lib/train/adamw';

test('AdamW = Adam step plus decoupled decay η·λ·θ on matrices only', () => {
  const w = tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, 'adamw_w');
  const b = tf.variable(tf.tensor1d([1, 1]), true, 'adamw_b');
  const w2 = tf.variable(w.clone(), true, 'adamw_w2');
  const b2 = tf.variable(b.clone(), true, 'adamw_b2');
  const loss = (m: tf.Tensor, v: tf.Tensor) => () => tf.sum(tf.add(tf.square(m), tf.square(v))) as tf.Scalar;
  const opt = new AdamW({ lr: 0.1, weightDecay: 0.5 });
  const adam = tf.train.adam(0.1);
  opt.minimize(loss(w, b), false, [w, b]);
  adam.minimize(loss(w2, b2), false, [w2, b2]);
  // θ_AdamW = θ·(1 − ηλ) + (Adam's step) = Adam's θ − ηλθ₀ for the matrix; the bias is not decayed.
  const expected = tf.tidy(() => tf.sub(w2, tf.mul(tf.tensor2d([[1, -2], [3, 0.5]]), 0.05)));
  assert.ok(tf.tidy(() => tf.abs(tf.sub(w, expected)).max().dataSync()[0]) < 1e-6);
  assert.ok(tf.tidy(() => tf.abs(tf.sub(b, b2)).max().dataSync()[0]) < 1e-7);
  expected.dispose();
  const before = tf.memory().numTensors;
  opt.minimize(loss(w, b), false, [w, b]);
  assert.equal(tf.memory().numTensors, before, 'a further step makes no new tensors');
  assert.throws(() => new AdamW({ lr: 0.1, weightDecay: -1 }), /weightDecay=-1/);
  tf.dispose([w, b, w2, b2]);
  opt.dispose();
  adam.dispose();
});

test('AdamW learning-rate schedule: linear warm-up, then a half cosine to 0; constant without one', () => {
  const flat = new AdamW({ lr: 0.01, weightDecay: 0 });
  assert.equal(flat.lrAt(1), 0.01);
  assert.equal(flat.lrAt(1000), 0.01);
  const s = new AdamW({ lr: 0.01, weightDecay: 0, warmupSteps: 10, totalSteps: 110 });
  assert.ok(Math.abs(s.lrAt(1) - 0.001) < 1e-12 && Math.abs(s.lrAt(5) - 0.005) < 1e-12);
  assert.ok(Math.abs(s.lrAt(10) - 0.01) < 1e-12);
  assert.ok(Math.abs(s.lrAt(60) - 0.005) < 1e-12, 'half-way down the cosine');
  assert.ok(s.lrAt(110) < 1e-12 && s.lrAt(200) < 1e-12);
  // The schedule is what the step uses: one step at lrAt(1) moves w by about η₁ (Adam's first step is ±η).
  const w = tf.variable(tf.tensor1d([1]), true, 'adamw_sched_w');
  s.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
  assert.ok(Math.abs(w.dataSync()[0] - (1 - 0.001)) < 1e-6);
  assert.throws(() => new AdamW({ lr: 0.01, weightDecay: 0, warmupSteps: 10, totalSteps: 5 }), /totalSteps=5/);
  tf.dispose(w);
  [flat, s].forEach((o) => o.dispose());
});
