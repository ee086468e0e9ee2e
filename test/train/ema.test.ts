import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { WeightEma } from '../../lib/train/ema';

test('EMA: decay warms up linearly, starts as a copy and follows the weights', () => {
  const v = tf.variable(tf.scalar(0), true, 'ema_v');
  const ema = new WeightEma([v], 0.9, 10);
  assert.equal(ema.decayAt(5), 0.45);
  assert.equal(ema.decayAt(50), 0.9);
  v.assign(tf.scalar(1));
  ema.update(); // d = 0.09
  const [a] = ema.weights();
  assert.ok(Math.abs(a.dataSync()[0] - 0.91) < 1e-6);
  a.dispose();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) ema.update();
  assert.equal(tf.memory().numTensors, before);
  v.assign(tf.scalar(5));
  ema.copyToVars();
  assert.ok(Math.abs(v.dataSync()[0] - 1) < 1e-5, 'the average of a constant 1 is 1');
  assert.throws(() => new WeightEma([v], 1), /decay=1/);
  ema.dispose();
  v.dispose();
});
