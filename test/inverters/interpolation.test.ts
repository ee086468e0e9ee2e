import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ValueRangeError } from '../../lib/tensor/guards';
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

test('bad digits and ratios are rejected by value, empty lists by name', () => {
  const before = tf.memory().numTensors;
  const is = (re: RegExp) => (e: Error) => e instanceof ValueRangeError && re.test(e.message);
  assert.throws(() => interpolationTargets(0, [11], [0.5]), is(/interpolation digits\[0\] = 11 must be a whole number ≥ 0 and ≤ 9/));
  assert.throws(() => interpolationTargets(0, [1], [1.5]), is(/interpolation ratios\[0\] = 1.5 must be a finite number ≥ 0 and ≤ 1; give ratios like/));
  assert.throws(() => interpolationTargets(0, [1], [NaN]), is(/ratios\[0\] = NaN/));
  assert.throws(() => interpolationTargets(2.5, [1], [0]), is(/interpolation from = 2.5/));
  assert.throws(() => interpolationTargets(0, [], [0]), is(/must both be non-empty/));
  assert.throws(() => interpolationTargets(0, [1], []), is(/must both be non-empty/));
  assert.equal(tf.memory().numTensors, before);
  // The boundaries: digits 0 and 9, ratios 0 and 1.
  const t = interpolationTargets(9, [0, 9], [0, 1]);
  assert.deepEqual(t.targets.shape, [4, 10]);
  t.targets.dispose();
});
