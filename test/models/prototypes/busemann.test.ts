import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { busemann, busemannLoss, createBusemannModel, expmap0 } from '../../../lib/models/prototypes/busemann';
import { circlePrototypes } from '../../../lib/models/prototypes/hypersphere';
import { prototypeLoss } from '../../../lib/models/prototypes/scores';
import { ShapeError, ValueRangeError } from '../../../lib/tensor/guards';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);
const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('expmap₀ keeps the direction and maps the norm r to tanh r (inside the ball)', () => {
  const v0 = tf.tensor2d([[3, 4], [0, 0.1], [300, 400]]);
  const before = tf.memory().numTensors;
  const z = expmap0(v0);
  const v = z.dataSync();
  close(v[0], 0.6 * Math.tanh(5));
  close(v[1], 0.8 * Math.tanh(5));
  close(v[3], Math.tanh(0.1));
  assert.ok(Math.hypot(v[4], v[5]) < 1, 'a huge vector must still land inside the ball');
  z.dispose();
  assert.equal(tf.memory().numTensors, before);
  v0.dispose();
});

test('eq. 4.7 on hand cases: b_p(z) = log(‖p − z‖² / (1 − ‖z‖²))', () => {
  const p = tf.tensor2d([[1, 0], [0, 1]]);
  const z = tf.tensor2d([[0, 0], [0.5, 0], [0, 0.5]]);
  const b = busemann(z, p).arraySync();
  close(b[0][0], 0); // origin: log(1 / 1)
  close(b[0][1], 0);
  close(b[1][0], Math.log(0.25 / 0.75)); // toward p: −1.0986
  close(b[1][1], Math.log(1.25 / 0.75)); // sideways: 0.5108
  close(b[2][1], Math.log(0.25 / 0.75));
  tf.dispose([p, z]);
});

test('penalised Busemann loss on a hand case, and its minimum along p at ‖z‖ = 1/φ', () => {
  const before = tf.memory().numTensors;
  const p = tf.tensor2d([[1, 0], [0, 1]]);
  const t = tf.tensor2d([[1, 0]]);
  const at = (r: number, slope: number) => {
    const z = tf.tensor2d([[r, 0]]);
    const v = value(busemannLoss(z, p, t, slope));
    z.dispose();
    return v;
  };
  // φ = 1·2: log(.25/.75) − 2·log(.75) + 2·log 2
  close(at(0.5, 1), Math.log(0.25 / 0.75) - 2 * Math.log(0.75) + 2 * Math.log(2));
  close(at(0, 1), 2 * Math.log(2)); // the origin: only the constant φ·log 2 is left
  // slope 1, D 2 → φ = 2 → optimum at r = 0.5
  assert.ok(at(0.5, 1) < at(0.45, 1) && at(0.5, 1) < at(0.55, 1));
  // no penalty: b_p keeps falling toward the boundary
  assert.ok(at(0.9, 0) < at(0.5, 0));
  tf.dispose([p, t]);
  assert.equal(tf.memory().numTensors, before);
});

test('bad inputs: wrong shapes are ShapeErrors, a negative slope a ValueRangeError', () => {
  const p = tf.tensor2d([[1, 0], [0, 1]]);
  const z = tf.zeros([2, 3]);
  const t = tf.zeros([2, 2]);
  assert.throws(() => busemann(z, p), (e: Error) => e instanceof ShapeError && /2,3/.test(e.message));
  const z2 = tf.zeros([2, 2]);
  assert.throws(() => busemannLoss(z2, p, t, -1), (e: Error) => e instanceof ValueRangeError && /-1/.test(e.message));
  tf.dispose([p, z, t, z2]);
});

test('the Busemann model maps images into the ball; loss and gradients stay finite; no leaks', () => {
  const m = createBusemannModel({ prototypes: circlePrototypes(10), seed: 4 });
  const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5);
  const t = tf.oneHot(tf.tensor1d([0, 4, 9], 'int32'), 10).toFloat();
  tf.tidy(() => m.net.apply(x));
  const before = tf.memory().numTensors;
  const z = m.net.apply(x);
  const norms = tf.tidy(() => z.norm('euclidean', 1)).dataSync();
  assert.ok(Array.from(norms).every((n) => n < 1));
  const { value: l, grads } = tf.variableGrads(() => m.loss(m.net.apply(x, true), t), m.net.trainableVars());
  assert.ok(Number.isFinite(l.dataSync()[0]));
  for (const g of Object.values(grads)) assert.ok(g.dataSync().every(Number.isFinite));
  tf.dispose([z, l, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before + 1); // + the norms tensor read above
  tf.dispose([x, t]);
  m.dispose();
});

test('classifier view: arg-max = smallest b_p, and prototypeLoss of its scores = the training loss', () => {
  const m = createBusemannModel({ prototypes: circlePrototypes(10), seed: 6 });
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 8);
  const t = tf.oneHot(tf.tensor1d([2, 3, 5, 8], 'int32'), 10).toFloat() as tf.Tensor2D;
  tf.tidy(() => m.classifier.apply(x));
  const before = tf.memory().numTensors;
  const [viaView, direct, argView, argB] = tf.tidy(() => {
    const z = m.net.apply(x);
    return [prototypeLoss(m.classifier.apply(x) as tf.Tensor2D, t), m.loss(z, t), m.classifier.apply(x).argMax(1), busemann(z, m.prototypes).argMin(1)];
  });
  close(viaView.dataSync()[0], direct.dataSync()[0], 1e-4);
  assert.deepEqual(Array.from(argView.dataSync()), Array.from(argB.dataSync()));
  tf.dispose([viaView, direct, argView, argB]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, t]);
  m.dispose();
});
