import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { createCnn } from '../../lib/models/cnn';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

test('the inversion CNN: conv32-pool-conv64-pool-dense128-dense10, [n, 10] logits', () => {
  const net = createCnn({ seed: 1 });
  assert.deepEqual(net.getWeights().map((w) => w.shape.join('x')), [
    '3x3x1x32', '32', '3x3x32x64', '64', '1600x128', '128', '128x10', '10',
  ]);
  const y = net.apply(tf.zeros([2, 28, 28, 1]));
  assert.deepEqual(y.shape, [2, 10]);
  y.dispose();
  net.dispose();
});

test('seeded; gradient w.r.t. the input exists on wasm; training steps leak nothing', () => {
  const a = createCnn({ seed: 3, filters: [4, 8], hidden: 16 });
  const b = createCnn({ seed: 3, filters: [4, 8], hidden: 16 });
  assert.deepEqual(a.getWeights()[2].dataSync(), b.getWeights()[2].dataSync());
  b.dispose();
  const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4);
  const y = tf.oneHot(tf.tensor1d([1, 5, 9], 'int32'), 10).toFloat();
  const g = tf.grad((inp: tf.Tensor) => tf.sum(tf.slice(a.apply(inp), [0, 2], [3, 1])))(x);
  assert.deepEqual(g.shape, [3, 28, 28, 1]);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]) > 0);
  g.dispose();
  const opt = tf.train.sgd(0.1);
  const loss = () => tf.losses.softmaxCrossEntropy(y, a.apply(x, true)) as tf.Scalar;
  const first = tf.tidy(() => loss().dataSync()[0]);
  tf.tidy(() => { opt.minimize(loss, false, a.trainableVars()); });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) tf.tidy(() => { opt.minimize(loss, false, a.trainableVars()); });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(tf.tidy(() => loss().dataSync()[0]) < first, 'loss went down on a fixed batch');
  tf.dispose([x, y]);
  a.dispose();
});
