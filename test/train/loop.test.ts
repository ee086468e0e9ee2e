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

test('a custom step (two losses, no optimiser passed) runs on the same loop: parts kept, shuffles seeded, no leaks', async () => {
  const { x, w, b } = problem();
  const optA = tf.train.sgd(0.3);
  const optB = tf.train.sgd(0.3);
  const counts: number[] = [];
  const run = () => trainLoop({
    x, epochs: 10, batchSize: 16, seed: 4, partNames: ['A', 'B'],
    step: (xb, yb) => {
      assert.equal(yb, xb); // no targets: the inputs come back
      const a = optA.minimize(() => tf.losses.meanSquaredError(xb.mul(3), xb.matMul(w)) as tf.Scalar, true, [w]) as tf.Scalar;
      const c = optB.minimize(() => b.sub(2).square().sum() as tf.Scalar, true, [b]) as tf.Scalar;
      return [a, c];
    },
    onEpoch: () => void counts.push(tf.memory().numTensors),
  });
  const r = await run();
  assert.equal(r.parts?.length, 2);
  assert.equal(r.parts?.[0].length, 40);
  assert.deepEqual(r.losses, r.parts?.[0]);
  assert.ok(r.parts![1][39] < r.parts![1][0], 'the second update also learns');
  assert.ok(Math.abs(w.dataSync()[0] - 3) < 0.05 && Math.abs(b.dataSync()[0] - 2) < 0.05);
  assert.equal(new Set(counts).size, 1, `tensor counts per epoch ${counts}`);
  await assert.rejects(trainLoop({ x, epochs: 1, batchSize: 16, seed: 1 }), /give either loss \+ optimizer \+ vars, or a step function/);
  await assert.rejects(
    trainLoop({ x, epochs: 1, batchSize: 16, seed: 1, partNames: ['D', 'G'], step: () => [tf.scalar(1), tf.scalar(NaN)], label: 'gan' }),
    (e: Error) => e instanceof ValueRangeError && /gan: G loss became NaN at epoch 1, step 1/.test(e.message),
  );
  tf.dispose([x, w, b]);
  optA.dispose();
  optB.dispose();
});
