import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm/index';
import { ddpmLoss, gradientLoss, qSample, sampleDdpm, samplingSteps } from '../../lib/diffusion/ddpm';
import { WeightEma } from '../../lib/train/ema';
import { linearSchedule, cosineSchedule } from '../../lib/diffusion/schedules';
import { createUnet } from '../../lib/models/generative/unet';
import { ValueRangeError } from '../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

test('q(x_t | x_0) has mean √ᾱ_t x_0 and variance 1 − ᾱ_t (eq. 17)', () => {
  const s = linearSchedule();
  for (const t of [0, 100, 499]) {
    const n = 50;
    const x0 = tf.fill([n, 28, 28, 1], 0.7) as tf.Tensor4D;
    const eps = tf.randomNormal([n, 28, 28, 1], 0, 1, 'float32', 11 + t) as tf.Tensor4D;
    const xt = qSample(x0, new Int32Array(n).fill(t), eps, s);
    const { mean, variance } = tf.moments(xt);
    const m = mean.dataSync()[0];
    const v = variance.dataSync()[0];
    const a = s.alphaBars[t];
    // 39,200 draws: the standard error of the mean is ~0.005·σ.
    assert.ok(Math.abs(m - Math.sqrt(a) * 0.7) < 0.02, `t=${t}: mean ${m} vs ${Math.sqrt(a) * 0.7}`);
    assert.ok(Math.abs(v - (1 - a)) < 0.03 * Math.max(1 - a, 0.01) + 1e-4, `t=${t}: variance ${v} vs ${1 - a}`);
    tf.dispose([x0, eps, xt, mean, variance]);
  }
  assert.throws(() => qSample(tf.zeros([1, 28, 28, 1]) as tf.Tensor4D, Int32Array.of(500), tf.zeros([1, 28, 28, 1]) as tf.Tensor4D, s), (e: Error) => e instanceof ValueRangeError && /500/.test(e.message));
});

test('gradient loss (eq. 35): zero for equal images, the mean squared neighbour-difference error otherwise', () => {
  const a = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  assert.equal(gradientLoss(a, a).dataSync()[0], 0);
  // P = a column ramp (x-differences 1, y-differences 0) against T = 0: C = 1 + 0.
  const ramp = tf.tidy(() => tf.tile(tf.range(0, 28).reshape([1, 1, 28, 1]), [1, 28, 1, 1])) as tf.Tensor4D;
  const z = tf.zerosLike(ramp) as tf.Tensor4D;
  assert.ok(Math.abs(gradientLoss(ramp, z).dataSync()[0] - 1) < 1e-6);
  tf.dispose([a, ramp, z]);
});

test('respaced sampling steps run from T−1 down to 0', () => {
  assert.deepEqual(samplingSteps(500, 500), Array.from({ length: 500 }, (_, i) => 499 - i));
  const s = samplingSteps(500, 100);
  assert.equal(s.length, 100);
  assert.equal(s[0], 499);
  assert.equal(s[99], 0);
  assert.throws(() => samplingSteps(500, 0), ValueRangeError);
});

test('a DDPM training step (loss + α·gradient loss, EMA update) leaks no tensors, and sampling gives [0,1] images', async () => {
  const net = createUnet({ base: 2, seed: 1 });
  const s = cosineSchedule();
  const opt = tf.train.adam(1e-3);
  const ema = new WeightEma(net.trainableVars(), 0.9, 0);
  const loss = ddpmLoss(net, s, { gradWeight: 0.1, seed: 2 });
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5);
  const step = () => { const l = tf.tidy(() => opt.minimize(() => loss(x), true, net.trainableVars()) as tf.Scalar); const v = l.dataSync()[0]; l.dispose(); ema.update(); return v; };
  step(); // optimiser slots appear on the first step
  const before = tf.memory().numTensors;
  const l1 = step();
  step();
  assert.equal(tf.memory().numTensors, before);
  assert.ok(Number.isFinite(l1) && l1 > 0);
  ema.swap();
  const out = await sampleDdpm(net, s, { n: 3, seed: 7, steps: 4, snapshotAt: [2] });
  assert.deepEqual(out.images.shape, [3, 28, 28, 1]);
  assert.equal(out.snapshots.length, 1);
  const d = out.images.dataSync();
  assert.ok(d.every((v) => v >= 0 && v <= 1));
  tf.dispose([out.images, ...out.snapshots.map((sn) => sn.images), x]);
  ema.swap();
  assert.equal(tf.memory().numTensors, before - 1);
  ema.dispose();
  opt.dispose();
  net.dispose();
});
