import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createFcnn } from '../../lib/models/fcnn';
import { createVae } from '../../lib/models/generative/vae';
import { ThesisTasks } from '../../lib/inverters/thesis-tasks';
import { l2Prior, tvPrior } from '../../lib/inverters/priors';
import { trainWithSoftLabels } from '../../lib/train/soft-labels';
import { trainVae } from '../../lib/train/vae';
import { createBaseline } from '../../lib/train/baselines';
import { fitBaseline } from '../../lib/train/baseline-figures';

// The helpers notebooks 03 and 05 used to define inline, run small: results, figures in a temp dir, no leaks.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-helpers-'));
before(async () => {
  await tf.setBackend('cpu');
  process.env.MNIST_LAB_CACHE = path.join(tmp, 'cache');
  process.env.MNIST_LAB_FIGURES = path.join(tmp, 'figures');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('ThesisTasks: Task 1 tiles and Task 2 snapshots per classifier, figures written, a rerun replaces without leaking', async () => {
  const net = createFcnn({ layers: 1, activation: 'selu', seed: 1 });
  const task1Targets = Int32Array.from({ length: 10 }, (_, i) => i);
  const start = tf.randomUniform([11, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
  const tasks = new ThesisTasks({ start, task1Targets, steps: 3, optimizer: { name: 'adam', lr: 0.1 }, priors: [tvPrior(0.003), l2Prior(0.001)], task2Snapshots: [0, 3] });
  const r = await tasks.run('a', net);
  assert.deepEqual(r.task1.shape, [10, 28, 28, 1]);
  assert.equal(r.task2.length, 2);
  assert.deepEqual(Array.from(r.task2[0]), Array.from(start.slice(10, 1).dataSync()), 'Task 2 starts from the last start image');
  assert.equal(r.n, 11);
  assert.ok(r.targetProb > 0 && r.targetProb < 1);
  const live = tf.memory().numTensors;
  await tasks.run('a', net);
  assert.equal(tf.memory().numTensors, live, 'the rerun disposes the run it replaces');
  await tasks.run('b', net);
  tasks.figures('nb-tasks', ['a', 'b'], 'test');
  for (const f of ['nb-tasks-task1.png', 'nb-tasks-task2.png']) assert.ok(fs.statSync(path.join(tmp, 'figures', f)).size > 1000, f);
  tasks.dispose();
  tf.dispose([start]);
  net.dispose();
});

test('trainWithSoftLabels trains on data + soft-labelled extras and caches; trainVae caches too; no leaks', async () => {
  const n = 32;
  const data = { images: tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D, labels: Int32Array.from({ length: n }, (_, i) => i % 10), n };
  const extra = { images: tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 4), soft: tf.fill([8, 10], 0.1) };
  const cfg = { epochs: 1, batchSize: 8, optimizer: { name: 'adam' as const, lr: 1e-3 }, seed: 5 };
  const live = tf.memory().numTensors;
  const net = createFcnn({ layers: 1, activation: 'selu', seed: 1 });
  const a = await trainWithSoftLabels(net, { test: 'soft' }, data, extra, cfg, 'soft');
  assert.equal(a.cached, false);
  assert.equal(a.epochLosses.length, 1);
  const net2 = createFcnn({ layers: 1, activation: 'selu', seed: 99 });
  const b = await trainWithSoftLabels(net2, { test: 'soft' }, data, extra, cfg, 'soft');
  assert.equal(b.cached, true);
  assert.deepEqual(Array.from(net2.getWeights()[0].dataSync()), Array.from(net.getWeights()[0].dataSync()));
  const vae = createVae({ latent: 2, hidden: 8, seed: 1 });
  const v = await trainVae(vae, { test: 'vae' }, data.images, { epochs: 1, lr: 1e-3, batchSize: 8, seed: 1 });
  assert.ok(Number.isFinite(v.finalLoss));
  [net, net2, vae].forEach((m) => m.dispose());
  assert.equal(tf.memory().numTensors, live);
  tf.dispose([data.images, extra.images, extra.soft]);
});

test('fitBaseline trains, writes the first/final grid and the time-lapse GIF, and says what it did', async () => {
  const b = createBaseline({ kind: 'vae', images: 16, epochs: 2, batchSize: 8, lr: 1e-3, latent: 2, hidden: 8 }, 1);
  const train = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 6);
  const r = await fitBaseline(b, train, { seed: 1, frameSeed: 2 }, 'test-vae');
  assert.equal(r.frames.length, 2);
  assert.match(r.summary, /^VAE: trained in \d+\.\d\d min$/);
  for (const f of ['05-test-vae-first-final.png', '05-test-vae-timelapse.gif']) assert.ok(fs.existsSync(path.join(tmp, 'figures', f)), f);
  const again = await fitBaseline(b, train, { seed: 1, frameSeed: 2 }, 'test-vae');
  assert.match(again.summary, /^VAE: loaded from the cache \(trained in /);
  b.dispose();
  train.dispose();
});
