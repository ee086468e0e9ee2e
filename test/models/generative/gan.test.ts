import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../lib/backend/wasm/index';
import { createGan, discriminatorLoss, generatorLoss, sampleGan } from '../../../lib/models/generative/gan';
import { trainGan } from '../../../lib/train/gan';
import { loadCheckpoint, saveCheckpoint } from '../../../lib/train/cache';
import { ValueRangeError } from '../../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

test('G maps z to [0,1] images; BCE losses match eqs. 27–30 for a discriminator that outputs one logit', () => {
  const gan = createGan({ latent: 4, hidden: [8], seed: 1 });
  const x = sampleGan(gan, 3, 2);
  assert.deepEqual(x.shape, [3, 28, 28, 1]);
  assert.ok(x.dataSync().every((v) => v >= 0 && v <= 1));
  // Zero the discriminator: D(·) = σ(0) = ½ everywhere, so C_D = ½(log 2 + log 2) = log 2 and C_G = log 2.
  const dv = gan.discriminatorVars();
  dv.forEach((v) => v.assign(tf.zerosLike(v)));
  const z = tf.randomNormal([3, 4], 0, 1, 'float32', 3);
  assert.ok(Math.abs(discriminatorLoss(gan, x, z).dataSync()[0] - Math.LN2) < 1e-6);
  assert.ok(Math.abs(generatorLoss(gan, z).dataSync()[0] - Math.LN2) < 1e-6);
  assert.throws(() => createGan({ hidden: [], seed: 1 }), ValueRangeError);
  gan.dispose();
});

test('the two-optimiser loop leaks nothing; a saved and reloaded GAN generates identically', async () => {
  const gan = createGan({ latent: 4, hidden: [8, 16], seed: 1 });
  const x = tf.randomUniform([12, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
  await trainGan(gan, x, { epochs: 1, batchSize: 4, lr: 1e-3, seed: 5 }); // Adam slots are made and freed
  const before = tf.memory().numTensors;
  let epochs = 0;
  const r = await trainGan(gan, x, { epochs: 2, batchSize: 4, lr: 1e-3, seed: 5, onEpoch: () => { epochs++; } });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(r.dLosses.length, 6);
  assert.equal(epochs, 2);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gan-')), 'ckpt');
  saveCheckpoint(dir, { model: 'gan' }, gan, {});
  const copy = createGan({ latent: 4, hidden: [8, 16], seed: 9 });
  loadCheckpoint(dir, { model: 'gan' }, copy);
  const a = sampleGan(gan, 3, 6);
  const b = sampleGan(copy, 3, 6);
  assert.deepEqual(a.dataSync(), b.dataSync());
  const da = gan.discriminate(a).dataSync();
  const db = copy.discriminate(a).dataSync();
  assert.deepEqual(da, db);
  tf.dispose([a, b, x]);
  copy.dispose();
  gan.dispose();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('batch norm in G: γ, β are trained, running statistics are state (checkpointed, not optimised) and move toward the batch moments', () => {
  const gan = createGan({ latent: 4, hidden: [8], batchNorm: true, seed: 1 });
  const plain = createGan({ latent: 4, hidden: [8], seed: 1 });
  assert.equal(gan.generatorVars().length, plain.generatorVars().length + 2);
  assert.equal(gan.getWeights().length, plain.getWeights().length + 4);
  const z = tf.randomNormal([16, 4], 0, 1, 'float32', 2);
  const before = gan.getWeights().map((w) => w.dataSync().slice());
  gan.updateNormStats(z);
  const after = gan.getWeights().map((w) => w.dataSync().slice());
  const changed = after.map((a, i) => a.some((v, k) => v !== before[i][k]));
  assert.deepEqual(changed.filter(Boolean).length, 2, 'only the running mean and variance move');
  // Training mode normalises by the batch: per unit, the pre-activation has mean 0 across the batch,
  // so samples differ from eval mode (running statistics) until those have converged.
  const a = gan.generate(z, true).dataSync();
  const b = gan.generate(z, false).dataSync();
  assert.ok(a.some((v, i) => Math.abs(v - b[i]) > 1e-4));
  assert.throws(() => createGan({ seed: 1, activation: 'tanh' as 'relu' }), /tanh/);
  z.dispose();
  gan.dispose();
  plain.dispose();
});

test('conv GAN (DCGAN pattern): [0,1] images, trains on the loop without leaks, reloads identically', async () => {
  const gan = createGan({ latent: 4, hidden: [2, 4], architecture: 'conv', seed: 1 });
  const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
  await trainGan(gan, x, { epochs: 1, batchSize: 4, lr: 1e-3, seed: 5, initOutputBias: true });
  const before = tf.memory().numTensors;
  const r = await trainGan(gan, x, { epochs: 1, batchSize: 4, lr: 1e-3, seed: 5 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(r.dLosses.every(Number.isFinite) && r.gLosses.length === 2);
  const copy = createGan({ latent: 4, hidden: [2, 4], architecture: 'conv', seed: 9 });
  copy.setWeights(gan.getWeights());
  const a = sampleGan(gan, 3, 6);
  const b = sampleGan(copy, 3, 6);
  assert.deepEqual(a.shape, [3, 28, 28, 1]);
  assert.deepEqual(a.dataSync(), b.dataSync());
  assert.ok(a.dataSync().every((v) => v >= 0 && v <= 1));
  assert.throws(() => createGan({ hidden: [2], architecture: 'conv', seed: 1 }), /two positive integers/);
  tf.dispose([a, b, x]);
  copy.dispose();
  gan.dispose();
});
