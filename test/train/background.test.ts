import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { loadMnist } from '../../lib/data/mnist';
import { createInvertibleMlp } from '../../lib/models/invertible/mlp';
import { InvertibleRun } from '../../lib/models/invertible/jobs';
import { trainInvertible } from '../../lib/models/invertible/train';
import { startBackground } from '../../lib/train/background';

const run: InvertibleRun = {
  net: { blocks: 1, slope: 0.2, seed: 7 },
  data: { limit: 20, seed: 3 },
  training: { loss: 'textbook', epochs: 2, batchSize: 10, optimizer: { name: 'adam', lr: 1e-3 }, seed: 5, checkpoints: [2] },
};

test('a background job trains into the cache; the same call in the main thread is a hit with the weights it would have trained', async () => {
  await initBackend('wasm');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-cache-'));
  process.env.MNIST_LAB_CACHE = cache;
  process.env.MNIST_LAB_THREADS = '2';
  const bg = startBackground([{ module: 'models/invertible/jobs', fn: 'trainInvertibleRuns', args: [run], label: 'one run' }]);
  const s = await bg.ready();
  assert.equal(s.ran, true);
  assert.deepEqual(s.failed, []);
  assert.deepEqual(s.done, ['one run']);

  const data = loadMnist('train', run.data);
  const hit = createInvertibleMlp(run.net);
  const r = await trainInvertible(hit, data, run.training);
  assert.equal(r.cached, true, 'the main thread found the worker\'s weights');
  // Trained here from scratch instead: the same weights (same seeds, same kernels).
  process.env.MNIST_LAB_NO_CACHE = '1';
  process.env.MNIST_LAB_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-cache-'));
  const here = createInvertibleMlp(run.net);
  try {
    assert.equal((await trainInvertible(here, data, run.training)).cached, false);
  } finally {
    delete process.env.MNIST_LAB_NO_CACHE;
  }
  const a = hit.weights[0].dataSync();
  const b = here.weights[0].dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  tf.dispose(data.images);
  hit.dispose();
  here.dispose();
});

test('with one thread allowed, no worker starts and the summary says the cells train', async () => {
  process.env.MNIST_LAB_THREADS = '1';
  const s = await startBackground([{ module: 'models/invertible/jobs', fn: 'trainInvertibleRuns', args: [run], label: 'x' }]).ready();
  assert.equal(s.ran, false);
  assert.match(s.text, /off/);
});

test('a failing job is reported by name and does not reject', async () => {
  process.env.MNIST_LAB_THREADS = '2';
  const s = await startBackground([{ module: 'models/invertible/jobs', fn: 'noSuchJob', args: null, label: 'bad job' }]).ready();
  assert.equal(s.failed.length, 1);
  assert.equal(s.failed[0].label, 'bad job');
  assert.match(s.failed[0].error, /no function noSuchJob/);
  assert.match(s.text, /retrained in their cells/);
});

test('ready(label) resolves when that job is done, before the later ones; an unknown label is refused', async () => {
  process.env.MNIST_LAB_THREADS = '2';
  process.env.MNIST_LAB_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-cache-'));
  const slow: InvertibleRun = { ...run, net: { blocks: 4, slope: 0.2, seed: 8 }, training: { ...run.training, epochs: 30, checkpoints: [30] } };
  const bg = startBackground([
    { module: 'models/invertible/jobs', fn: 'trainInvertibleRuns', args: [run], label: 'first' },
    { module: 'models/invertible/jobs', fn: 'trainInvertibleRuns', args: [slow], label: 'second' },
  ]);
  assert.throws(() => bg.ready('third'), /no background job is labelled "third"/);
  const first = await bg.ready('first');
  assert.deepEqual(first.done, ['first']);
  const all = await bg.ready();
  assert.deepEqual(all.done, ['first', 'second']);
});
