import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { firstRows, minMaxPerImage, minMaxScale } from '../../lib/tensor/rescale';

before(() => tf.setBackend('cpu'));

test('minMaxPerImage rescales each image by its own range; a constant image becomes 0; no leak', () => {
  const x = tf.tensor4d([0, 2, 4, 6, 5, 5, 5, 5], [2, 2, 2, 1]);
  const before = tf.memory().numTensors;
  const y = minMaxPerImage(x);
  assert.equal(tf.memory().numTensors, before + 1);
  const v = Array.from(y.dataSync());
  [0, 1 / 3, 2 / 3, 1].forEach((e, i) => assert.ok(Math.abs(v[i] - e) < 1e-6, `${v}`));
  assert.deepEqual(v.slice(4), [0, 0, 0, 0]);
  tf.dispose([x, y]);
});

test('minMaxScale agrees with minMaxPerImage on one image', () => {
  const img = tf.randomNormal([1, 28, 28, 1], 3, 2, 'float32', 5) as tf.Tensor4D;
  const a = minMaxScale(img.dataSync() as Float32Array);
  const t = minMaxPerImage(img);
  const b = t.dataSync();
  assert.ok(a.every((v, i) => Math.abs(v - b[i]) < 1e-6));
  assert.equal(Math.min(...a), 0);
  assert.equal(Math.max(...a), 1);
  tf.dispose([img, t]);
});

test('firstRows copies out the first rows (all by default, at most the rows there are)', () => {
  const t = tf.tensor3d([1, 2, 3, 4, 5, 6], [3, 2, 1]);
  assert.deepEqual(firstRows(t, 2).map((r) => Array.from(r)), [[1, 2], [3, 4]]);
  assert.equal(firstRows(t).length, 3);
  assert.equal(firstRows(t, 10).length, 3);
  t.dispose();
});
