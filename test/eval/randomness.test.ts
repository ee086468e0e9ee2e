import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { classMeanImages, randomness } from '../../lib/eval/randomness';

before(() => tf.setBackend('cpu'));

/** A vertical bar of class `d`'s width: a smooth, stroke-like image. */
const bar = (d: number) => {
  const v = new Float32Array(784);
  for (let r = 4; r < 24; r++) for (let c = 10; c < 12 + (d % 4); c++) v[r * 28 + c] = 1;
  return v;
};

test('classMeanImages: the per-class mean, [10,28,28,1]', () => {
  const labels = Int32Array.from({ length: 20 }, (_, i) => i % 10);
  const images = tf.tensor4d(Float32Array.from({ length: 20 * 784 }, (_, k) => Math.floor(k / 784) % 10 + (Math.floor(k / 784) >= 10 ? 1 : 0)), [20, 28, 28, 1]);
  const m = classMeanImages({ images, labels, n: 20 });
  assert.deepEqual(m.shape, [10, 28, 28, 1]);
  const d = m.dataSync();
  for (let c = 0; c < 10; c++) assert.ok(Math.abs(d[c * 784] - (c + 0.5)) < 1e-6);
  tf.dispose([images, m]);
});

test('randomness: strokes are smooth and near their class mean, noise is neither; no tensor leaks', () => {
  const targets = Int32Array.from({ length: 10 }, (_, d) => d);
  const means = tf.tensor4d(Float32Array.from(Array.from(targets, (d) => Array.from(bar(d))).flat()), [10, 28, 28, 1]);
  const strokes = tf.tensor4d(Float32Array.from(Array.from(targets, (d) => Array.from(bar(d))).flat()), [10, 28, 28, 1]);
  const noise = tf.randomUniform([10, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const s = randomness(strokes, targets, means);
  const n = randomness(noise, targets, means);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(s['neighbour correlation'] > 0.6, `strokes ${s['neighbour correlation']}`);
  assert.ok(Math.abs(n['neighbour correlation']) < 0.1, `noise ${n['neighbour correlation']}`);
  assert.ok(s['distance to class mean'] < 1e-3, `${s['distance to class mean']}`);
  assert.ok(n['distance to class mean'] > 1.2);
  // 16-bin histogram entropy: two values → < 1 bit; uniform noise → close to 4 bits.
  assert.ok(s['pixel entropy (bits)'] < 1);
  assert.ok(n['pixel entropy (bits)'] > 3.8);
  tf.dispose([means, strokes, noise]);
});
