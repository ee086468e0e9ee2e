import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { loadMnist } from '../../lib/data/mnist';
import { createVit } from '../../lib/models/vit';
import { trainVit, VitTraining } from '../../lib/train/vit';

const cfg: VitTraining = {
  arch: { patch: 7, dim: 8, depth: 1, heads: 2, mlpDim: 16, classes: 10 },
  trainImages: 64, epochs: 1, batchSize: 32,
  adamw: { lr: 1e-3, weightDecay: 0.05 }, ema: { decay: 0.9, warmup: 1 }, seed: 3,
};

test('trainVit: trains the first trainImages, keeps the EMA weights, caches them (second call is a hit), no leaks', async () => {
  await initBackend('wasm');
  process.env.MNIST_LAB_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'vit-cache-'));
  const train = loadMnist('train', { limit: 100, seed: 1 });
  const testSet = loadMnist('test', { limit: 50, seed: 2 });
  // A first run warms the kernels' constant caches (e.g. the patch filters of lib/backend/wasm).
  const warm = createVit({ ...cfg.arch, seed: cfg.seed });
  await trainVit(warm, train, testSet, { ...cfg, epochs: 2 });
  warm.dispose();
  const a = createVit({ ...cfg.arch, seed: cfg.seed });
  const before = tf.memory().numTensors;
  const r = await trainVit(a, train, testSet, cfg);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.equal(r.cached, false);
  assert.equal(r.meta.steps, 2); // 64 images / 32
  assert.ok(r.meta.rawAccuracy >= 0 && r.meta.rawAccuracy <= 1);
  const b = createVit({ ...cfg.arch, seed: cfg.seed });
  const hit = await trainVit(b, train, testSet, cfg);
  assert.equal(hit.cached, true);
  assert.deepEqual(Array.from(b.getWeights()[0].dataSync()), Array.from(a.getWeights()[0].dataSync()));
  a.dispose();
  b.dispose();
  tf.dispose([train.images, testSet.images]);
});
