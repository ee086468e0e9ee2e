import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { loadMnist } from '../../lib/data/mnist';
import { Judge, judgeDir, JudgeWeightsError, loadJudge } from '../../lib/eval/judge';
import { uniformNoise } from '../../lib/eval/scores';

let judge: Judge;
before(async () => {
  await initBackend();
  judge = await loadJudge();
});

/** Arg-max of each row of probabilities [n,10], read outside tidy. */
function argMaxAndMax(p: tf.Tensor2D): { top: Int32Array; max: Float32Array } {
  const [i, m] = tf.tidy(() => [p.argMax(1), p.max(1)]);
  const out = { top: i.dataSync() as Int32Array, max: m.dataSync() as Float32Array };
  tf.dispose([i, m]);
  return out;
}

test('the committed judge reaches ≥ 99 % on 1,000 test digits and its probabilities are distributions', () => {
  // A seeded random 1,000 (the file's first 1,000 are not a random sample of the test set).
  const test1k = loadMnist('test', { limit: 1000, seed: 1 });
  const p = judge.probs(test1k.images);
  assert.deepEqual(p.shape, [1000, 10]);
  const sums = tf.tidy(() => p.sum(1));
  assert.ok(Array.from(sums.dataSync()).every((s) => Math.abs(s - 1) < 1e-4));
  const { top } = argMaxAndMax(p);
  const acc = top.reduce((a, t, i) => a + (t === test1k.labels[i] ? 1 : 0), 0) / 1000;
  tf.dispose([p, sums, test1k.images]);
  assert.ok(acc >= 0.99, `judge accuracy ${acc} on 1,000 test digits is below 0.99`);
  assert.ok(judge.info.testAccuracy >= 0.99, `recorded test accuracy ${judge.info.testAccuracy}`);
});

// The judge's fine-tune used outlier exposure with uniform noise of random amplitude among its
// outliers (scripts/train-judge.ts): this checks that it took, on fresh noise.
test('on uniform noise the judge is unsure and right only by chance', () => {
  const noise = uniformNoise(500, 5);
  const p = judge.probs(noise);
  const { top, max } = argMaxAndMax(p);
  // Random intended labels: accuracy should sit near 1/10.
  const labels = Int32Array.from({ length: 500 }, (_, i) => (i * 7 + 3) % 10);
  const acc = top.reduce((a, t, i) => a + (t === labels[i] ? 1 : 0), 0) / 500;
  const meanMax = max.reduce((a, b) => a + b, 0) / 500;
  tf.dispose([p, noise]);
  assert.ok(acc < 0.25, `accuracy on noise ${acc} is far above chance (0.1)`);
  assert.ok(meanMax < 0.8, `mean top probability on noise ${meanMax.toFixed(3)} is not low`);
  // Clipped Gaussian noise was not among the fine-tune's outliers: the doubt generalises.
  const gauss = tf.tidy(() => tf.randomNormal([300, 28, 28, 1], 0.3, 0.3, 'float32', 8).clipByValue(0, 1));
  const pg = judge.probs(gauss);
  const g = argMaxAndMax(pg);
  const gMax = g.max.reduce((a, b) => a + b, 0) / 300;
  tf.dispose([pg, gauss]);
  assert.ok(gMax < 0.8, `mean top probability on Gaussian noise ${gMax.toFixed(3)} is not low`);
});

test('features are the 256-D penultimate layer, batched, without leaking tensors', () => {
  const x = loadMnist('test', { limit: 300 });
  const n0 = tf.memory().numTensors;
  const f = judge.features(x.images);
  assert.deepEqual(f.shape, [300, 256]);
  const neg = tf.tidy(() => f.less(0).sum());
  assert.equal(neg.dataSync()[0], 0, 'ReLU features are never negative');
  tf.dispose([f, neg]);
  assert.equal(tf.memory().numTensors, n0);
  x.images.dispose();
});

test('missing or corrupt weights fail with an error naming `npm run train-judge`', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-'));
  await assert.rejects(loadJudge({ dir: tmp }), (e: Error) => e instanceof JudgeWeightsError && /missing; run `npm run train-judge`/.test(e.message));
  fs.copyFileSync(path.join(judgeDir(), 'model.json'), path.join(tmp, 'model.json'));
  const bin = fs.readFileSync(path.join(judgeDir(), 'weights.bin'));
  bin[1234] ^= 0xff;
  fs.writeFileSync(path.join(tmp, 'weights.bin'), bin);
  await assert.rejects(loadJudge({ dir: tmp }), (e: Error) => e instanceof JudgeWeightsError && /corrupt: SHA-256 .*npm run train-judge/.test(e.message));
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the judge rejects a wrong input shape', () => {
  const x = tf.zeros([2, 784]);
  assert.throws(() => judge.probs(x), /judge input has shape \[2,784\]/);
  x.dispose();
});
