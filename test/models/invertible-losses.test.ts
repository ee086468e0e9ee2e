import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { allLosses, invertibleLoss, logAbsDet, slidesLossPerImage, textbookNllPerImage } from '../../lib/models/invertible/losses';
import { FLOW_INPUT } from '../../lib/models/invertible/input';
import { createInvertibleMlp } from '../../lib/models/invertible/mlp';
import { loadInvertibleCheckpoint, trainInvertible } from '../../lib/models/invertible/train';

before(async () => {
  await tf.setBackend('cpu');
  process.env.MNIST_LAB_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-cache-'));
});

test('slides loss and textbook NLL against a hand-computed example', () => {
  // N = (1,2,3,4), a = 1 → target 2: Σ(n − 2a)² = 1 + 0 + 1 + 4 = 6;
  // mean 2.5, unbiased Var = (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3, (Var − 1)² = 4/9.
  const n = tf.tensor2d([[1, 2, 3, 4]]);
  const a = tf.tensor1d([1]);
  const ln2pi = Math.log(2 * Math.PI);
  const slides = slidesLossPerImage(n, a).dataSync()[0];
  const textbook = textbookNllPerImage(n, a).dataSync()[0];
  assert.ok(Math.abs(slides - (2 * ln2pi + (4 / 2) * 6 + 4 / 9)) < 1e-5, `slides ${slides}`);
  assert.ok(Math.abs(textbook - (2 * ln2pi + 0.5 * 6 + 4 / 9)) < 1e-5, `textbook ${textbook}`);
  tf.dispose([n, a]);
});

test('log|det W| and its gradient W⁻ᵀ on a 2×2 example', () => {
  // W = [[2, 1], [1, 3]]: det 5, W⁻ᵀ = [[3, −1], [−1, 2]] / 5.
  const w = tf.tensor2d([[2, 1], [1, 3]]);
  const value = logAbsDet(w).dataSync()[0];
  assert.ok(Math.abs(value - Math.log(5)) < 1e-6);
  const g = tf.grad((m: tf.Tensor) => logAbsDet(m as tf.Tensor2D))(w);
  const want = [0.6, -0.2, -0.2, 0.4];
  Array.from(g.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `grad[${i}] = ${v}`));
  tf.dispose([w, g]);
});

test('flow loss = textbook − Σ log|det W| − activation log-det; one epoch of each loss leaks no tensor', async () => {
  const net = createInvertibleMlp({ blocks: 1, slope: 0.5, seed: 2 });
  const x = tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  const labels = Int32Array.from([0, 1, 2, 3, 4, 5]);
  const a = tf.tensor1d(Float32Array.from(labels));
  const all = allLosses(net, x, a);
  const flow = invertibleLoss('flow', net, x, a);
  assert.ok(Math.abs(flow.dataSync()[0] - all.flow) < 1e-3 * Math.abs(all.flow), `flow ${flow.dataSync()[0]} vs ${all.flow}`);
  // The orthogonal start has |det W| = 1, so only the activations' log(0.5)·#negatives separate flow from textbook.
  assert.ok(all.flow >= all.textbook - 1e-3);
  flow.dispose();
  const data = { images: x, labels, n: 6 };
  for (const loss of ['slides', 'textbook', 'flow'] as const) {
    const cfg = { loss, epochs: 2, batchSize: 6, optimizer: { name: 'adam' as const, lr: 1e-3 }, seed: 1, checkpoints: [1, 2] };
    const before = tf.memory().numTensors;
    const r = await trainInvertible(net, data, cfg);
    assert.equal(tf.memory().numTensors, before, `${loss}: training leaked tensors`);
    assert.equal(r.epochLosses.length, 2);
    assert.ok(r.epochLosses.every(Number.isFinite));
    loadInvertibleCheckpoint(net, data, cfg, 1);
    assert.equal(tf.memory().numTensors, before, `${loss}: loading a checkpoint leaked tensors`);
  }
  // The flow recipe: dequantised logit input, data-dependent init, learned class means.
  const recipeNet = createInvertibleMlp({ blocks: 1, slope: 0.5, seed: 2, prior: 'learned' });
  const recipe = { loss: 'flow' as const, epochs: 1, batchSize: 6, optimizer: { name: 'adam' as const, lr: 1e-4 }, seed: 1, checkpoints: [1], input: FLOW_INPUT, dataInit: true };
  const muBefore = recipeNet.means.dataSync()[0];
  const before = tf.memory().numTensors;
  const r = await trainInvertible(recipeNet, data, recipe);
  assert.equal(tf.memory().numTensors, before, 'flow recipe: training leaked tensors');
  assert.ok(r.epochLosses.every(Number.isFinite));
  assert.notEqual(recipeNet.means.dataSync()[0], muBefore, 'the data-dependent init moves μ_0 to the class mean');
  recipeNet.dispose();
  tf.dispose([x, a]);
  net.dispose();
});

test('learned class means enter the loss: Σ(n − μ_a)² with μ_a from the net', () => {
  const net = createInvertibleMlp({ blocks: 1, slope: null, seed: 4, prior: 'learned' });
  const x = tf.randomUniform([3, 784], 0, 1, 'float32', 2);
  const a = tf.tensor1d([0, 1, 2]);
  const atTwoA = allLosses(net, x, a).textbook;
  // Moving every μ_a onto the image's own embedding removes the ½Σ(n − μ)² term (one image per class here).
  const y = net.apply(x);
  net.means.assign(tf.tidy(() => tf.concat([y, tf.zeros([7, 784])])) as tf.Tensor2D);
  const atOwn = allLosses(net, x, a).textbook;
  const v = tf.tidy(() => tf.moments(y, 1).variance.mul(784 / 783).sub(1).square().mean().dataSync()[0]);
  assert.ok(Math.abs(atOwn - (784 * Math.log(2 * Math.PI)) / 2 - v) < 1e-2, `textbook at μ = f(x): ${atOwn}`);
  assert.ok(atTwoA > atOwn + 1);
  tf.dispose([x, a, y]);
  net.dispose();
});
