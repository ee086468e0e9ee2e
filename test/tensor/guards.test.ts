import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertFinite, assertShape, ShapeError, ValueRangeError } from '../../lib/tensor/guards';

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
