import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  circlePrototypes, cosineScores, createHypersphereModel, hypersphereLoss, maxCosine, nearestPrototype, placePrototypes, separationLoss,
} from '../../../lib/models/prototypes/hypersphere';
import { prototypeLoss } from '../../../lib/models/prototypes/scores';
import { ShapeError } from '../../../lib/tensor/guards';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);
const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('eq. 4.4 on a hand case: mean over rows of the nearest other prototype\'s cosine', () => {
  const before = tf.memory().numTensors;
  // Unit directions (1,0), (.6,.8), (0,1) given unnormalised: cos01 = .6, cos02 = 0, cos12 = .8.
  const p = tf.tensor2d([[2, 0], [3, 4], [0, 5]]);
  close(value(separationLoss(p)), (0.6 + 0.8 + 0.8) / 3);
  close(maxCosine(p), 0.8);
  // Three collinear-opposite points: (1,0), (0,1), (−1,0): row maxima 0, 0, 0.
  const q = tf.tensor2d([[1, 0], [0, 1], [-1, 0]]);
  close(value(separationLoss(q)), 0);
  tf.dispose([p, q]);
  assert.equal(tf.memory().numTensors, before);
});

test('placement lowers the max cosine similarity below the random start and keeps unit norms', () => {
  const before = tf.memory().numTensors;
  // D = 2 uses the closed form (see circlePrototypes): learning stalls on the circle.
  for (const dims of [3, 5]) {
    const r = placePrototypes({ dims, steps: 300, seed: 11 });
    assert.ok(r.maxCosEnd < r.maxCosStart - 0.05, `D=${dims}: ${r.maxCosEnd} not below start ${r.maxCosStart}`);
    const norms = tf.tidy(() => r.prototypes.norm('euclidean', 1));
    norms.dataSync().forEach((n) => close(n, 1, 1e-4));
    norms.dispose();
    assert.ok(r.losses[r.losses.length - 1] < r.losses[0]);
    // 10 points on S²: the best packing has max cosine ≈ 0.41 (Tammes problem, 66.1°).
    if (dims === 3) assert.ok(r.maxCosEnd < 0.5, `3-D spacing ${r.maxCosEnd} far from the Tammes optimum ≈ 0.41`);
    r.prototypes.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test('evenly spaced circle prototypes reach the 2-D optimum cos(2π/K)', () => {
  const p = circlePrototypes(10);
  close(maxCosine(p), Math.cos((2 * Math.PI) / 10));
  p.dispose();
});

test('eq. 4.5 on a hand case, with one-hot and soft targets', () => {
  const before = tf.memory().numTensors;
  const p = tf.tensor2d([[1, 0], [0.6, 0.8]]);
  const z = tf.tensor2d([[1, 0], [0, 2]]);
  // z0 → p1: cos .6 → (1 − .6)² = .16; z1 → p0: cos 0 → 1. Mean .58.
  const t = tf.tensor2d([[0, 1], [1, 0]]);
  close(value(hypersphereLoss(z, p, t)), 0.58);
  // z1 → p1: cos .8 → .04; soft [.5,.5] for z1: .5·1 + .5·.04 = .52. Mean (.16 + .52)/2.
  const soft = tf.tensor2d([[0, 1], [0.5, 0.5]]);
  close(value(hypersphereLoss(z, p, soft)), (0.16 + 0.52) / 2);
  const s = cosineScores(z, p);
  assert.deepEqual(Array.from(nearestPrototype(s)), [0, 1]);
  tf.dispose([p, z, t, soft, s]);
  assert.equal(tf.memory().numTensors, before);
});

test('wrong shapes are ShapeErrors that name the shapes', () => {
  const p = tf.tensor2d([[1, 0], [0, 1]]);
  const z = tf.zeros([3, 3]);
  const t = tf.zeros([3, 2]);
  assert.throws(() => cosineScores(z, p), (e: Error) => e instanceof ShapeError && /3,3/.test(e.message));
  assert.throws(() => hypersphereLoss(tf.zeros([2, 2]), p, t), ShapeError);
  tf.dispose([p, z, t]);
});

test('the model maps images to D outputs and its loss has gradients for every weight', () => {
  const m = createHypersphereModel({ prototypes: circlePrototypes(10), seed: 2 });
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
  const t = tf.oneHot(tf.tensor1d([1, 7], 'int32'), 10).toFloat();
  const { value: l, grads } = tf.variableGrads(() => m.loss(m.net.apply(x, true), t), m.net.trainableVars());
  assert.ok(Number.isFinite(l.dataSync()[0]));
  assert.equal(Object.keys(grads).length, m.net.trainableVars().length);
  tf.dispose([x, t, l, ...Object.values(grads)]);
  m.dispose();
});

test('classifier view: arg-max = largest cosine, and prototypeLoss of its scores = eq. 4.5', () => {
  const m = createHypersphereModel({ prototypes: placePrototypes({ dims: 3, steps: 50, seed: 1 }).prototypes, seed: 2 });
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 8);
  const t = tf.oneHot(tf.tensor1d([2, 3, 5, 8], 'int32'), 10).toFloat() as tf.Tensor2D;
  const [viaView, direct, argView, argCos] = tf.tidy(() => {
    const z = m.net.apply(x);
    return [prototypeLoss(m.classifier.apply(x) as tf.Tensor2D, t), m.loss(z, t), m.classifier.apply(x).argMax(1), cosineScores(z, m.prototypes).argMax(1)];
  });
  close(viaView.dataSync()[0], direct.dataSync()[0], 1e-5);
  assert.deepEqual(Array.from(argView.dataSync()), Array.from(argCos.dataSync()));
  tf.dispose([viaView, direct, argView, argCos, x, t]);
  m.dispose();
});
