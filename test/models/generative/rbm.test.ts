import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../lib/backend/wasm/index';
import { bernoulli, cdStep, createRbm, sampleRbm } from '../../../lib/models/generative/rbm';
import { trainRbm } from '../../../lib/train/rbm-step';
import { loadCheckpoint, saveCheckpoint } from '../../../lib/train/cache';
import { makeRng } from '../../../lib/tensor/rng';
import { ValueRangeError } from '../../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

const W0 = [[0.5, -1.0], [0.25, 0.75], [-0.5, 0.3]];
const BV = [0.1, -0.2, 0.3];
const BH = [-0.4, 0.2];

function tiny() {
  const rbm = createRbm({ visible: 3, hidden: 2, seed: 1 });
  const w = [tf.tensor2d(W0), tf.tensor1d(BV), tf.tensor1d(BH)];
  rbm.setWeights(w);
  tf.dispose(w);
  return rbm;
}

test('free energy equals −log Σ_h e^{−E(v,h)} by enumeration on a 3×2 RBM', () => {
  const rbm = tiny();
  const vs = [[0, 0, 0], [1, 0, 1], [1, 1, 1], [0.3, 0.9, 0.1]];
  const F = rbm.freeEnergy(tf.tensor2d(vs));
  const got = F.dataSync();
  vs.forEach((v, i) => {
    let z = 0;
    for (const h of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      let vwh = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 2; b++) vwh += v[a] * W0[a][b] * h[b];
      const e = -vwh - v.reduce((s, x, a) => s + x * BV[a], 0) - h.reduce((s, x, b) => s + x * BH[b], 0);
      z += Math.exp(-e);
    }
    assert.ok(Math.abs(got[i] + Math.log(z)) < 1e-5, `F(v${i}) = ${got[i]} vs ${-Math.log(z)}`);
  });
  F.dispose();
  rbm.dispose();
});

test('a CD-1 step applies eq. 26: ΔW = lr (v0ᵀh0 − v1ᵀh1)/n with the same seeded hidden draw', () => {
  const rbm = tiny();
  const v0 = tf.tensor2d([[1, 0, 1], [0, 1, 1]]);
  const lr = 0.1;
  const seed = 9;
  // The expected update, step by step, with the seed cdStep uses for its one hidden draw.
  const exp = tf.tidy(() => {
    const h0 = rbm.hiddenProbs(v0);
    const v1 = rbm.visibleProbs(bernoulli(h0, makeRng(seed).seed()));
    const h1 = rbm.hiddenProbs(v1);
    const dW = tf.sub(tf.matMul(v0, h0, true), tf.matMul(v1, h1, true)).mul(lr / 2);
    return { W: tf.add(rbm.W, dW), bv: tf.add(rbm.bv, tf.sub(v0, v1).sum(0).mul(lr / 2)), bh: tf.add(rbm.bh, tf.sub(h0, h1).sum(0).mul(lr / 2)), err: tf.sub(v0, v1).square().sum().div(2) };
  });
  const before = tf.memory().numTensors;
  const err = cdStep(rbm, v0, { k: 1, lr, seed });
  assert.equal(tf.memory().numTensors, before + 1, 'only the returned error is new');
  const close = (a: tf.Tensor, b: tf.Tensor) => a.dataSync().every((x, i) => Math.abs(x - b.dataSync()[i]) < 1e-6);
  assert.ok(close(rbm.W, exp.W), 'W');
  assert.ok(close(rbm.bv, exp.bv), 'b_v');
  assert.ok(close(rbm.bh, exp.bh), 'b_h');
  assert.ok(close(err, exp.err), 'reconstruction error');
  assert.throws(() => cdStep(rbm, v0, { k: 0, lr, seed }), ValueRangeError);
  tf.dispose([err, v0, exp.W, exp.bv, exp.bh, exp.err]);
  rbm.dispose();
});

test('training lowers the free energy of the data relative to noise; saved and reloaded it samples identically; no leaks', async () => {
  const rbm = createRbm({ hidden: 16, seed: 2 });
  // Data: two "digits" (left half on / right half on) with pixel noise.
  const x = tf.tidy(() => {
    const left = tf.concat([tf.ones([8, 28, 14, 1]), tf.zeros([8, 28, 14, 1])], 2);
    return tf.concat([left, tf.reverse(left, 2)], 0);
  });
  const noise = tf.randomUniform([16, 784], 0, 1, 'float32', 3).round();
  const gap = () => tf.tidy(() => rbm.freeEnergy(noise).mean().sub(rbm.freeEnergy(x).mean()).dataSync()[0]);
  const g0 = gap();
  const before = tf.memory().numTensors;
  const r = await trainRbm(rbm, x, { epochs: 20, batchSize: 8, lr: 0.1, k: 1, seed: 4 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(r.losses.length, 40);
  assert.ok(gap() > g0 + 5, `free-energy gap ${g0} → ${gap()}`);

  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rbm-')), 'ckpt');
  saveCheckpoint(dir, { model: 'rbm' }, rbm, {});
  const copy = createRbm({ hidden: 16, seed: 99 });
  assert.notEqual(loadCheckpoint(dir, { model: 'rbm' }, copy), null);
  const a = sampleRbm(rbm, 4, { steps: 5, seed: 6 });
  const b = sampleRbm(copy, 4, { steps: 5, seed: 6 });
  assert.deepEqual(a.images.shape, [4, 28, 28, 1]);
  assert.deepEqual(a.images.dataSync(), b.images.dataSync());
  tf.dispose([a.images, b.images, x, noise]);
  copy.dispose();
  rbm.dispose();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});
