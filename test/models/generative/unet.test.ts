import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../lib/backend/wasm/index';
import { createUnet, timeEmbedding } from '../../../lib/models/generative/unet';
import { loadCheckpoint, saveCheckpoint } from '../../../lib/train/cache';
import { ShapeError, ValueRangeError } from '../../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

test('sinusoidal time embedding (eq. 16): [sin(tω), cos(tω)] with ω_k = 10000^(−k/(d/2))', () => {
  const e = timeEmbedding(tf.tensor1d([0, 3]), 4).arraySync();
  assert.deepEqual(e[0], [0, 0, 1, 1]);
  const w = [1, 1 / 100];
  [Math.sin(3 * w[0]), Math.sin(3 * w[1]), Math.cos(3 * w[0]), Math.cos(3 * w[1])].forEach((v, i) => assert.ok(Math.abs(e[1][i] - v) < 1e-6));
  assert.throws(() => timeEmbedding(tf.tensor1d([1]), 3), ValueRangeError);
});

test('UNet: ε̂ has the input shape and depends on t; a saved and reloaded UNet predicts identically', () => {
  const net = createUnet({ base: 4, seed: 1 });
  // The output conv starts at zero (ε̂ = 0); give it weights so outputs differ.
  const out = net.trainableVars().at(-2) as tf.Variable;
  out.assign(tf.randomNormal(out.shape, 0, 0.1, 'float32', 2));
  const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const a = net.apply(x, tf.tensor1d([5, 5]));
  const b = net.apply(x, tf.tensor1d([400, 400]));
  assert.deepEqual(a.shape, [2, 28, 28, 1]);
  assert.ok(tf.sub(a, b).abs().max().dataSync()[0] > 1e-4, 'the time step changes the prediction');
  assert.throws(() => net.apply(tf.zeros([2, 28, 28, 2]) as tf.Tensor4D, tf.tensor1d([1, 2])), ShapeError);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unet-')), 'ckpt');
  saveCheckpoint(dir, { model: 'unet' }, net, {});
  const copy = createUnet({ base: 4, seed: 8 });
  loadCheckpoint(dir, { model: 'unet' }, copy);
  assert.deepEqual(copy.apply(x, tf.tensor1d([5, 5])).dataSync(), a.dataSync());
  copy.dispose();
  net.dispose();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});
