import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { createVit, VIT_TINY } from '../../lib/models/vit';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

const small = { patch: 7, dim: 24, depth: 2, heads: 3, mlpDim: 48, classes: 10, seed: 1 };

test('ViT-tiny has the DeiT-tiny parameter count (5.5 M minus the 224² embedding) and [n, 10] logits', () => {
  const net = createVit({ ...VIT_TINY, seed: 1 });
  const count = net.trainableVars().reduce((s, v) => s + v.size, 0);
  // 12 blocks of (4·192² + 2·192·768 + biases + 2 LNs) = 12 · 444,864, patch embedding 16·192 + 192,
  // class token 192, positions 50·192, final LN 384, head 1,930.
  assert.equal(count, 12 * 444864 + 16 * 192 + 192 + 192 + 50 * 192 + 384 + 1930);
  const y = net.apply(tf.zeros([2, 28, 28, 1]));
  assert.deepEqual(y.shape, [2, 10]);
  y.dispose();
  net.dispose();
});

test('the class token sees every patch: changing one corner pixel changes the logits', () => {
  const net = createVit(small);
  const x = tf.zeros([1, 28, 28, 1]);
  const x2 = tf.tidy(() => tf.pad(tf.ones([1, 1, 1, 1]), [[0, 0], [27, 0], [27, 0], [0, 0]]));
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(net.apply(x), net.apply(x2)))).dataSync()[0]);
  assert.ok(d > 1e-6, `logits unchanged (${d})`);
  tf.dispose([x, x2]);
  net.dispose();
});

test('gradient w.r.t. the input exists; weights round-trip; seeded; no leaks', () => {
  const a = createVit(small);
  const b = createVit(small);
  assert.deepEqual(a.trainableVars()[5].dataSync(), b.trainableVars()[5].dataSync());
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 2);
  const before = tf.memory().numTensors;
  const g = tf.grad((inp: tf.Tensor) => tf.sum(tf.slice(a.apply(inp), [0, 4], [2, 1])))(x);
  assert.deepEqual(g.shape, [2, 28, 28, 1]);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]) > 0);
  g.dispose();
  assert.equal(tf.memory().numTensors, before);
  const other = createVit({ ...small, seed: 9 });
  const w = other.getWeights();
  a.setWeights(w);
  const same = tf.tidy(() => tf.max(tf.abs(tf.sub(a.apply(x), other.apply(x)))).dataSync()[0]);
  assert.equal(same, 0);
  tf.dispose(w);
  [a, b, other].forEach((n) => n.dispose());
  x.dispose();
});

test('bad configurations and inputs throw errors that name the value', () => {
  assert.throws(() => createVit({ ...small, patch: 5 }), (e: Error) => e instanceof ValueRangeError && /patch=5/.test(e.message));
  assert.throws(() => createVit({ ...small, dim: 25 }), /dim=25/);
  const net = createVit(small);
  assert.throws(() => net.apply(tf.zeros([2, 784])), ShapeError);
  net.dispose();
});
