import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { loadMnist } from '../../lib/data/mnist';
import { frechetFromFeatures } from '../../lib/eval/frechet';
import { Judge, loadJudge } from '../../lib/eval/judge';
import { heldOutTestDigits, labelEntropy, nearestTrainingDistances, outsideRangeFraction, scoreImages, uniformNoise } from '../../lib/eval/scores';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

let judge: Judge;
before(async () => {
  await initBackend();
  judge = await loadJudge();
});

test('label entropy in bits on hand-made labels', () => {
  assert.equal(labelEntropy([3, 3, 3, 3]), 0);
  assert.equal(labelEntropy([0, 0, 1, 1]), 1);
  assert.ok(Math.abs(labelEntropy([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) - Math.log2(10)) < 1e-12);
  assert.ok(Math.abs(labelEntropy([0, 0, 0, 1]) - (-(0.75 * Math.log2(0.75)) - 0.25 * Math.log2(0.25))) < 1e-12);
  assert.throws(() => labelEntropy([0, 10]), ValueRangeError);
});

test('outside-range fraction on hand-made pixels', () => {
  const x = tf.tensor1d([-0.5, 0, 0.3, 1, 1 + 1e-7, 1.2, 2, 0.99]);
  assert.equal(outsideRangeFraction(x), 3 / 8);
  x.dispose();
});

test('Fréchet distance: test digits vs training digits is far below noise vs training digits', () => {
  const train = loadMnist('train', { limit: 300, seed: 1 });
  const test500 = loadMnist('test', { limit: 300, seed: 2 });
  const noise = uniformNoise(300, 3);
  const [ft, fs, fn] = [train, test500].map((d) => judge.features(d.images)).concat([judge.features(noise)]);
  const real = frechetFromFeatures(fs, ft);
  const fake = frechetFromFeatures(fn, ft);
  tf.dispose([ft, fs, fn, train.images, test500.images, noise]);
  assert.ok(real * 20 < fake, `test-vs-train ${real.toFixed(2)} is not far below noise-vs-train ${fake.toFixed(2)}`);
});

test('scoreImages: real digits score high, noise low, training digits are their own nearest neighbours; no leaks', () => {
  const real = heldOutTestDigits(10, 4);
  const noise = uniformNoise(100, 6);
  // Warm the per-process caches (reference statistics, training digits) before counting tensors.
  const two = real.images.slice(0, 2) as tf.Tensor4D;
  scoreImages(judge, two, real.labels.slice(0, 2));
  two.dispose();
  const n0 = tf.memory().numTensors;
  const r = scoreImages(judge, real.images, real.labels);
  const z = scoreImages(judge, noise, real.labels);
  assert.equal(tf.memory().numTensors, n0, 'scoring leaked tensors');
  assert.equal(r.n, 100);
  assert.ok(r.judgeAccuracy! >= 0.95 && r.meanTargetProb > 0.9 && r.meanMaxOtherProb < 0.05, JSON.stringify(r));
  assert.ok(r.labelEntropy > 3.2, 'ten of each class');
  assert.ok(z.judgeAccuracy! < 0.3 && z.meanTargetProb < 0.3, JSON.stringify(z));
  // n = 100 leaves a sampling floor on the real digits' distance, hence a smaller factor than above.
  assert.ok(r.frechet * 4 < z.frechet, `real ${r.frechet} vs noise ${z.frechet}`);
  assert.ok(r.nnDistance > 2 && z.nnDistance > 2 * r.nnDistance, `nn distances real ${r.nnDistance}, noise ${z.nnDistance}`);
  assert.equal(r.outsideRange, 0);
  const unlabelled = scoreImages(judge, real.images, null);
  assert.equal(unlabelled.judgeAccuracy, null);
  assert.ok(unlabelled.meanTargetProb >= r.meanTargetProb - 1e-6, 'confidence ≥ probability of the intended class');
  tf.dispose([real.images, noise]);

  const train = loadMnist('train', { limit: 20 });
  const d = nearestTrainingDistances(train.images, train.labels);
  assert.ok(Math.max(...d) < 0.05, `a training digit's nearest training digit is itself (got ${Math.max(...d)})`);
  train.images.dispose();
});

test('images outside [0,1] are judged clamped and counted', () => {
  const real = heldOutTestDigits(2, 7);
  const loud = tf.tidy(() => real.images.mul(3).sub(1)) as tf.Tensor4D;
  const s = scoreImages(judge, loud, real.labels);
  assert.ok(s.outsideRange > 0.5 && s.outsideRange < 1, `outsideRange ${s.outsideRange}`);
  tf.dispose([real.images, loud]);
});

test('bad input names the problem', () => {
  const x = tf.zeros([3, 28, 28, 1]) as tf.Tensor4D;
  assert.throws(() => scoreImages(judge, x, Int32Array.from([1, 2])), ShapeError);
  assert.throws(() => scoreImages(judge, x, Int32Array.from([1, 2, 12])), /label 12 at index 2/);
  const one = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
  assert.throws(() => scoreImages(judge, one, null), /at least 2 images/);
  tf.dispose([x, one]);
});
