import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { featureBank, mean, nearestDistances, nearestFeatureDistances } from '../../lib/eval/neighbours';
import { Judge } from '../../lib/eval/judge';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

before(() => tf.setBackend('cpu'));

test('nearestDistances finds the closest reference row of the same class only', () => {
  const q = tf.tensor2d([[0, 0], [10, 0]]);
  // Class 0 references at distance 5 and 1 from q0; a class-1 row sits at q0 itself but must be ignored.
  const ref = tf.tensor2d([[3, 4], [1, 0], [0, 0], [10, 2]]);
  const d = nearestDistances(q, [0, 1], ref, [0, 0, 1, 1]);
  assert.deepEqual(Array.from(d), [1, 2]);
  tf.dispose([q, ref]);
});

test('an exact match has distance 0 (not NaN from rounding) and images are flattened', () => {
  const img = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7);
  const d = nearestDistances(img, [2, 2, 5], img, [2, 2, 5]);
  assert.ok(Array.from(d).every((v) => v >= 0 && v < 1e-2), `distances ${Array.from(d)}`);
  img.dispose();
});

test('missing classes and mismatched sizes fail naming the problem', () => {
  const q = tf.zeros([1, 4]);
  const r = tf.zeros([2, 4]);
  assert.throws(() => nearestDistances(q, [3], r, [0, 1]), (e: Error) => e instanceof ValueRangeError && /class 3/.test(e.message));
  assert.throws(() => nearestDistances(q, [0, 1], r, [0, 1]), ShapeError);
  const r3 = tf.zeros([2, 3]);
  assert.throws(() => nearestDistances(q, [0], r3, [0, 1]), /4 values per row/);
  tf.dispose([q, r, r3]);
});

test('feature-space distances use the judge features of the clamped images; nothing leaks', () => {
  // A stand-in judge whose "features" are the per-image pixel mean and max.
  const features = (x: tf.Tensor) => tf.tidy(() => tf.stack([x.mean([1, 2, 3]), x.max([1, 2, 3])], 1) as tf.Tensor2D);
  const judge = { features, probs: features, dispose() {} } as unknown as Judge;
  const ds = { images: tf.stack([tf.zeros([28, 28, 1]), tf.ones([28, 28, 1])]) as tf.Tensor4D, labels: new Int32Array([0, 1]), n: 2 };
  const bank = featureBank(judge, ds);
  const before = tf.memory().numTensors;
  const x = tf.fill([2, 28, 28, 1], 2) as tf.Tensor4D; // clamped to 1 → features (1, 1)
  const d = nearestFeatureDistances(judge, x, [1, 0], bank);
  assert.ok(Math.abs(d[0]) < 1e-6 && Math.abs(d[1] - Math.SQRT2) < 1e-6, `distances ${Array.from(d)}`);
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.equal(mean(d), (d[0] + d[1]) / 2);
  bank.dispose();
  ds.images.dispose();
});
