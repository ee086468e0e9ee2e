import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { qSample, toDiffusion } from '../../lib/diffusion/ddpm';
import { withGaussianSkip } from '../../lib/diffusion/gaussian-skip';
import { linearSchedule } from '../../lib/diffusion/schedules';
import { createUnet } from '../../lib/models/generative/unet';

before(() => initBackend('wasm')); // wasm with the lab's training kernels

test('Gaussian skip: with a zero-variance data set (one image) it predicts the noise exactly, at every t', () => {
  const s = linearSchedule();
  // The untrained UNet's output layer is zero, so the prediction is the closed form alone.
  const net = withGaussianSkip(createUnet({ base: 2, seed: 1 }), s);
  const img = tf.tidy(() => tf.tile(tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 3), [4, 1, 1, 1]));
  net.fitPrior(img);
  const before = tf.memory().numTensors;
  const t = Int32Array.of(0, 100, 300, 499);
  const eps = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
  const x0 = tf.tidy(() => toDiffusion(img)) as tf.Tensor4D;
  const xt = qSample(x0, t, eps, s);
  const tt = tf.tensor1d(t, 'float32');
  const pred = net.apply(xt, tt);
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(pred, eps))).dataSync()[0]);
  assert.ok(err < 1e-3, `max |ε̂ − ε| = ${err}`);
  tf.dispose([eps, x0, xt, tt, pred]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(img);
  net.dispose();
});

test('Gaussian skip: E[ε | x_t] of per-pixel statistics; the statistics are saved and restored with the weights', () => {
  const s = linearSchedule();
  const a = withGaussianSkip(createUnet({ base: 2, seed: 1 }), s);
  // Pixel values 0 and 1 in equal parts: diffusion-space mean 0, variance 1.
  const x = tf.tidy(() => tf.concat([tf.zeros([5, 28, 28, 1]), tf.ones([5, 28, 28, 1])]));
  a.fitPrior(x);
  const t = 200;
  const ab = s.alphaBars[t];
  const xt = tf.fill([1, 28, 28, 1], 0.5) as tf.Tensor4D;
  const tt = tf.tensor1d([t]);
  const want = (Math.sqrt(1 - ab) * 0.5) / (ab * 1 + 1 - ab);
  const got = a.apply(xt, tt);
  assert.ok(Math.abs(got.dataSync()[0] - want) < 1e-5, `${got.dataSync()[0]} vs ${want}`);
  const b = withGaussianSkip(createUnet({ base: 2, seed: 9 }), s);
  assert.equal(a.getWeights().length, a.trainableVars().length + 2);
  b.setWeights(a.getWeights());
  const got2 = b.apply(xt, tt);
  assert.deepEqual(Array.from(got2.dataSync()), Array.from(got.dataSync()));
  tf.dispose([x, xt, tt, got, got2]);
  a.dispose();
  b.dispose();
});
