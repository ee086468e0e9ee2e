import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Judge } from '../../lib/eval/judge';
import { judgeTargetProbs } from '../../lib/eval/target-probs';
import { loadJudgeIfPresent } from '../../lib/eval/judge-optional';
import { ShapeError } from '../../lib/tensor/guards';

before(() => tf.setBackend('cpu'));

/** A stand-in judge whose p(class k) is the mean pixel for k = 0 and spread evenly otherwise: it sees the clipping. */
const fake = { probs: (x: tf.Tensor) => tf.tidy(() => { const m = x.mean([1, 2, 3]).reshape([-1, 1]); return tf.concat([m, tf.tile(tf.sub(1, m).div(9), [1, 9])], 1) as tf.Tensor2D; }) } as unknown as Judge;

test('judgeTargetProbs: p(target) per image, images clipped to [0,1] first, no leaks', () => {
  const x = tf.tensor4d([...new Array(784).fill(2), ...new Array(784).fill(0.5)], [2, 28, 28, 1]);
  const live = tf.memory().numTensors;
  const p = judgeTargetProbs(fake, x, Int32Array.from([0, 3]));
  assert.equal(tf.memory().numTensors, live);
  assert.ok(Math.abs(p[0] - 1) < 1e-6, 'clipped to 1, not 2');
  assert.ok(Math.abs(p[1] - 0.5 / 9) < 1e-6);
  assert.throws(() => judgeTargetProbs(fake, x, Int32Array.from([0])), (e: Error) => e instanceof ShapeError && /2 images but 1 targets/.test(e.message));
  x.dispose();
});

test('loadJudgeIfPresent: null when MNIST_LAB_JUDGE points to a folder without weights', async () => {
  const old = process.env.MNIST_LAB_JUDGE;
  process.env.MNIST_LAB_JUDGE = fs.mkdtempSync('/tmp/no-judge-');
  try {
    assert.equal(await loadJudgeIfPresent(), null);
  } finally {
    if (old === undefined) delete process.env.MNIST_LAB_JUDGE; else process.env.MNIST_LAB_JUDGE = old;
  }
});
