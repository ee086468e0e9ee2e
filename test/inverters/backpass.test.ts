import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { InverseDomainError, leakyReluInverse, SELU_FLOOR, seluInverse, softmaxInverse } from '../../lib/inverters/activations';
import { backpassInvert, BackpassError, classDistribution, denseLayersOf, prepareBackpass, targetCheck } from '../../lib/inverters/backpass';
import { Net } from '../../lib/models/net';
import { smallTrainedFcnn } from './trained-fcnn';

let net: Net;
before(async () => {
  process.env.MNIST_LAB_QUIET = '1';
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  net = await smallTrainedFcnn(2);
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.abs(tf.sub(a, b)).max().dataSync()[0]);

test('softmax⁻¹ then softmax returns y, for any free constant', () => {
  const y = tf.tensor2d([[0.7, 0.2, 0.1], [0.01, 0.01, 0.98]]);
  for (const c of [0, 3, -2]) {
    const z = softmaxInverse(y, c);
    const back = tf.softmax(z);
    assert.ok(maxDiff(back, y) < 1e-6);
    const mean = tf.tidy(() => z.mean(1).dataSync());
    mean.forEach((m) => assert.ok(Math.abs(m - c) < 1e-5, 'mean of z is the constant'));
    tf.dispose([z, back]);
  }
  assert.throws(() => softmaxInverse(tf.tensor2d([[1, 0, 0]])), (e: Error) => e instanceof InverseDomainError && /probability is 0/.test(e.message));
  assert.throws(() => softmaxInverse(tf.tensor2d([[0.5, 0.4, 0.4]])), (e: Error) => /sums to 1 ±/.test(e.message));
  y.dispose();
});

test('SELU⁻¹∘SELU = id and LeakyReLU⁻¹∘LeakyReLU = id; values outside SELU\'s range are named', () => {
  const x = tf.linspace(-6, 6, 101);
  const s = tf.selu(x);
  const back = seluInverse(s);
  assert.ok(maxDiff(back, x) < 2e-3, `SELU round trip ${maxDiff(back, x)}`);
  const mid = tf.linspace(-3, 6, 91); // away from the flat tail, float32 is exact to ~1e-5
  const backMid = seluInverse(tf.selu(mid));
  assert.ok(maxDiff(backMid, mid) < 1e-4);
  const l = tf.leakyRelu(x, 0.01);
  const lb = leakyReluInverse(l, 0.01);
  assert.ok(maxDiff(lb, x) < 1e-5);
  assert.throws(() => seluInverse(tf.tensor1d([0.5, SELU_FLOOR - 0.1])), (e: Error) => e instanceof InverseDomainError && /flat index 1/.test(e.message) && /null-space sample/.test(e.message));
  assert.throws(() => leakyReluInverse(x, 0), /alpha=0/);
  tf.dispose([x, s, back, mid, backMid, l, lb]);
});

test('BACKPASSINV on a trained FCNN: every image gives p ≥ 0.9 for its class and ≤ 0.1 for the others, without leaking tensors', async () => {
  const bp = prepareBackpass(denseLayersOf(net, 'selu'), { condNum: 100, cache: false });
  const targets = Int32Array.from({ length: 30 }, (_, i) => i % 10);
  const before = tf.memory().numTensors;
  const r = await backpassInvert(net, bp, { targets, seed: 4, std: 0.1 });
  assert.equal(r.targets.length, 30, `accepted ${r.targets.length}; rejected ${JSON.stringify(r.rejected)}`);
  const c = targetCheck(r.probs, r.targets);
  assert.ok(c.pass.every(Boolean));
  assert.ok(Math.min(...c.targetProb) >= 0.9 && Math.max(...c.maxOther) <= 0.1);
  // A distribution, not one image: two samples of the same class differ.
  const d = tf.tidy(() => tf.norm(tf.sub(r.images.slice(0, 1), r.images.slice(10, 1))).dataSync()[0]);
  assert.ok(d > 1e-3, `images of one class differ by ${d}`);
  tf.dispose([r.images, r.probs]);
  assert.equal(tf.memory().numTensors, before + 4, 'only the two layers\' W⁺ and V_r stay, until bp.dispose()');
  const info = bp.info();
  assert.deepEqual(info.map((l) => [l?.outputs, l?.inputs]), [[32, 784], [10, 32]]);
  info.forEach((l) => assert.ok((l?.conditionAfter ?? Infinity) <= 100));
  bp.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('Std 0 gives the pseudo-inverse image; bad options give clear errors', async () => {
  const bp = prepareBackpass(denseLayersOf(net, 'selu'), { cache: false });
  const t = Int32Array.from([3, 3]);
  const r = await backpassInvert(net, bp, { targets: t, seed: 1, std: 0 });
  assert.ok(maxDiff(r.images.slice(0, 1), r.images.slice(1, 1)) < 1e-6, 'no noise: identical images');
  tf.dispose([r.images, r.probs]);
  await assert.rejects(backpassInvert(net, bp, { targets: t, seed: 1, std: -1 }), BackpassError);
  assert.throws(() => classDistribution(Int32Array.from([12])), /target 12/);
  assert.throws(() => classDistribution(t, 1), /targetProb=1/);
  assert.throws(() => prepareBackpass([]), BackpassError);
  bp.dispose();
});
