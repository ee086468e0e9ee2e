import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { interpolationTargets, logitInterpolationLoss } from '../../lib/inverters/interpolation';

before(() => tf.setBackend('cpu'));

test('interpolation targets put 1 − r on "from" and r on the digit, row by row', () => {
  const t = interpolationTargets(0, [0, 3], [0, 0.25, 1]);
  const rows = t.targets.arraySync();
  assert.equal(rows.length, 6);
  assert.deepEqual(Array.from(t.digits), [0, 0, 0, 3, 3, 3]);
  for (const r of rows.slice(0, 3)) assert.equal(r[0], 1); // 0 ↔ 0: all weight on 0
  assert.deepEqual([rows[3][0], rows[3][3]], [1, 0]);
  assert.deepEqual([rows[4][0], rows[4][3]], [0.75, 0.25]);
  assert.deepEqual([rows[5][0], rows[5][3]], [0, 1]);
  for (const r of rows) assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  t.targets.dispose();
});

test('the logit loss is −Σ t·z averaged over the batch', () => {
  const z = tf.tensor2d([[2, 0, 4], [1, 1, 1]]);
  const t = tf.tensor2d([[0.5, 0, 0.5], [0, 1, 0]]);
  const l = logitInterpolationLoss(z as tf.Tensor2D, t as tf.Tensor2D);
  assert.equal(l.dataSync()[0], -(3 + 1) / 2);
  tf.dispose([z, t, l]);
});

test('bad digits and ratios are rejected by value', () => {
  assert.throws(() => interpolationTargets(0, [11], [0.5]), /digit 11/);
  assert.throws(() => interpolationTargets(0, [1], [1.5]), /ratio 1.5/);
});
