import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NetBuild, parallelNet } from '../../lib/backend/parallel/parallel-net';
import { initBackend } from '../../lib/backend/select';
import { createCnn } from '../../lib/models/cnn';
import { createFcnn } from '../../lib/models/fcnn';

// The replica is built from a different seed on purpose: its weights must come from the main net.
const FCNN: NetBuild = { module: 'models/fcnn', fn: 'createFcnn', args: { layers: 2, width: 32, activation: 'selu', seed: 99 } };
const fcnn = () => createFcnn({ layers: 2, width: 32, activation: 'selu', seed: 1 });

const maxRel = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(a)).dataSync()[0]));
const batch = (n: number, seed: number) => tf.tidy(() => ({
  x: tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed),
  y: tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', seed + 1), 10).toFloat(),
}));

test('predict over two threads equals net.apply, for even, odd and one-row batches', async () => {
  await initBackend('wasm');
  const net = fcnn();
  const pn = await parallelNet(net, FCNN, { threads: 2 });
  try {
    assert.equal(pn.threads, 2);
    for (const n of [64, 7, 1]) {
      const { x, y } = batch(n, n);
      const [a, b] = [net.apply(x), pn.predict(x)];
      assert.deepEqual(b.shape, a.shape);
      assert.ok(maxRel(a, b) < 1e-6, `batch ${n}: rel error ${maxRel(a, b)}`);
      tf.dispose([x, y, a, b]);
    }
  } finally {
    await pn.dispose();
    net.dispose();
  }
});

test('batch gradients combine to the one-thread gradients (∇L = Σ nₖ/n ∇Lₖ), and a training step follows the net\'s weights', async () => {
  await initBackend('wasm');
  const net = createCnn({ seed: 3 });
  const pn = await parallelNet(net, { module: 'models/cnn', fn: 'createCnn', args: { seed: 4 } }, { threads: 2 });
  try {
    const { x, y } = batch(9, 5); // uneven: 4 rows here, 5 in the worker
    const vars = net.trainableVars();
    const one = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.apply(x, true)) as tf.Scalar, vars);
    const two = pn.gradients(x, y, { kind: 'softmaxCrossEntropy' });
    assert.ok(Math.abs(two.value - one.value.dataSync()[0]) < 1e-5);
    vars.forEach((v, i) => assert.ok(maxRel(one.grads[v.name], two.grads[i]) < 1e-4, `${v.name}: ${maxRel(one.grads[v.name], two.grads[i])}`));
    tf.dispose([one.value, ...Object.values(one.grads), ...two.grads]);

    // After optimiser steps the worker must see the new weights: compare predictions again.
    const opt = tf.train.adam(1e-2);
    for (let i = 0; i < 3; i++) pn.trainStep(opt, x, y, { kind: 'softmaxCrossEntropy' });
    const [a, b] = [net.apply(x), pn.predict(x)];
    assert.ok(maxRel(a, b) < 1e-6, `after training: ${maxRel(a, b)}`);
    tf.dispose([a, b, x, y]);
    opt.dispose();
  } finally {
    await pn.dispose();
    net.dispose();
  }
});

test('input gradients of CE + TV split by rows equal the one-thread gradient; threads: 1 runs in place', async () => {
  await initBackend('wasm');
  const net = fcnn();
  const pn2 = await parallelNet(net, FCNN, { threads: 2 });
  const pn1 = await parallelNet(net, FCNN, { threads: 1 });
  try {
    const { x, y } = batch(10, 8);
    const loss = { kind: 'softmaxCrossEntropy' as const, tv: 0.05 };
    const a = pn1.inputGradients(x, y, loss);
    const b = pn2.inputGradients(x, y, loss);
    assert.equal(pn1.threads, 1);
    assert.ok(Math.abs(a.value - b.value) < 1e-5);
    assert.ok(maxRel(a.grad, b.grad) < 1e-5, `rel error ${maxRel(a.grad, b.grad)}`);
    tf.dispose([a.grad, b.grad, x, y]);
  } finally {
    await pn2.dispose();
    await pn1.dispose();
    net.dispose();
  }
});

test('no tensors accumulate over repeated steps', async () => {
  await initBackend('wasm');
  const net = fcnn();
  const pn = await parallelNet(net, FCNN, { threads: 2 });
  const opt = tf.train.sgd(0.01);
  const { x, y } = batch(16, 3);
  const step = () => tf.tidy(() => {
    pn.trainStep(opt, x, y, { kind: 'softmaxCrossEntropy' });
    pn.predict(x);
    pn.inputGradients(x, y, { kind: 'meanSquaredError' });
  });
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) step();
  assert.equal(tf.memory().numTensors, before);
  await pn.dispose();
  opt.dispose();
  net.dispose();
  tf.dispose([x, y]);
});

test('bad input gets a clear error, and a worker-side failure names its cause without desynchronising', async () => {
  await initBackend('wasm');
  await assert.rejects(parallelNet(fcnn(), { module: 'models/fcnn', fn: 'noSuchThing', args: {} }, { threads: 2 }), /did not start|exited|noSuchThing/);
  const net = fcnn();
  const pn = await parallelNet(net, FCNN, { threads: 2 });
  try {
    const { x, y } = batch(4, 1);
    assert.throws(() => pn.gradients(x, tf.zeros([3, 10]), { kind: 'softmaxCrossEntropy' }), /4 rows but y has 3/);
    assert.throws(() => pn.gradients(x, y, { kind: 'hinge' as never }), /not softmaxCrossEntropy or meanSquaredError/);
    // Still in step after the failures: the next call works.
    const p = pn.predict(x);
    assert.deepEqual(p.shape, [4, 10]);
    tf.dispose([x, y, p]);
  } finally {
    await pn.dispose();
    net.dispose();
  }
});
