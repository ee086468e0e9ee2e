import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { InverseDomainError, leakyReluInverse, SELU_FLOOR, seluInverse, softmaxInverse } from '../../lib/inverters/activations';
import { backpassInvert, BackpassError, classDistribution, denseLayersOf, prepareBackpass, projectIntoDomain, targetCheck } from '../../lib/inverters/backpass';
import { clampedPinv } from '../../lib/linalg/pinv';
import { makeRng } from '../../lib/tensor/rng';
import { Net } from '../../lib/models/net';
import { smallTrainedFcnn } from './trained-fcnn';

let net: Net;
before(async () => {
  process.env.MNIST_LAB_QUIET = '1';
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  net = await smallTrainedFcnn(2);
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.abs(tf.sub(a, b)).max().dataSync()[0]);

test('softmax⁻¹ then softmax returns y, for any free constant', () => {
  const y = tf.tensor2d([[0.7, 0.2, 0.1], [0.01, 0.01, 0.98]]);
  for (const c of [0, 3, -2]) {
    const z = softmaxInverse(y, c);
    const back = tf.softmax(z);
    assert.ok(maxDiff(back, y) < 1e-6);
    const mean = tf.tidy(() => z.mean(1).dataSync());
    mean.forEach((m) => assert.ok(Math.abs(m - c) < 1e-5, 'mean of z is the constant'));
    tf.dispose([z, back]);
  }
  assert.throws(() => softmaxInverse(tf.tensor2d([[1, 0, 0]])), (e: Error) => e instanceof InverseDomainError && /y holds 0 at flat index 1/.test(e.message));
  assert.throws(() => softmaxInverse(tf.tensor2d([[0.5, 0.4, 0.4]])), (e: Error) => /sums to 1 ±/.test(e.message));
  y.dispose();
});

test('SELU⁻¹∘SELU = id and LeakyReLU⁻¹∘LeakyReLU = id; values outside SELU\'s range are named', () => {
  const x = tf.linspace(-6, 6, 101);
  const s = tf.selu(x);
  const back = seluInverse(s);
  assert.ok(maxDiff(back, x) < 2e-3, `SELU round trip ${maxDiff(back, x)}`);
  const mid = tf.linspace(-3, 6, 91); // away from the flat tail, float32 is exact to ~1e-5
  const backMid = seluInverse(tf.selu(mid));
  assert.ok(maxDiff(backMid, mid) < 1e-4);
  const l = tf.leakyRelu(x, 0.01);
  const lb = leakyReluInverse(l, 0.01);
  assert.ok(maxDiff(lb, x) < 1e-5);
  assert.throws(() => seluInverse(tf.tensor1d([0.5, SELU_FLOOR - 0.1])), (e: Error) => e instanceof InverseDomainError && /flat index 1/.test(e.message) && /null-space sample/.test(e.message));
  assert.throws(() => leakyReluInverse(x, 0), /alpha = 0/);
  tf.dispose([x, s, back, mid, backMid, l, lb]);
});

test('BACKPASSINV on a trained FCNN: every image gives p ≥ 0.9 for its class and ≤ 0.1 for the others, without leaking tensors', async () => {
  const bp = prepareBackpass(denseLayersOf(net, 'selu'), { condNum: 100, cache: false });
  const targets = Int32Array.from({ length: 30 }, (_, i) => i % 10);
  const before = tf.memory().numTensors;
  const r = await backpassInvert(net, bp, { targets, seed: 4, std: 0.1 });
  assert.equal(r.targets.length, 30, `accepted ${r.targets.length}; rejected ${JSON.stringify(r.rejected)}`);
  const c = targetCheck(r.probs, r.targets);
  assert.ok(c.pass.every(Boolean));
  assert.ok(Math.min(...c.targetProb) >= 0.9 && Math.max(...c.maxOther) <= 0.1);
  // A distribution, not one image: two samples of the same class differ.
  const d = tf.tidy(() => tf.norm(tf.sub(r.images.slice(0, 1), r.images.slice(10, 1))).dataSync()[0]);
  assert.ok(d > 1e-3, `images of one class differ by ${d}`);
  tf.dispose([r.images, r.probs]);
  assert.equal(tf.memory().numTensors, before + 4, 'only the two layers\' W⁺ and V_r stay, until bp.dispose()');
  const info = bp.info();
  assert.deepEqual(info.map((l) => [l?.outputs, l?.inputs]), [[32, 784], [10, 32]]);
  info.forEach((l) => assert.ok((l?.conditionAfter ?? Infinity) <= 100));
  bp.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('Std 0 gives the pseudo-inverse image; bad options give clear errors', async () => {
  const bp = prepareBackpass(denseLayersOf(net, 'selu'), { cache: false });
  const t = Int32Array.from([3, 3]);
  const r = await backpassInvert(net, bp, { targets: t, seed: 1, std: 0 });
  assert.ok(maxDiff(r.images.slice(0, 1), r.images.slice(1, 1)) < 1e-6, 'no noise: identical images');
  tf.dispose([r.images, r.probs]);
  const before = tf.memory().numTensors;
  const bad = (o: Partial<Parameters<typeof backpassInvert>[2]>, re: RegExp) => assert.rejects(backpassInvert(net, bp, { targets: t, seed: 1, ...o }), (e: Error) => e instanceof BackpassError && re.test(e.message));
  await bad({ std: -1 }, /std = -1 must be a finite number ≥ 0; the paper uses 0.1/);
  await bad({ std: Infinity }, /std = Infinity/);
  await bad({ rounds: -1 }, /rounds = -1 must be a whole number ≥ 1; the default is 5/);
  await bad({ rounds: 1.5 }, /rounds = 1.5/);
  await bad({ rounds: 0 }, /rounds = 0/);
  await bad({ margin: NaN }, /margin = NaN/);
  await bad({ maxAbs: 0 }, /maxAbs = 0 must be a finite number > 0/);
  await bad({ constant: Infinity }, /constant = Infinity/);
  await bad({ seed: 0.5 }, /seed = 0.5 must be a whole number/);
  await bad({ projectIterations: 0 }, /projectIterations = 0/);
  await bad({ targets: new Int32Array(0) }, /targets must be a non-empty Int32Array/);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak on the error path');
  // The smallest valid settings still run: one round, margin 0.
  const one = await backpassInvert(net, bp, { targets: t, seed: 1, rounds: 1, margin: 0 });
  assert.equal(one.attempts, 2);
  tf.dispose([one.images, one.probs]);
  assert.throws(() => classDistribution(Int32Array.from([12])), /target 12/);
  assert.throws(() => classDistribution(t, 1), /targetProb=1/);
  assert.throws(() => classDistribution(t, 0.95, 1), /classes = 1 must be a whole number ≥ 2/);
  assert.throws(() => prepareBackpass([]), BackpassError);
  const layers = denseLayersOf(net, 'selu');
  assert.throws(() => prepareBackpass(layers, { condNum: 0.5 }), (e: Error) => e instanceof BackpassError && /condNum = 0.5 must be a number \(Infinity allowed\) ≥ 1; the paper uses 100/.test(e.message));
  assert.throws(() => prepareBackpass(layers, { condNum: NaN }), /condNum = NaN/);
  prepareBackpass(layers, { condNum: Infinity, cache: false }).dispose(); // keeps every non-zero σ
  assert.throws(() => prepareBackpass(layers.map((l) => ({ ...l, activation: 'relu' as 'linear' }))), /layer 1: activation 'relu' cannot be inverted; use 'selu', 'leakyRelu', 'linear'/);
  assert.throws(() => denseLayersOf(net, 'leakyRelu', Infinity), (e: Error) => e instanceof BackpassError && /LeakyReLU alpha = Infinity/.test(e.message));
  assert.throws(() => denseLayersOf(net, 'leakyRelu'), /LeakyReLU alpha = undefined/);
  assert.throws(() => targetCheck(tf.zeros([1, 10]) as tf.Tensor2D, Int32Array.from([10])), /target 10 at index 0 is not a class 0..9/);
  bp.dispose();
});

/** A wide W (rows < cols) as tensors the backward pass uses: (W⁺)ᵀ, V_r, and W itself. */
function wideLayer(rows: number, cols: number, seed: number, firstRowOnes = false) {
  const rng = makeRng(seed);
  const w = Array.from({ length: rows * cols }, (_, i) => (firstRowOnes && i < cols ? 1 : rng.normal()));
  const p = clampedPinv({ data: w, rows, cols }, 100);
  const flat = (m: { rows: number; columns: number; to1DArray(): number[] }) => tf.tensor2d(m.to1DArray(), [m.rows, m.columns]);
  return { w: tf.tensor2d(w, [rows, cols]), pinvT: flat(p.pinv.transpose()), rowSpace: flat(p.rowSpace) };
}

test('projectIntoDomain moves a preimage into x ≥ bound without changing W·x; an infeasible target is reported, not hidden', () => {
  const { w, pinvT, rowSpace } = wideLayer(6, 40, 11);
  const before = tf.memory().numTensors;
  const t = tf.tensor2d([[3, -2, 1, 0.5, -4, 2], [-1, 1, -1, 1, -1, 1]]);
  const xp = tf.matMul(t, pinvT); // rows of W⁺t, the least-squares preimages
  const x0 = tf.tidy(() => tf.add(xp, tf.mul(tf.randomNormal([2, 40], 0, 1, 'float32', 3), 2)) as tf.Tensor2D); // some entries far below the bound
  const x0min = tf.tidy(() => x0.min().dataSync()[0]);
  assert.ok(x0min < SELU_FLOOR, `the start leaves the domain (${x0min})`);
  const { x, sweeps } = projectIntoDomain(x0, xp as tf.Tensor2D, rowSpace, SELU_FLOOR + 0.25, SELU_FLOOR + 1e-3, 500);
  assert.ok(Array.from(sweeps).every((k) => k > 0), `sweeps ${Array.from(sweeps)}`);
  assert.ok(tf.tidy(() => x.min().dataSync()[0]) > SELU_FLOOR + 1e-3);
  // W·x = W·x_p = t: the projection moved only inside the null space.
  const wx = tf.matMul(x, w, false, true);
  assert.ok(maxDiff(wx, t) < 1e-3, `W·x unchanged (differs by ${maxDiff(wx, t)})`);
  wx.dispose();
  // A feasible start is a fixed point.
  const again = projectIntoDomain(x, xp as tf.Tensor2D, rowSpace, SELU_FLOOR + 0.25, SELU_FLOOR + 1e-3, 5);
  assert.deepEqual(Array.from(again.sweeps), [0, 0]);
  assert.ok(maxDiff(again.x, x) === 0);
  // Infeasible: W's first row sums x, and the target asks for Σx = −200 while x ≥ −1.5 forces Σx ≥ −60.
  const ones = wideLayer(6, 40, 12, true);
  const tBad = tf.tensor2d([[-200, 0, 0, 0, 0, 0]]);
  const xpFar = tf.matMul(tBad, ones.pinvT) as tf.Tensor2D;
  const bad = projectIntoDomain(xpFar, xpFar, ones.rowSpace, SELU_FLOOR + 0.25, SELU_FLOOR + 1e-3, 50);
  assert.deepEqual(Array.from(bad.sweeps), [-1], 'no feasible preimage: −1, and the backward pass rejects the sample');
  tf.dispose([tBad, xpFar, bad.x, ones.w, ones.pinvT, ones.rowSpace]);
  assert.throws(() => projectIntoDomain(x0, xp as tf.Tensor2D, rowSpace, -1.7, -1.6, 5), /lower=-1.7 must exceed accept=-1.6/);
  assert.throws(() => projectIntoDomain(x0, xp as tf.Tensor2D, rowSpace, NaN, -1.6, 5), (e: Error) => e instanceof BackpassError && /lower = NaN/.test(e.message));
  assert.throws(() => projectIntoDomain(x0, xp as tf.Tensor2D, rowSpace, -1, -1.6, 0), /iterations = 0 must be a whole number ≥ 1/);
  const wrong = tf.transpose(rowSpace) as tf.Tensor2D;
  assert.throws(() => projectIntoDomain(x0, xp as tf.Tensor2D, wrong, -1, -1.6, 5), /rowSpace \(V_r, \[in, r\]\) has shape \[6,40\] but \[40,n\]/);
  wrong.dispose();
  tf.dispose([t, xp, x0, x, again.x]);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  tf.dispose([w, pinvT, rowSpace]);
});

test('a deep narrowing FCNN: with the null-space projection every sample stays in SELU⁻¹\'s domain and passes ≥ 0.9 / ≤ 0.1', async () => {
  const deep = await smallTrainedFcnn(5, [256, 128, 64, 32]);
  const bp = prepareBackpass(denseLayersOf(deep, 'selu'), { condNum: 100, cache: false });
  const targets = Int32Array.from({ length: 20 }, (_, i) => i % 10);
  const before = tf.memory().numTensors;
  const plain = await backpassInvert(deep, bp, { targets, seed: 6, std: 0.1, rounds: 3 });
  const proj = await backpassInvert(deep, bp, { targets, seed: 6, std: 0.1, rounds: 3, domain: 'project', floorGap: 0.5, projectIterations: 1000 });
  assert.equal(proj.targets.length, 20, `projection accepted ${proj.targets.length}/20; rejected ${JSON.stringify(proj.rejected)}; projected ${JSON.stringify(proj.projected)}`);
  const c = targetCheck(proj.probs, proj.targets);
  assert.ok(c.pass.every(Boolean) && Math.min(...c.targetProb) >= 0.9 && Math.max(...c.maxOther) <= 0.1);
  // Same draws: the projection only changes samples that left the domain, so it accepts at least as many.
  assert.ok(proj.targets.length >= plain.targets.length);
  const moved = Object.values(proj.projected).reduce((s, p) => s + p.samples, 0);
  const plainDomain = Object.entries(plain.rejected).filter(([k]) => /SELU/.test(k)).reduce((s, [, v]) => s + v, 0);
  assert.ok(plainDomain === 0 || moved > 0, `the plain pass lost ${plainDomain} samples to the domain; the projection moved ${moved}`);
  tf.dispose([plain.images, plain.probs, proj.images, proj.probs]);
  assert.equal(tf.memory().numTensors, before + 2 * 5, 'only the five layers\' W⁺ and V_r stay');
  await assert.rejects(backpassInvert(deep, bp, { targets, seed: 1, domain: 'project', floorGap: 1e-4 }), /floorGap=0.0001 must exceed margin/);
  await assert.rejects(backpassInvert(deep, bp, { targets, seed: 1, domain: 'nope' as 'reject' }), /domain='nope'/);
  bp.dispose();
  deep.dispose();
});
