import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../lib/backend/wasm/index';
import { createVae, klDivergence, reconstructionError, reparameterize, sampleVae, vaeLoss } from '../../../lib/models/generative/vae';
import { loadCheckpoint, saveCheckpoint } from '../../../lib/train/cache';
import { ShapeError, ValueRangeError } from '../../../lib/tensor/guards';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

test('KL term equals the closed form −½ Σ (1 + log σ² − μ² − σ²), averaged over the batch (eq. 32)', () => {
  const mu = [[0, 0, 0], [1, -2, 0.5]];
  const lv = [[0, 0, 0], [0.3, -1, 2]];
  const kl = klDivergence(tf.tensor2d(mu), tf.tensor2d(lv)).dataSync()[0];
  const closed = mu.map((m, i) => -0.5 * m.reduce((s, mj, j) => s + 1 + lv[i][j] - mj * mj - Math.exp(lv[i][j]), 0));
  assert.equal(Math.abs(closed[0]), 0); // q = p gives KL 0
  assert.ok(Math.abs(kl - (closed[0] + closed[1]) / 2) < 1e-5, `${kl} vs ${(closed[0] + closed[1]) / 2}`);
  // KL(N(μ,σ²) ‖ N(0,1)) ≥ 0 with a small numerical slack.
  assert.ok(closed[1] > 0);
});

test('reparameterisation z = μ + exp(½ log σ²) ε (eq. 10) and the reconstruction sum (eq. 31)', () => {
  const z = reparameterize(tf.tensor2d([[1, 2]]), tf.tensor2d([[Math.log(4), 0]]), tf.tensor2d([[0.5, -1]])).dataSync();
  assert.ok(Math.abs(z[0] - 2) < 1e-6 && Math.abs(z[1] - 1) < 1e-6);
  const r = reconstructionError(tf.ones([2, 28, 28, 1]), tf.zeros([2, 28, 28, 1])).dataSync()[0];
  assert.equal(r, 784);
});

test('encode/decode shapes; bad input names the shape; a training step leaks nothing; save + reload decodes identically', () => {
  const vae = createVae({ latent: 8, hidden: 32, seed: 1 });
  const x = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 2);
  const { mu, logVar } = vae.encode(x);
  assert.deepEqual(mu.shape, [5, 8]);
  assert.deepEqual(logVar.shape, [5, 8]);
  const y = vae.decode(mu);
  assert.deepEqual(y.shape, [5, 28, 28, 1]);
  assert.ok(y.dataSync().every((v) => v > 0 && v < 1));
  assert.throws(() => vae.decode(tf.zeros([2, 7])), (e: Error) => e instanceof ShapeError && /\[2,7\]/.test(e.message));
  assert.throws(() => createVae({ latent: 0, seed: 1 }), ValueRangeError);

  const opt = tf.train.adam(1e-3);
  const loss = vaeLoss(vae, 3);
  const step = () => { const l = tf.tidy(() => opt.minimize(() => loss(x), true, vae.trainableVars()) as tf.Scalar); const v = l.dataSync()[0]; l.dispose(); return v; };
  const l0 = step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) step();
  assert.equal(tf.memory().numTensors, before);
  assert.ok(step() < l0, 'the loss falls on a fixed batch');

  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vae-')), 'ckpt');
  saveCheckpoint(dir, { model: 'vae' }, vae, {});
  const copy = createVae({ latent: 8, hidden: 32, seed: 7 });
  loadCheckpoint(dir, { model: 'vae' }, copy);
  const a = sampleVae(vae, 3, 5);
  const b = sampleVae(copy, 3, 5);
  assert.deepEqual(a.dataSync(), b.dataSync());
  tf.dispose([x, mu, logVar, y, a, b]);
  opt.dispose();
  copy.dispose();
  vae.dispose();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});
