import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { createFcnn } from '../../lib/models/fcnn';
import { ValueRangeError } from '../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

test('FCNN-k has k Linear layers of the right sizes and returns [n, 10] logits', () => {
  for (const layers of [1, 2, 6]) {
    const net = createFcnn({ layers, width: 32, activation: 'selu', seed: 1 });
    const shapes = net.getWeights().map((w) => w.shape.join('x'));
    const expected: string[] = [];
    for (let i = 0; i < layers; i++) expected.push(`${i === 0 ? 784 : 32}x${i === layers - 1 ? 10 : 32}`, `${i === layers - 1 ? 10 : 32}`);
    assert.deepEqual(shapes, expected);
    const y = net.apply(tf.zeros([3, 28, 28, 1]));
    assert.deepEqual(y.shape, [3, 10]);
    tf.dispose(y);
    net.dispose();
  }
});

test('default width is 784 and the activation follows every Linear, the last one too', () => {
  const net = createFcnn({ layers: 2, activation: 'selu', seed: 2 });
  assert.deepEqual(net.getWeights()[0].shape, [784, 784]);
  // SELU output is bounded below by −λα ≈ −1.7581; linear logits would not be.
  const y = tf.tidy(() => net.apply(tf.mul(tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 3), 50)));
  assert.ok(y.min().dataSync()[0] >= -1.7581);
  tf.dispose(y);
  net.dispose();
  const leaky = createFcnn({ layers: 1, activation: 'leakyRelu', alpha: 0.5, seed: 4 });
  const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 5);
  const [w, b] = leaky.getWeights();
  const pre = tf.add(tf.matMul(tf.reshape(x, [8, 784]), w), b);
  const want = tf.where(tf.greater(pre, 0), pre, tf.mul(pre, 0.5));
  const got = leaky.apply(x);
  assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < 1e-5);
  tf.dispose([x, pre, want, got]);
  leaky.dispose();
});

test('same seed gives the same weights; the gradient w.r.t. the input exists; no leaks', () => {
  const a = createFcnn({ layers: 2, width: 16, activation: 'selu', seed: 7 });
  const b = createFcnn({ layers: 2, width: 16, activation: 'selu', seed: 7 });
  assert.deepEqual(a.getWeights()[0].dataSync(), b.getWeights()[0].dataSync());
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 8);
  const before = tf.memory().numTensors;
  const g = tf.grad((inp: tf.Tensor) => tf.sum(tf.slice(a.apply(inp), [0, 3], [2, 1])))(x);
  assert.deepEqual(g.shape, [2, 28, 28, 1]);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]) > 0);
  g.dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  a.dispose();
  b.dispose();
});

test('bad options throw a ValueRangeError naming the value', () => {
  assert.throws(() => createFcnn({ layers: 0, activation: 'selu', seed: 1 }), (e: Error) => e instanceof ValueRangeError && /layers=0/.test(e.message));
  assert.throws(() => createFcnn({ layers: 2, width: 2.5, activation: 'selu', seed: 1 }), /width=2.5/);
  assert.throws(() => createFcnn({ layers: 2, activation: 'tanh' as 'selu', seed: 1 }), /'tanh'/);
});

test('widths gives a narrowing FCNN (784→512→…→10); a wrong count or size is named', () => {
  const net = createFcnn({ layers: 4, widths: [64, 32, 16], activation: 'selu', seed: 3 });
  assert.deepEqual(net.getWeights().filter((w) => w.rank === 2).map((w) => w.shape), [[784, 64], [64, 32], [32, 16], [16, 10]]);
  const y = net.apply(tf.zeros([2, 28, 28, 1]));
  assert.deepEqual(y.shape, [2, 10]);
  tf.dispose(y);
  net.dispose();
  assert.throws(() => createFcnn({ layers: 3, widths: [64], activation: 'selu', seed: 1 }), (e: Error) => e instanceof ValueRangeError && /layers − 1 = 2/.test(e.message));
  assert.throws(() => createFcnn({ layers: 2, widths: [0], activation: 'selu', seed: 1 }), /widths\[0\]=0/);
});
