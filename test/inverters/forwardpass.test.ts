import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { forwardpassInvert, ForwardpassError, jacobian, logOddsResidual, marginResidual, solveDamped, targetCheck } from '../../lib/inverters/forwardpass';
import { Net } from '../../lib/models/net';
import { ShapeError } from '../../lib/tensor/guards';
import { smallTrainedFcnn } from './trained-fcnn';

let net: Net;
before(async () => {
  process.env.MNIST_LAB_QUIET = '1';
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  net = await smallTrainedFcnn(2);
});

/** A known system: logits = flatten(x)·A with a fixed random A [784,10]. */
function linearNet(seed: number): Net & { a: tf.Tensor2D } {
  const a = tf.randomNormal([784, 10], 0, 0.05, 'float32', seed) as tf.Tensor2D;
  return {
    a, name: 'linear', apply: (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0], 784]), a)),
    trainableVars: () => [], getWeights: () => [a], setWeights: () => undefined, dispose: () => a.dispose(),
  };
}

test('solveDamped solves (A + μI) w = r', () => {
  const a = [4, 1, 0, 1, 3, 1, 0, 1, 2];
  const w = solveDamped(a, 3, 0.5, [1, 2, 3]);
  const r = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + (a[i * 3 + j] + (i === j ? 0.5 : 0)) * w[j], 0));
  r.forEach((v, i) => assert.ok(Math.abs(v - (i + 1)) < 1e-12));
  assert.throws(() => solveDamped(a, 3, 0, [1, 2, 3]), ForwardpassError);
});

test('the batched Jacobian equals per-output gradients', () => {
  const lin = linearNet(1);
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
  const j = jacobian(lin, x);
  const g = tf.grad((xi: tf.Tensor) => tf.softmax(lin.apply(xi)).slice([0, 3], [1, 1]).sum())(x.slice(1, 1));
  const diff = tf.tidy(() => tf.abs(tf.sub(j.slice([1, 3, 0], [1, 1, 784]).reshape([784]), g.reshape([784]))).max().dataSync()[0]);
  assert.ok(diff < 1e-6, `Jacobian row differs by ${diff}`);
  tf.dispose([x, j, g]);
  lin.dispose();
});

test('LM converges on a small known system in a few iterations, without leaking tensors', async () => {
  const lin = linearNet(3);
  const targets = Int32Array.from([0, 4, 9]);
  const before = tf.memory().numTensors;
  const r = await forwardpassInvert(lin, { targets, seed: 1, tol: 1e-3 });
  assert.ok(r.converged.every(Boolean), `residuals ${Array.from(r.residuals)}`);
  assert.ok(Math.max(...r.iterations) <= 10, `iterations ${Array.from(r.iterations)}`);
  const c = targetCheck(r.probs, r.targets);
  c.targetProb.forEach((p) => assert.ok(Math.abs(p - 0.95) < 1e-3));
  assert.ok(r.history[r.history.length - 1] < r.history[0]);
  tf.dispose([r.images, r.probs]);
  assert.equal(tf.memory().numTensors, before);
  lin.dispose();
});

test('FORWARDPASSINV on a trained FCNN passes the ≥ 0.9 / ≤ 0.1 check for every image', async () => {
  const targets = Int32Array.from({ length: 10 }, (_, i) => i);
  for (const residual of ['distribution', 'logOdds'] as const) {
    const r = await forwardpassInvert(net, { targets, seed: 2, iterations: 30, residual });
    const c = targetCheck(r.probs, r.targets);
    assert.ok(c.pass.every(Boolean), `${residual}: target probs ${Array.from(c.targetProb)}`);
    assert.ok(Math.max(...r.iterations) <= 30);
    tf.dispose([r.images, r.probs]);
  }
});

test('the margin residual is zero exactly where the target logit leads every other by g', () => {
  const z = tf.tensor2d([[5, 0, -1], [1, 0.5, 0]]);
  const t = tf.tensor2d([[1, 0, 0], [1, 0, 0]]);
  const r = marginResidual(z, t, 2).arraySync() as number[][];
  assert.deepEqual(r[0], [0, 0, 0]);
  [0, 1.5, 1].forEach((v, k) => assert.ok(Math.abs(r[1][k] - v) < 1e-6, `r[1] = ${r[1]}`));
  tf.dispose([z, t]);
});

test("residual 'margin' reaches p(target) ≥ targetProb on a known system, without leaking tensors", async () => {
  const lin = linearNet(4);
  const targets = Int32Array.from([2, 7]);
  const before = tf.memory().numTensors;
  const r = await forwardpassInvert(lin, { targets, seed: 3, residual: 'margin', targetProb: 0.95, tol: 1e-4 });
  assert.ok(r.converged.every(Boolean), `residuals ${Array.from(r.residuals)}`);
  const c = targetCheck(r.probs, r.targets);
  c.targetProb.forEach((p) => assert.ok(p >= 0.95 - 1e-4, `p(target) ${p}`));
  tf.dispose([r.images, r.probs]);
  assert.equal(tf.memory().numTensors, before);
  lin.dispose();
  await assert.rejects(forwardpassInvert(net, { targets: Int32Array.from([1]), seed: 1, residual: 'logits' as 'margin' }), /residual='logits'/);
});

test('the log-odds residual is zero exactly where p(target) ≥ p and grows like the logit gap below it', () => {
  // Row 0: p(target) = e⁵/(e⁵ + 2) ≈ 0.987 ≥ 0.95; row 1: p = 1/3, log-odds log 2, r = log 2 − log(0.05/0.95).
  const z = tf.tensor2d([[5, 0, 0], [1, 1, 1]]);
  const t = tf.tensor2d([[1, 0, 0], [1, 0, 0]]);
  const r = logOddsResidual(z, t, 0.95).arraySync() as number[][];
  assert.equal(r[0][0], 0);
  assert.ok(Math.abs(r[1][0] - (Math.log(2) - Math.log(0.05 / 0.95))) < 1e-5, `r[1] = ${r[1]}`);
  tf.dispose([z, t]);
});

/**
 * Logits confined to an ellipse: u = Px/‖Px‖ (P: 784→2, a normalisation like the ViT's LayerNorms), z = W u.
 * A curve in logit space never passes through ClassDistr (its nine other logits are never equal), but
 * it does reach p(target) ≥ 0.95 for classes 1 and 8 (W picked so, checked below by a scan of the circle).
 */
function ellipseNet(): Net & { w: tf.Tensor2D } {
  const w = tf.tensor2d([[16, 7], [-10, -2], [-3, 24], [-9, 14], [1, 10], [0, 4], [5, 1], [7, 3], [12, 18], [-1, -2]]);
  const p = tf.randomNormal([784, 2], 0, 1, 'float32', 7) as tf.Tensor2D;
  return {
    w, name: 'ellipse', trainableVars: () => [], getWeights: () => [w, p], setWeights: () => undefined, dispose: () => tf.dispose([w, p]),
    apply: (x) => tf.tidy(() => { const h = tf.matMul(tf.reshape(x, [x.shape[0], 784]), p); return tf.matMul(tf.div(h, tf.norm(h, 'euclidean', 1, true)), w, false, true); }),
  };
}

test("where ClassDistr is out of the net's reach, the 'distribution' residual stalls and 'logOdds' passes every image", async () => {
  const ell = ellipseNet();
  const targets = Int32Array.from([1, 8, 1, 8, 1, 8]);
  // Reachability by brute force over the whole curve: the best p(target) on it.
  const best = tf.tidy(() => {
    const th = tf.linspace(0, 2 * Math.PI, 3600);
    const u = tf.stack([tf.cos(th), tf.sin(th)], 1);
    return tf.max(tf.softmax(tf.matMul(u, ell.w, false, true)), 0);
  });
  const bestP = best.dataSync();
  best.dispose();
  [1, 8].forEach((k) => assert.ok(bestP[k] >= 0.97, `class ${k} reaches only ${bestP[k]}`));
  const before = tf.memory().numTensors;
  const dist = await forwardpassInvert(ell, { targets, seed: 3, residual: 'distribution' });
  const cd = targetCheck(dist.probs, dist.targets);
  // The least-squares point of ‖C z − softmax⁻¹(y)‖ on the curve is a stationary point with r ≠ 0 that fails the check.
  assert.ok(cd.pass.filter(Boolean).length <= 2, `distribution passed ${cd.pass.filter(Boolean).length}/6`);
  assert.ok(Math.min(...dist.residuals) > 20, `distribution residuals ${Array.from(dist.residuals)}`);
  const lo = await forwardpassInvert(ell, { targets, seed: 3, residual: 'logOdds' });
  const cl = targetCheck(lo.probs, lo.targets);
  assert.ok(cl.pass.every(Boolean), `logOdds target probs ${Array.from(cl.targetProb)}`);
  assert.ok(lo.converged.every(Boolean) && Math.max(...lo.iterations) <= 10, `iterations ${Array.from(lo.iterations)}`);
  tf.dispose([dist.images, dist.probs, lo.images, lo.probs]);
  assert.equal(tf.memory().numTensors, before);
  ell.dispose();
});

test('bad inputs give clear errors, before any work and without leaking tensors', async () => {
  const x0 = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
  const px = new Float32Array(784);
  px[300] = NaN;
  const nan = tf.tensor4d(px, [1, 28, 28, 1]);
  const t = Int32Array.from([1]);
  const before = tf.memory().numTensors;
  const fp = (o: Partial<Parameters<typeof forwardpassInvert>[1]>) => forwardpassInvert(net, { targets: t, seed: 1, ...o });
  const is = (re: RegExp) => (e: Error) => e instanceof ForwardpassError && re.test(e.message);
  await assert.rejects(fp({ targets: new Int32Array(0) }), is(/no targets/));
  assert.throws(() => logOddsResidual(x0, x0, 1), is(/logOddsResidual: p = 1 must be a finite number > 0 and < 1/));
  assert.throws(() => marginResidual(x0, x0, NaN), is(/marginResidual: margin g = NaN/));
  assert.throws(() => solveDamped([1, 0, 0, 1], 2, 1, [1]), is(/solveDamped: a has 4 values and r 1 for k = 2/));
  await assert.rejects(fp({ iterations: 0 }), is(/iterations = 0 must be a whole number ≥ 1; the paper uses 30/));
  await assert.rejects(fp({ iterations: 2.5 }), is(/iterations = 2.5/));
  await assert.rejects(fp({ tol: NaN }), is(/tol = NaN must be a finite number ≥ 0/));
  await assert.rejects(fp({ tau: Infinity }), is(/tau = Infinity must be a finite number > 0/));
  await assert.rejects(fp({ batch: 0 }), is(/batch = 0 must be a whole number ≥ 1; the default is 16/));
  await assert.rejects(fp({ seed: NaN }), is(/seed = NaN/));
  await assert.rejects(fp({ targetProb: 1 }), is(/targetProb=1/));
  await assert.rejects(fp({ targets: Int32Array.from([3, 12]) }), is(/targets\[1\] = 12 must be a whole number ≥ 0 and ≤ 9/));
  await assert.rejects(fp({ x0 }), (e: Error) => e instanceof ShapeError && /x0 \(start images\) has shape \[2,28,28,1\] but \[1,28,28,1\]/.test(e.message));
  await assert.rejects(fp({ x0: nan }), is(/x0 \(start images\) holds NaN at flat index 300; .*Pass finite start images/));
  assert.equal(tf.memory().numTensors, before, 'no tensors leak on the error path');
  // The boundaries still run: one iteration, tol 0, a batch of 1.
  const ok = await fp({ iterations: 1, tol: 0, batch: 1 });
  assert.equal(ok.iterations[0], 1);
  tf.dispose([ok.images, ok.probs, x0, nan]);
});
