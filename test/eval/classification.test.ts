import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classificationReport } from '../../lib/eval/classification';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('precision, recall and macro F1 on a hand case', () => {
  // class 0: tp 1 of 2 predicted, 2 true → P .5 R .5 F1 .5
  // class 1: tp 2 of 3 predicted, 2 true → P 2/3 R 1 F1 .8
  // class 2: tp 1 of 1 predicted, 2 true → P 1 R .5 F1 2/3
  const r = classificationReport([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
  close(r.precision, (0.5 + 2 / 3 + 1) / 3);
  close(r.recall, (0.5 + 1 + 0.5) / 3);
  close(r.f1, (0.5 + 0.8 + 2 / 3) / 3);
  close(r.accuracy, 4 / 6);
  assert.deepEqual(r.confusion, [[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
  assert.deepEqual(r.perClass.map((c) => c.support), [2, 2, 2]);
});

test('a class never predicted scores precision 0 (no NaN), perfect predictions score 1', () => {
  const r = classificationReport([0, 1, 2], [0, 0, 0], 3);
  assert.ok([r.precision, r.recall, r.f1].every(Number.isFinite));
  close(r.perClass[1].precision, 0);
  const ok = classificationReport([0, 1, 2, 2], [0, 1, 2, 2], 3);
  close(ok.f1, 1);
});

test('bad input names the value', () => {
  assert.throws(() => classificationReport([0, 1], [0], 3), ShapeError);
  assert.throws(() => classificationReport([0, 7], [0, 1], 3), (e: Error) => e instanceof ValueRangeError && /true 7/.test(e.message));
});
