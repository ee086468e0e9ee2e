import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { inversionStep, invert } from '../../lib/inverters/gradient';
import { meanPrior } from '../../lib/inverters/priors';
import { Net } from '../../lib/models/net';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

before(() => tf.setBackend('cpu'));

/** A seeded linear classifier (logits = flatten(x)·W + b): small, fast, differentiable in x. */
function linearNet(seed = 3): Net {
  const w = tf.variable(tf.randomNormal([784, 10], 0, 0.05, 'float32', seed));
  const b = tf.variable(tf.zeros([10]));
  return {
    name: 'linear',
    apply: (x) => tf.tidy(() => x.reshape([-1, 784]).matMul(w).add(b)),
    trainableVars: () => [w, b],
    getWeights: () => [w, b],
    setWeights: (ws) => { w.assign(ws[0] as tf.Tensor2D); b.assign(ws[1] as tf.Tensor1D); },
    dispose: () => tf.dispose([w, b]),
  };
}

test('the target probability rises over the steps, for every class at once', async () => {
  const net = linearNet();
  const x0 = tf.zeros([10, 28, 28, 1]) as tf.Tensor4D;
  const r = await invert({ net, targets: Int32Array.from({ length: 10 }, (_, i) => i), x0, steps: 30, optimizer: { name: 'sgd', lr: 1 } });
  assert.equal(r.targetProb.length, 31);
  assert.ok(Math.abs(r.targetProb[0] - 0.1) < 1e-6, `x0 = 0 gives uniform logits: p = ${r.targetProb[0]}`);
  assert.ok(r.targetProb[30] > 0.9, `p(target) after 30 steps = ${r.targetProb[30]}`);
  for (let i = 1; i < r.targetProb.length; i++) assert.ok(r.targetProb[i] >= r.targetProb[i - 1] - 1e-6, `p fell at step ${i}`);
  assert.ok(r.losses[30] < r.losses[0]);
  // Every image is classified as its own target.
  const pred = tf.tidy(() => net.apply(r.images).argMax(1));
  assert.deepEqual(Array.from(pred.dataSync()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  tf.dispose([pred, r.images, x0]);
  net.dispose();
});

test('PGD keeps every pixel inside the projection box; plain descent leaves it', async () => {
  const net = linearNet();
  const x0 = tf.fill([2, 28, 28, 1], 0.5) as tf.Tensor4D;
  const opts = { net, targets: new Int32Array([3, 7]), x0, steps: 40, optimizer: { name: 'sgd' as const, lr: 5 } };
  const free = await invert(opts);
  const pgd = await invert({ ...opts, project: [0, 1], snapshotAt: [0, 20, 40] });
  const range = (t: tf.Tensor) => { const d = t.dataSync(); let lo = Infinity, hi = -Infinity; for (const v of d) { lo = Math.min(lo, v); hi = Math.max(hi, v); } return [lo, hi]; };
  const [flo, fhi] = range(free.images);
  assert.ok(flo < 0 && fhi > 1, `unprojected range [${flo}, ${fhi}] should leave [0,1] with this step`);
  const [plo, phi] = range(pgd.images);
  assert.ok(plo >= 0 && phi <= 1, `projected range [${plo}, ${phi}]`);
  assert.ok(plo === 0 && phi === 1, 'the box is active (some pixels sit on each bound)');
  assert.deepEqual(pgd.snapshots.map((s) => s.step), [0, 20, 40]);
  assert.equal(pgd.snapshots[2].images.length, 2);
  assert.deepEqual(Array.from(pgd.snapshots[2].images[1]), Array.from(pgd.images.slice([1], [1]).dataSync()));
  tf.dispose([free.images, pgd.images, x0]);
  net.dispose();
});

test('a strong mean prior pulls the image to μ; soft targets and a custom loss work', async () => {
  const net = linearNet();
  const mu = tf.fill([1, 28, 28, 1], 0.3) as tf.Tensor4D;
  const x0 = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
  const soft = tf.tensor2d([[0.5, 0, 0, 0, 0, 0, 0, 0, 0.5, 0]]);
  const direct = (logits: tf.Tensor2D, t: tf.Tensor2D) => logits.mul(t).sum(1).mean().neg() as tf.Scalar;
  const r = await invert({ net, targets: soft, x0, steps: 200, optimizer: { name: 'sgd', lr: 0.05 }, priors: [meanPrior(mu, 1000, 'l2sq')], loss: direct });
  const gap = tf.tidy(() => r.images.sub(mu).abs().max());
  assert.ok(gap.dataSync()[0] < 0.05, `max |x − μ| = ${gap.dataSync()[0]}`);
  tf.dispose([gap, r.images, mu, x0, soft]);
  net.dispose();
});

test('no tensor leaks over 100 steps (invert and inversionStep)', async () => {
  const net = linearNet();
  const x0 = tf.zeros([3, 28, 28, 1]) as tf.Tensor4D;
  const mu = tf.fill([1, 28, 28, 1], 0.1) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const r = await invert({ net, targets: new Int32Array([1, 2, 3]), x0, steps: 100, optimizer: { name: 'adam', lr: 0.01 }, priors: [meanPrior(mu, 50, 'l1')], project: [0, 1] });
  r.images.dispose();
  assert.equal(tf.memory().numTensors, before, 'invert leaves only its result');
  const x = tf.variable(x0);
  const t = tf.oneHot(tf.tensor1d([4, 5, 6], 'int32'), 10).toFloat() as tf.Tensor2D;
  const opt = tf.train.sgd(0.05);
  inversionStep({ net, x, targets: t, optimizer: opt }); // creates the optimiser's state once
  const mid = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) inversionStep({ net, x, targets: t, optimizer: opt, priors: [meanPrior(mu, 50, 'l2')], project: [0, 1] });
  assert.equal(tf.memory().numTensors, mid, 'inversionStep is flat over 100 steps');
  opt.dispose();
  tf.dispose([x, t, x0, mu]);
  net.dispose();
});

test('bad inputs name the value and the fix', async () => {
  const net = linearNet();
  const x0 = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
  const flat = tf.zeros([2, 28, 28]) as unknown as tf.Tensor4D;
  const empty = tf.zeros([0, 28, 28, 1]) as tf.Tensor4D;
  const soft = tf.tensor2d([[1, 0], [0.5, -0.5]]);
  const o = { net, x0, steps: 1, optimizer: { name: 'sgd' as const, lr: 0.1 }, targets: new Int32Array([1, 2]) };
  const before = tf.memory().numTensors;
  const range = (re: RegExp) => (e: Error) => e instanceof ValueRangeError && re.test(e.message);
  await assert.rejects(invert({ ...o, targets: new Int32Array([1]) }), (e: Error) => e instanceof ShapeError && /1 labels for 2/.test(e.message));
  await assert.rejects(invert({ ...o, targets: new Int32Array([1, 12]) }), range(/12/));
  await assert.rejects(invert({ ...o, targets: soft }), range(/soft targets holds -0.5 at flat index 3; every value must be a finite number ≥ 0/));
  await assert.rejects(invert({ ...o, project: [1, 0] }), range(/lo < hi/));
  await assert.rejects(invert({ ...o, project: [0, NaN] }), range(/project\[1\] = NaN/));
  await assert.rejects(invert({ ...o, steps: -3 }), range(/steps = -3 must be a whole number ≥ 0; e.g. steps: 100/));
  await assert.rejects(invert({ ...o, steps: 1.5 }), range(/steps = 1.5/));
  await assert.rejects(invert({ ...o, optimizer: { name: 'sgd', lr: Infinity } }), range(/optimizer.lr = Infinity must be a finite number > 0; the step size/));
  await assert.rejects(invert({ ...o, optimizer: { name: 'sgd', lr: 0 } }), range(/optimizer.lr = 0/));
  await assert.rejects(invert({ ...o, optimizer: { name: 'momentum', lr: 0.1, momentum: 1 } }), range(/optimizer.momentum = 1/));
  await assert.rejects(invert({ ...o, priors: [{ name: 'custom', weight: NaN, term: () => tf.scalar(0) }] }), range(/priors\[0\] \(custom\) weight = NaN/));
  await assert.rejects(invert({ ...o, snapshotAt: [0, 5] }), range(/snapshotAt\[1\] = 5 must be a whole number ≥ 0 and ≤ 1; snapshots are taken at steps 0..1/));
  await assert.rejects(invert({ ...o, loss: 'mse' as 'ce' }), range(/loss = "mse"/));
  await assert.rejects(invert({ ...o, x0: flat }), (e: Error) => e instanceof ShapeError && /x0 \(start images\) has shape \[2,28,28\] but \[n,28,28,1\]/.test(e.message));
  await assert.rejects(invert({ ...o, x0: empty, targets: new Int32Array(0) }), (e: Error) => e instanceof ShapeError && /holds no images/.test(e.message));
  assert.equal(tf.memory().numTensors, before, 'no tensors leak on the error path');
  // Boundaries: 0 steps (the start images back), a snapshot at the last step, weight-0 priors.
  const r = await invert({ ...o, steps: 0, snapshotAt: [0], priors: [meanPrior(tf.keep(tf.zeros([1, 28, 28, 1])) as tf.Tensor4D, 0)] });
  assert.deepEqual([r.losses.length, r.snapshots.length], [1, 1]);
  r.images.dispose();
  tf.dispose([x0, flat, empty, soft]);
  net.dispose();
});

/** A CNN-like net that hides a NaN pixel from its logits on wasm (clipByValue there maps NaN to a bound), with a NaN-producing gradient after `afterStep` calls. */
function nanGradientNet(afterStep: number): Net {
  const w = tf.variable(tf.randomNormal([784, 10], 0, 0.05, 'float32', 1));
  let calls = 0;
  const poison = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    calls++;
    const bad = calls > afterStep;
    return { value: x.clone(), gradFunc: (dy: tf.Tensor) => (bad ? tf.mul(dy, NaN) : dy) };
  }) as Parameters<typeof tf.customGrad>[0]);
  return {
    name: 'nan-gradient',
    apply: (x) => tf.tidy(() => (poison(tf.clipByValue(x, -10, 10)) as tf.Tensor).reshape([-1, 784]).matMul(w)),
    trainableVars: () => [w],
    getWeights: () => [w],
    setWeights: () => undefined,
    dispose: () => w.dispose(),
  };
}

for (const backend of ['cpu', 'wasm']) {
  test(`[${backend}] NaN start images fail up front, naming the start images; a NaN that arises mid-run is caught at its step`, async () => {
    await tf.setBackend(backend);
    if (backend === 'wasm') registerWasmTrainingKernels();
    const net = linearNet();
    const px = new Float32Array(2 * 784);
    px[784 + 5] = NaN;
    const x0 = tf.tensor4d(px, [2, 28, 28, 1]);
    const before = tf.memory().numTensors;
    await assert.rejects(invert({ net, x0, targets: new Int32Array([1, 2]), steps: 3, optimizer: { name: 'sgd', lr: 0.1 } }),
      (e: Error) => e instanceof ValueRangeError && /^x0 \(start images\) holds NaN at flat index 789; .*Pass finite start images/.test(e.message) && !/step size/.test(e.message));
    assert.equal(tf.memory().numTensors, before, 'no tensors leak on the error path');
    // Mid-run: the gradient of step 2 is NaN, so the images are NaN after it while the clip keeps J finite on wasm.
    const hidden = nanGradientNet(1);
    const zeros = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    const mid = tf.memory().numTensors;
    await assert.rejects(invert({ net: hidden, x0: zeros, targets: new Int32Array([1, 2]), steps: 5, optimizer: { name: 'sgd', lr: 0.1 }, project: [0, 1] }),
      (e: Error) => e instanceof ValueRangeError && /at step 2 \(the start images were finite\); lower the step size \(optimizer.lr = 0.1\)/.test(e.message));
    assert.equal(tf.memory().numTensors, mid, 'no tensors leak when the run stops mid-way');
    tf.dispose([x0, zeros]);
    hidden.dispose();
    net.dispose();
    await tf.setBackend('cpu');
  });
}
