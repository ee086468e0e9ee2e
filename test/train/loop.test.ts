import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { trainLoop } from '../../lib/train/loop';
import { ValueRangeError } from '../../lib/tensor/guards';

before(() => tf.setBackend('cpu'));

/** y = 3x − 1 with noise-free data: a linear model must find it. */
function problem() {
  const x = tf.linspace(-1, 1, 64).reshape([64, 1]);
  const y = x.mul(3).sub(1);
  const w = tf.variable(tf.zeros([1, 1]));
  const b = tf.variable(tf.zeros([1]));
  return { x, y, w, b };
}

test('the loop fits a linear model, and the tensor count is flat across epochs', async () => {
  const { x, y, w, b } = problem();
  const opt = tf.train.sgd(0.3);
  const counts: number[] = [];
  const r = await trainLoop({
    vars: [w, b], optimizer: opt, x, y, epochs: 30, batchSize: 16, seed: 1,
    loss: (xb, yb) => tf.losses.meanSquaredError(yb, xb.matMul(w).add(b)) as tf.Scalar,
    onEpoch: () => void counts.push(tf.memory().numTensors),
  });
  assert.ok(r.epochLosses[29] < 1e-4 && r.epochLosses[29] < r.epochLosses[0], `${r.epochLosses[0]} -> ${r.epochLosses[29]}`);
  assert.ok(Math.abs(w.dataSync()[0] - 3) < 0.01 && Math.abs(b.dataSync()[0] + 1) < 0.01);
  assert.equal(new Set(counts.slice(1)).size, 1, `tensor counts per epoch ${counts}`);
  assert.equal(r.losses.length, 30 * 4);
  tf.dispose([x, y, w, b]);
  opt.dispose();
});

test('same seed, same losses', async () => {
  const run = async () => {
    const { x, y, w, b } = problem();
    const r = await trainLoop({ vars: [w, b], optimizer: tf.train.sgd(0.1), x, y, epochs: 2, batchSize: 10, seed: 9, loss: (xb, yb) => tf.losses.meanSquaredError(yb, xb.matMul(w).add(b)) as tf.Scalar });
    tf.dispose([x, y, w, b]);
    return r.losses;
  };
  assert.deepEqual(await run(), await run());
});

test('a loss that turns NaN stops training with an error naming the step and the fix', async () => {
  const { x, y, w, b } = problem();
  await assert.rejects(
    trainLoop({ vars: [w, b], optimizer: tf.train.sgd(0.1), x, y, epochs: 1, batchSize: 16, seed: 1, loss: (xb) => xb.matMul(w).add(b).sub(1).sqrt().mean() as tf.Scalar, label: 'bad' }),
    (e: Error) => e instanceof ValueRangeError && /bad: loss became NaN at epoch 1, step 1; lower the learning rate/.test(e.message),
  );
  tf.dispose([x, y, w, b]);
});
