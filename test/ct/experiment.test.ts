import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CtShapeError, CtValueError, evenAngles, imageMetrics, projectionOperator, sirt, sirtMixed } from '../../lib/ct';
import { type AngleRunResult, crossover, inversionModelStep, pairedDiff, predictClasses, runAngleCount } from '../../lib/ct/experiment';
import { tvPrior } from '../../lib/inverters/priors';
import { type Net } from '../../lib/models/net';
import { maxRelDiff } from './fixtures';

/** Two 28×28 "digits": a bar and a ring, zero outside the central 20×20 like MNIST. */
function phantoms(): Float32Array[] {
  const bar = new Float32Array(784);
  const ring = new Float32Array(784);
  for (let r = 4; r < 24; r++) {
    for (let c = 4; c < 24; c++) {
      if (c >= 12 && c <= 15) bar[r * 28 + c] = 1;
      const d = Math.hypot(r - 13.5, c - 13.5);
      if (d > 5 && d < 8) ring[r * 28 + c] = 0.8;
    }
  }
  return [bar, ring];
}

/** A fixed linear classifier: logit k = Σ x·W_k (W seeded), enough to test the step's plumbing. */
function linearNet(): Net {
  const w = tf.variable(tf.randomNormal([784, 10], 0, 0.05, 'float32', 5));
  return {
    name: 'linear',
    apply: (x) => tf.tidy(() => x.reshape([-1, 784]).matMul(w)),
    trainableVars: () => [w],
    getWeights: () => [w],
    setWeights: (ws) => w.assign(ws[0] as tf.Tensor2D),
    dispose: () => w.dispose(),
  };
}

before(async () => {
  await tf.setBackend('cpu');
});

test('runAngleCount: baseline = 100 SIRT iterations, an identity arm = 50 + 38 SIRT iterations, metrics of each arm', async () => {
  const digits = phantoms();
  const r = await runAngleCount({ digits, angles: 8, steps: { identity: (x) => x } });
  const op = projectionOperator({ rows: 28, cols: 28, anglesDeg: evenAngles(8), detectorCount: 40 });
  const p = op.forward(digits);
  const s100 = sirt(op, p, { iterations: 100 }).images;
  const s88 = sirt(op, p, { iterations: 88 }).images;
  r.sirt.images.forEach((img, b) => assert.ok(maxRelDiff(img, s100[b]) < 1e-6));
  r.mixed.identity.images.forEach((img, b) => assert.ok(maxRelDiff(img, s88[b]) < 1e-6));
  assert.deepEqual(r.sirt.metrics, imageMetrics(r.sirt.images, digits));
  assert.equal(r.angles, 8);
  // More SIRT iterations fit the data better: the baseline beats its own start.
  assert.ok(r.sirt.metrics.mean.mse < r.initial.metrics.mean.mse);
});

test('runAngleCount: an arm with its own schedule equals a separate run with that schedule', async () => {
  const digits = phantoms();
  const halve = (x: Float32Array[]) => x.map((img) => img.map((v) => v * 0.9));
  const merged = await runAngleCount({ digits, angles: 4, steps: { a: halve, b: { step: halve, mixedSirtIters: 48 } } });
  const alone = await runAngleCount({ digits, angles: 4, mixedSirtIters: 48, steps: { b: halve } });
  assert.deepEqual(merged.mixed.b.images, alone.mixed.b.images);
  assert.deepEqual(merged.sirt.images, alone.sirt.images);
  assert.notDeepEqual(merged.mixed.a.images, merged.mixed.b.images);
  await assert.rejects(runAngleCount({ digits, angles: 4, steps: { c: { step: halve, mixedSirtIters: -1 } } }), (e: Error) => e instanceof CtValueError && /arm "c"/.test(e.message));
});

test('runAngleCount: seeded noise changes the sinograms reproducibly', async () => {
  const digits = phantoms();
  const a = await runAngleCount({ digits, angles: 4, steps: {}, noise: 0.05, seed: 3, initialIters: 5, baselineIters: 5 });
  const b = await runAngleCount({ digits, angles: 4, steps: {}, noise: 0.05, seed: 3, initialIters: 5, baselineIters: 5 });
  const clean = await runAngleCount({ digits, angles: 4, steps: {}, initialIters: 5, baselineIters: 5 });
  assert.deepEqual(a.sirt.images, b.sirt.images);
  assert.notDeepEqual(a.sirt.images, clean.sirt.images);
});

test('runAngleCount: bad input names the value', async () => {
  const digits = phantoms();
  await assert.rejects(runAngleCount({ digits, angles: 0, steps: {} }), (e: Error) => e instanceof CtValueError && /angles is 0/.test(e.message));
  await assert.rejects(runAngleCount({ digits: [], angles: 4, steps: {} }), CtShapeError);
  await assert.rejects(runAngleCount({ digits, angles: 4, steps: {}, noise: -1 }), (e: Error) => e instanceof CtValueError && /noise is -1/.test(e.message));
  await assert.rejects(runAngleCount({ digits, angles: 4, steps: {}, mixedSirtIters: 2.5 }), /mixedSirtIters is 2.5/);
});

test('inversionModelStep: one SGD step of CE + prior towards the predicted class, no tensor leaks', async () => {
  const net = linearNet();
  const digits = phantoms();
  const x = tf.tidy(() => tf.tensor4d(Float32Array.from([...digits[0], ...digits[1]]), [2, 28, 28, 1]));
  const pred = predictClasses(net, x);
  const before = tf.memory().numTensors;
  const lr = 0.5;
  const out = await inversionModelStep({ net, targets: 'predicted', lr })(digits, { step: 0, sirtIterations: 3 });
  assert.equal(tf.memory().numTensors, before);
  // The step by hand: x − lr·∇ₓ n·CE (inversionStep descends the batch sum), linear logits.
  const expected = tf.tidy(() => {
    const y = tf.oneHot(tf.tensor1d(pred, 'int32'), 10).toFloat();
    const g = tf.grad((v: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, net.apply(v)).mul(2))(x);
    return x.sub(g.mul(lr));
  });
  const e = expected.dataSync();
  out.forEach((img, b) => assert.ok(maxRelDiff(img, e.subarray(b * 784, (b + 1) * 784)) < 1e-5));
  // The predicted class gains probability.
  const pIn = tf.tidy(() => tf.softmax(net.apply(x)).arraySync() as number[][]);
  const pOut = tf.tidy(() => tf.softmax(net.apply(expected)).arraySync() as number[][]);
  pred.forEach((k, b) => assert.ok(pOut[b][k] > pIn[b][k]));
  tf.dispose([x, expected]);
  net.dispose();
});

test('inversionModelStep: oracle labels are used as given; classLoss false leaves a pure prior step', async () => {
  const net = linearNet();
  const digits = phantoms();
  const before = tf.memory().numTensors;
  const priorOnly = await inversionModelStep({ net, targets: Int32Array.from([3, 7]), lr: 0.1, priors: [tvPrior(1)], classLoss: false })(digits, { step: 0, sirtIterations: 3 });
  // TV gradient of a constant region is zero: the bar's interior pixels keep their value, its edges smooth.
  assert.equal(priorOnly[0][14 * 28 + 13], 1);
  assert.ok(priorOnly[0][14 * 28 + 12] < 1 && priorOnly[0][14 * 28 + 11] > 0);
  const step = inversionModelStep({ net, targets: Int32Array.from([3]), lr: 0.1 });
  await assert.rejects(Promise.resolve().then(() => step(digits, { step: 0, sirtIterations: 3 })), (e: Error) => e instanceof CtShapeError && /1 labels for 2 images/.test(e.message));
  assert.throws(() => inversionModelStep({ net, targets: 'predicted', lr: 0 }), /lr is 0/);
  assert.equal(tf.memory().numTensors, before);
  // It plugs into sirtMixed.
  const op = projectionOperator({ rows: 28, cols: 28, anglesDeg: evenAngles(4), detectorCount: 40 });
  const res = await sirtMixed({ A: op, sinogram: op.forward(digits), sirtIters: 6, modelStep: inversionModelStep({ net, targets: 'predicted', lr: 0.1 }) });
  assert.equal(res.modelSteps, 2);
  assert.equal(tf.memory().numTensors, before);
  net.dispose();
});

test('pairedDiff and crossover', () => {
  const table = (psnr: number[]) => ({ mse: psnr.map((v) => 10 ** (-v / 10)), psnr, ssim: psnr.map(() => 0.5), mean: { mse: 0, psnr: psnr.reduce((s, v) => s + v) / psnr.length, ssim: 0.5 } });
  const d = pairedDiff(table([11, 12, 13]), table([10, 10, 11]), 'psnr');
  assert.ok(Math.abs(d.mean - 5 / 3) < 1e-12);
  assert.ok(Math.abs(d.sd - Math.sqrt(1 / 3)) < 1e-12); // sample sd of [1, 2, 2]
  assert.equal(d.better, true);
  assert.equal(d.worse, false);
  const run = (angles: number, mixed: number, base: number): AngleRunResult => {
    const arm = { images: [], metrics: table([mixed]), seconds: 0 };
    return { angles, initial: arm, sirt: { images: [], metrics: table([base]), seconds: 0 }, mixed: { m: arm } };
  };
  assert.equal(crossover([run(8, 20, 25), run(2, 15, 14), run(4, 18, 18.5)], 'm', 'psnr'), 4);
  assert.equal(crossover([run(2, 15, 14), run(4, 19, 18)], 'm', 'psnr'), null);
  assert.equal(crossover([run(2, 13, 14), run(4, 19, 18), run(8, 1, 2)], 'm', 'psnr'), 8);
  assert.throws(() => crossover([run(2, 1, 1)], 'other', 'psnr'), /no mixed arm "other"/);
});
