import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertFinite, assertNumber, assertShape, assertValues, ShapeError, ValueRangeError } from '../../lib/tensor/guards';

tf.setBackend('cpu');

test('assertShape names the shape it got and the one it needs', () => {
  const t = tf.zeros([2, 784]);
  assertShape(t, [null, 784], 'x');
  assert.throws(() => assertShape(t, [null, 28, 28, 1], 'images'), (e: Error) => e instanceof ShapeError && /images has shape \[2,784\] but \[n,28,28,1\]/.test(e.message));
  t.dispose();
});

test('assertFinite finds a NaN and says where', () => {
  assert.throws(() => assertFinite([0, 1, NaN], 'sinogram'), (e: Error) => e instanceof ValueRangeError && /sinogram holds NaN at flat index 2/.test(e.message));
  assertFinite(new Float32Array([0, 1]), 'ok');
});

class CallerError extends Error {
  name = 'CallerError';
}

test('assertNumber names the option, its value, the rule and the fix, in the caller\'s error class', () => {
  assert.throws(() => assertNumber(-1, 'rounds', { integer: true, min: 1 }, 'the default is 5.'), (e: Error) => e instanceof ValueRangeError && e.message === 'rounds = -1 must be a whole number ≥ 1; the default is 5.');
  assert.throws(() => assertNumber(NaN, 'lr', { above: 0 }, 'e.g. 0.05.', CallerError), (e: Error) => e instanceof CallerError && e.message === 'lr = NaN must be a finite number > 0; e.g. 0.05.');
  assert.throws(() => assertNumber(Infinity, 'std', { min: 0 }, 'e.g. 0.1.'), /std = Infinity must be a finite number ≥ 0/);
  assert.throws(() => assertNumber('5', 'steps', {}, 'a number.'), /steps = '5' must be a finite number/);
  assert.throws(() => assertNumber(undefined, 'alpha', { above: 0 }, 'e.g. 0.01.'), /alpha = undefined/);
  assert.throws(() => assertNumber(1, 'p', { above: 0, below: 1 }, 'e.g. 0.5.'), /p = 1 must be a finite number > 0 and < 1/);
  assert.throws(() => assertNumber(2.5, 'k', { integer: true }, 'e.g. 2.'), /k = 2.5 must be a whole number/);
  // Boundaries are accepted; Infinity only where max: Infinity allows it.
  assertNumber(1, 'rounds', { integer: true, min: 1 }, '');
  assertNumber(0, 'std', { min: 0 }, '');
  assertNumber(Infinity, 'condNum', { min: 1, max: Infinity }, '');
  assert.throws(() => assertNumber(NaN, 'condNum', { min: 1, max: Infinity }, 'e.g. 100.'), /condNum = NaN must be a number \(Infinity allowed\) ≥ 1/);
});

test('assertValues reads a tensor once, returns its values and names the first bad one', () => {
  const t = tf.tensor1d([0.5, 1, 2, -1]);
  const before = tf.memory().numTensors;
  assert.throws(() => assertValues(t, 'y', { above: 0, max: 1 }, 'Normalise it.', CallerError), (e: Error) => e instanceof CallerError && e.message === 'y holds 2 at flat index 2; every value must be a finite number > 0 and ≤ 1. Normalise it.');
  assert.deepEqual(Array.from(assertValues(t, 'y', {}, '')), [0.5, 1, 2, -1]);
  assert.throws(() => assertValues([1, -Infinity], 'z', {}, 'Check it.'), /z holds -Infinity at flat index 1/);
  assert.equal(tf.memory().numTensors, before, 'no tensors made');
  assert.throws(() => assertShape(t, [4, 1], 'v', CallerError), (e: Error) => e instanceof CallerError && /v has shape \[4\] but \[4,1\]/.test(e.message));
  assert.throws(() => assertShape(undefined as unknown as tf.Tensor, [4], 'w'), (e: Error) => e instanceof ShapeError && /w has no tensor \(undefined\)/.test(e.message));
  t.dispose();
});
