import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../../lib/data/mnist';
import { createCnn } from '../../lib/models/cnn';
import { disposeCheckpoints, loadCheckpoint, trainEpochCheckpoints } from '../../lib/train/epoch-checkpoints';

let dir = '';
before(() => {
  tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epochs-'));
  process.env.MNIST_LAB_CACHE = dir;
  process.env.MNIST_LAB_QUIET = '1';
});
after(() => {
  delete process.env.MNIST_LAB_CACHE;
  fs.rmSync(dir, { recursive: true, force: true });
});

const cfg = { batchSize: 32, optimizer: { name: 'adam' as const, lr: 3e-3 }, seed: 9 };
const flat = (ws: tf.Tensor[]) => ws.flatMap((w) => Array.from(w.dataSync()));

test('one run keeps the weights after each checkpoint epoch; a second run loads the same from the cache', async () => {
  const train = loadMnist('train', { limit: 64, seed: 1 });
  const test = loadMnist('test', { limit: 64 });
  const make = () => createCnn({ seed: 2, filters: [2, 2], hidden: 8 });
  const net = make();
  const a = await trainEpochCheckpoints(net, { arch: 'tiny' }, train, test, cfg, [1, 2]);
  assert.deepEqual(a.map((c) => c.epoch), [1, 2]);
  assert.ok(a.every((c) => !c.cached && c.testAccuracy >= 0 && c.testAccuracy <= 1));
  assert.notDeepEqual(flat(a[0].weights), flat(a[1].weights));
  const net2 = make();
  const b = await trainEpochCheckpoints(net2, { arch: 'tiny' }, train, test, cfg, [1, 2]);
  assert.ok(b.every((c) => c.cached));
  assert.deepEqual(flat(b[1].weights), flat(a[1].weights));
  assert.deepEqual(b.map((c) => c.testAccuracy), a.map((c) => c.testAccuracy));
  loadCheckpoint(net2, a[0]);
  assert.deepEqual(flat(net2.getWeights()), flat(a[0].weights));
  await assert.rejects(trainEpochCheckpoints(net, { arch: 'tiny' }, train, test, cfg, [2, 2]), /\[2,2\]/);
  disposeCheckpoints([...a, ...b]);
  tf.dispose([train.images, test.images]);
  net.dispose();
  net2.dispose();
});
