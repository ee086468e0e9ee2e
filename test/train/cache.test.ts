import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { cachedWeights, configHash, HasWeights } from '../../lib/train/cache';

let dir = '';
before(() => {
  tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-'));
  process.env.MNIST_LAB_CACHE = dir;
});
after(() => {
  delete process.env.MNIST_LAB_CACHE;
  fs.rmSync(dir, { recursive: true, force: true });
});

function model(seed: number): HasWeights & { vars: tf.Variable[] } {
  const vars = [tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', seed)), tf.variable(tf.randomNormal([4], 0, 1, 'float32', seed + 1))];
  return { vars, getWeights: () => vars, setWeights: (ws) => ws.forEach((w, i) => vars[i].assign(w)) };
}

test('train once, then load identical weights and the training report from the cache', async () => {
  const key = { arch: 'toy', lr: 0.1 };
  let trained = 0;
  const a = model(1);
  const first = await cachedWeights(key, a, async () => {
    trained++;
    return { losses: [3, 2, 1] };
  });
  assert.equal(first.cached, false);
  const b = model(2); // different initial weights
  const second = await cachedWeights(key, b, async () => {
    trained++;
    return { losses: [] };
  });
  assert.equal(second.cached, true);
  assert.deepEqual(second.meta, { losses: [3, 2, 1] });
  assert.equal(trained, 1);
  a.vars.forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), Array.from(b.vars[i].dataSync())));
  // Another configuration trains again.
  await cachedWeights({ arch: 'toy', lr: 0.2 }, model(3), async () => void trained++);
  assert.equal(trained, 2);
});

test('key order does not matter; checkpoints are written atomically (no temp folders left)', async () => {
  assert.equal(configHash({ a: 1, b: [1, 2] }), configHash({ b: [1, 2], a: 1 }));
  // A killed run leaves only a temp folder, which is never read as a checkpoint.
  const key = { arch: 'killed' };
  fs.mkdirSync(path.join(dir, `${configHash(key)}.tmp-123-456`), { recursive: true });
  const r = await cachedWeights(key, model(4), async () => ({ ok: true }));
  assert.equal(r.cached, false);
  assert.ok(fs.existsSync(path.join(dir, configHash(key), 'model.json')));
  assert.ok(fs.existsSync(path.join(dir, configHash(key), 'weights.bin')));
});
