import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { InverseDomainError, leakyReluInverse, SELU_FLOOR, seluInverse, softmaxInverse } from '../../lib/inverters/activations';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

before(() => tf.setBackend('cpu'));

const is = (cls: new (...a: never[]) => Error, re: RegExp) => (e: Error) => e.constructor === cls && re.test(e.message);
const values = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };

/** Runs f on fresh inputs and checks no tensor outlives the call (the error path included). */
function noLeak(f: () => void): void {
  const before = tf.memory().numTensors;
  tf.tidy(f);
  assert.equal(tf.memory().numTensors, before);
}

test('SELU⁻¹ rejects non-finite values and a bad margin, naming the value and the fix', () => {
  noLeak(() => {
    assert.throws(() => seluInverse(tf.tensor1d([0, Infinity])), is(InverseDomainError, /seluInverse holds Infinity at flat index 1; .*needs finite values/));
    assert.throws(() => seluInverse(tf.tensor1d([NaN])), is(InverseDomainError, /holds NaN at flat index 0/));
    assert.throws(() => seluInverse(tf.tensor1d([0.5]), { margin: NaN }), is(ValueRangeError, /seluInverse: margin = NaN must be a finite number ≥ 0 and < 1\.75\d+; the default is 1e-3/));
    assert.throws(() => seluInverse(tf.tensor1d([-1.7]), { margin: -1 }), is(ValueRangeError, /margin = -1/));
    assert.throws(() => seluInverse(tf.tensor1d([1]), { margin: 2 }), is(ValueRangeError, /margin = 2/));
    assert.throws(() => seluInverse(tf.tensor1d([0, -1.758]), { name: 'layer 3' }), is(InverseDomainError, /layer 3 holds -1.758\d* at flat index 1; every value must be a finite number > -1.757\d*\. SELU⁻¹ is defined on/));
  });
  // Boundaries: margin 0 accepts a value just above −λα; a large finite value is fine.
  const v = values(seluInverse(tf.tensor1d([SELU_FLOOR + 1e-4, 1e30]), { margin: 0 }));
  assert.ok(Number.isFinite(v[0]) && v[0] < -8, `SELU⁻¹ near the floor is large and negative: ${v[0]}`);
  assert.ok(Math.abs(v[1] - 1e30 / 1.0507009873554805) / v[1] < 1e-6);
});

test('LeakyReLU⁻¹ rejects an infinite or non-positive alpha and non-finite values', () => {
  noLeak(() => {
    assert.throws(() => leakyReluInverse(tf.tensor1d([-1, 1]), Infinity), is(ValueRangeError, /leakyReluInverse: alpha = Infinity must be a finite number > 0; .*0\.01/));
    assert.throws(() => leakyReluInverse(tf.tensor1d([-1, 1]), NaN), is(ValueRangeError, /alpha = NaN/));
    assert.throws(() => leakyReluInverse(tf.tensor1d([-1, 1]), -0.1), is(ValueRangeError, /alpha = -0.1/));
    assert.throws(() => leakyReluInverse(tf.tensor1d([1, NaN]), 0.1), is(InverseDomainError, /leakyReluInverse holds NaN at flat index 1; .*check the layer above/));
    assert.throws(() => leakyReluInverse(tf.tensor1d([-Infinity]), 0.1), is(InverseDomainError, /holds -Infinity at flat index 0/));
  });
  assert.deepEqual(values(leakyReluInverse(tf.tensor1d([-1e-6, 2]), 1e-6)).map((x) => Math.round(x * 1e4) / 1e4), [-1, 2]);
});

test('softmax⁻¹ takes rank-2 rows of finite probabilities in (0, 1] summing to 1', () => {
  noLeak(() => {
    assert.throws(() => softmaxInverse(tf.fill([2, 2, 5], 0.2) as unknown as tf.Tensor2D), is(ShapeError, /softmaxInverse: y .* has shape \[2,2,5\] but \[n,n\] is needed/));
    assert.throws(() => softmaxInverse(tf.fill([5], 0.2) as unknown as tf.Tensor2D), is(ShapeError, /shape \[5\]/));
    assert.throws(() => softmaxInverse(tf.tensor2d([[0.5, NaN]])), is(InverseDomainError, /y holds NaN at flat index 1/));
    assert.throws(() => softmaxInverse(tf.tensor2d([[0.5, 0.5], [0.5, 0.6]])), is(InverseDomainError, /row 1 of y sums to 1 ± 1\.00e-1; normalise/));
    assert.throws(() => softmaxInverse(tf.tensor2d([[0.5, 0.5]]), NaN), is(ValueRangeError, /constant = NaN must be a finite number; 0 is the paper's choice/));
  });
  // One class, probability 1: the boundary of (0, 1].
  assert.deepEqual(values(softmaxInverse(tf.tensor2d([[1]]))), [0]);
});
