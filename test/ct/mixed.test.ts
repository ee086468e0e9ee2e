import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CtShapeError, CtValueError, evenAngles, projectionOperator, sirt, sirtMixed, sirtSolver, tensorStep } from '../../lib/ct';
import { maxRelDiff, randomImages } from './fixtures';

const op = projectionOperator({ rows: 28, cols: 28, anglesDeg: evenAngles(8), detectorCount: 40 });
const sinogram = op.forward(randomImages(2, op.nPixels, 21));

before(async () => {
  await tf.setBackend('cpu');
});

test('3:1 schedule: a model step after every third SIRT iteration, none after a partial block', async () => {
  const calls: string[] = [];
  const res = await sirtMixed({
    A: op,
    sinogram,
    sirtIters: 10,
    modelStep: (x, info) => {
      calls.push(`${x.length} images, step ${info.step} after ${info.sirtIterations} SIRT`);
      return x;
    },
  });
  assert.deepEqual(calls, ['2 images, step 0 after 3 SIRT', '2 images, step 1 after 6 SIRT', '2 images, step 2 after 9 SIRT']);
  assert.equal(res.modelSteps, 3);
  assert.equal(res.sirtIterations, 10);
  assert.equal(res.residualNorms.length, 10);
  // An identity model step changes nothing but a float32 round trip of the iterate: the result is plain SIRT.
  const plain = sirt(op, sinogram, { iterations: 10 }).images;
  res.images.forEach((img, b) => assert.ok(maxRelDiff(img, plain[b]) < 1e-6));
});

test('the model step output is what the next SIRT block starts from', async () => {
  const halve = (x: Float32Array[]) => x.map((img) => img.map((v) => v / 2));
  const x0 = sirt(op, sinogram, { iterations: 5 }).images;
  const res = await sirtMixed({ A: op, sinogram, x0, sirtIters: 4, ratio: 2, modelStep: halve, max: 0.9 });
  // The same sequence by hand with the solver.
  const s = sirtSolver(op, sinogram, { x0, max: 0.9 });
  for (let k = 0; k < 2; k++) {
    s.iterate(2);
    s.setImages(halve(s.images()));
  }
  assert.deepEqual(res.images, s.images());
  assert.equal(res.modelSteps, 2);
});

test('clampModelStep = false keeps the model output as it is', async () => {
  const negate = (x: Float32Array[]) => x.map((img) => img.map((v) => -v - 1));
  const res = await sirtMixed({ A: op, sinogram, sirtIters: 3, modelStep: negate, clampModelStep: false });
  assert.ok(res.images[0].every((v) => v <= -1));
  const clamped = await sirtMixed({ A: op, sinogram, sirtIters: 3, modelStep: negate });
  assert.ok(clamped.images[0].every((v) => v === 0));
});

test('tensorStep adapts a tensor function and leaks no tensors', async () => {
  const step = tensorStep((x) => x.mul(0.5).add(0.1), 28, 28);
  const before = tf.memory().numTensors;
  const x = randomImages(2, 784, 22);
  const out = await step(x, { step: 0, sirtIterations: 0 });
  assert.equal(tf.memory().numTensors, before);
  out.forEach((img, b) => img.forEach((v, i) => assert.ok(Math.abs(v - (x[b][i] * 0.5 + 0.1)) < 1e-6)));
  const res = await sirtMixed({ A: op, sinogram, sirtIters: 6, modelStep: step });
  assert.equal(res.modelSteps, 2);
  assert.equal(tf.memory().numTensors, before);
  const wrong = tensorStep((t) => t.slice([0, 0, 0, 0], [1, 28, 28, 1]), 28, 28);
  await assert.rejects(wrong(x, { step: 0, sirtIterations: 0 }), (e: Error) => e instanceof CtShapeError && /returned shape \[1,28,28,1\]/.test(e.message));
  assert.equal(tf.memory().numTensors, before);
});

test('bad mixed-scheme input gives errors that name the value', async () => {
  const id = (x: Float32Array[]) => x;
  await assert.rejects(sirtMixed({ A: op, sinogram, sirtIters: 6, ratio: 0, modelStep: id }), (e: Error) => e instanceof CtValueError && /ratio is 0/.test(e.message));
  await assert.rejects(sirtMixed({ A: op, sinogram, sirtIters: 2.5, modelStep: id }), (e: Error) => e instanceof CtValueError && /sirtIters is 2.5/.test(e.message));
  await assert.rejects(
    sirtMixed({ A: op, sinogram, sirtIters: 3, modelStep: (x) => x.slice(1) }),
    (e: Error) => e instanceof CtShapeError && /modelStep returned 1 images for 2 inputs/.test(e.message),
  );
  const nan = (x: Float32Array[]) => x.map((img) => img.map(() => NaN));
  await assert.rejects(sirtMixed({ A: op, sinogram, sirtIters: 3, modelStep: nan }), (e: Error) => e instanceof CtValueError && /modelStep output\[0\]\[0\] is NaN/.test(e.message));
});
