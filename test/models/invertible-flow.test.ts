import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { luFactor, luInverse, luLogAbsDet } from '../../lib/linalg/lu';
import { dataInit } from '../../lib/models/invertible/data-init';
import { FLOW_INPUT, fromNetworkInput, toNetworkInput } from '../../lib/models/invertible/input';
import { trackLogDets } from '../../lib/models/invertible/logdet';
import { createInvertibleMlp } from '../../lib/models/invertible/mlp';
import { ValueRangeError } from '../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('cpu');
});

test('tracked log|det W| and W⁻¹ follow small random steps; a large step restarts from an exact LU', () => {
  const n = 40;
  const start = tf.tidy(() => tf.add(tf.eye(n), tf.randomNormal([n, n], 0, 0.2, 'float32', 1)));
  const w = tf.variable(start as tf.Tensor2D);
  start.dispose();
  const before = tf.memory().numTensors;
  const tr = trackLogDets([w], { exactEvery: 1000 });
  for (let s = 0; s < 10; s++) {
    const moved = tf.tidy(() => tf.add(w, tf.randomNormal([n, n], 0, 0.003, 'float32', 10 + s)));
    w.assign(moved as tf.Tensor2D);
    moved.dispose();
    tr.refresh();
  }
  const f = luFactor(w.dataSync(), n);
  const exact = luLogAbsDet(f);
  assert.ok(Math.abs(tr.values()[0] - exact) < 1e-3, `tracked ${tr.values()[0]} vs exact ${exact}`);
  assert.equal(tr.restarts, 0);
  // The gradient of the term is W⁻ᵀ.
  const g = tf.grad((m: tf.Tensor) => tr.term([m as tf.Tensor2D]))(w);
  const inv = luInverse(f);
  const gd = g.dataSync();
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(gd[i * n + j] - inv[j * n + i]));
  assert.ok(worst < 1e-4, `grad vs W⁻ᵀ: ${worst}`);
  g.dispose();
  // A step far beyond the tracking radius: exact restart, values exact again.
  const big = tf.tidy(() => tf.mul(w, 3));
  w.assign(big as tf.Tensor2D);
  big.dispose();
  tr.refresh();
  assert.equal(tr.restarts, 1);
  assert.ok(Math.abs(tr.values()[0] - (exact + n * Math.log(3))) < 1e-6);
  tr.dispose();
  assert.equal(tf.memory().numTensors, before, 'tracker leaked tensors');
  w.dispose();
});

test('flow input: dequantise + logit, inverted by sigmoid; pixels outside [0,1] are refused', () => {
  const x = tf.tensor2d([[0, 0.5, 1, 0.2]]);
  const noNoise = { dequantize: false, logitLambda: 0.05 };
  const z = toNetworkInput(x, noNoise, 1);
  const back = fromNetworkInput(z, noNoise);
  Array.from(back.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - [0, 0.5, 1, 0.2][i]) < 1e-6));
  // logit(0.05) = −2.944 for a black pixel.
  assert.ok(Math.abs(z.dataSync()[0] - Math.log(0.05 / 0.95)) < 1e-5);
  const d = toNetworkInput(x, FLOW_INPUT, 2);
  const dd = fromNetworkInput(d, FLOW_INPUT).dataSync();
  // Dequantised: within one grey level above the pixel.
  [0, 0.5, 1, 0.2].forEach((v, i) => assert.ok(dd[i] >= (v * 255) / 256 - 1e-6 && dd[i] <= (v * 255 + 1) / 256 + 1e-6, `pixel ${i}: ${dd[i]}`));
  const bad = tf.tensor2d([[0, 1.5]]);
  assert.throws(() => toNetworkInput(bad, FLOW_INPUT, 1), (e: Error) => e instanceof ValueRangeError && /\[0, 1\.5\]/.test(e.message));
  assert.throws(() => toNetworkInput(x, { dequantize: true, logitLambda: 0.7 }, 1), ValueRangeError);
  tf.dispose([x, z, back, d, bad]);
});

test('data-dependent init standardises every input pixel and puts μ_a at the class mean embedding', () => {
  const net = createInvertibleMlp({ blocks: 1, slope: null, seed: 3, prior: 'learned' });
  const q = net.weights[0].dataSync().slice();
  const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([60, 784], 0, 1, 'float32', 4), tf.linspace(0.1, 3, 784)), 5));
  const labels = Int32Array.from({ length: 60 }, (_, i) => i % 10);
  const gain = dataInit(net, x, labels);
  assert.ok(Number.isFinite(gain));
  // z = ((x − m)/s) Q: zero mean per output, and Σ_j Var(z_j) = Σ_p 1 = 784 (Q orthogonal).
  const y = net.apply(x);
  const { mean, variance } = tf.moments(y, 0);
  assert.ok(Math.max(...Array.from(mean.dataSync()).map(Math.abs)) < 1e-3);
  const total = Array.from(variance.dataSync()).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 784) < 1, `total variance ${total}`);
  // μ_3 = mean of the outputs of images 3, 13, …, 53.
  const mu3 = tf.tidy(() => tf.mean(tf.gather(y, [3, 13, 23, 33, 43, 53]), 0));
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(mu3, net.means.slice([3, 0], [1, 784]).reshape([784])))).dataSync()[0]);
  assert.ok(diff < 1e-4, `μ_3 off by ${diff}`);
  assert.notDeepEqual(Array.from(net.weights[0].dataSync().slice(0, 5)), Array.from(q.slice(0, 5)));
  tf.dispose([x, y, mean, variance, mu3]);
  net.dispose();
});
