import * as tf from '@tensorflow/tfjs';
import { oneHot } from '../data/mnist';
import { Net } from '../models/net';
import { progressBar } from '../plot/progress';
import { assertNumber, assertShape, assertValues, ShapeError, ValueRangeError } from '../tensor/guards';
import { makeOptimizer, OptimizerConfig } from '../train/optimizers';
import { Prior, priorTotal } from './priors';

/** L(logits, targets) → a scalar averaged over the batch. */
export type InversionLoss = (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar;

/** Softmax cross-entropy, mean over the batch (paper 004's surrogate loss L). */
export const crossEntropyLoss: InversionLoss = (logits, targets) => tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;

export interface InvertOptions {
  net: Net;
  /** One class per image (Int32Array) or soft labels [n, classes]. */
  targets: Int32Array | tf.Tensor2D;
  /** Start images [n,28,28,1] (paper 004: zeros). Not modified. */
  x0: tf.Tensor4D;
  steps: number;
  optimizer: OptimizerConfig;
  priors?: Prior[];
  /** PGD: clamp x to [lo, hi] after every step (paper 004 sec. 5.2 uses [0, 1]). */
  project?: [number, number];
  loss?: 'ce' | InversionLoss;
  /** Steps after which to copy the images (0 = the start), e.g. for a time-lapse. */
  snapshotAt?: number[];
  label?: string;
}

export interface InvertResult {
  images: tf.Tensor4D;
  snapshots: { step: number; images: Float32Array[] }[];
  /** Objective J = L + Σ w·R (batch means) before each step; the last entry is after the last step. */
  losses: number[];
  /** Mean over the batch of Σ_k target_k · softmax(f(x))_k, same indexing as `losses` (steps + 1 values). */
  targetProb: number[];
  seconds: number;
}

export interface StepInput {
  net: Net;
  x: tf.Variable;
  /** [n, classes], one-hot or soft. */
  targets: tf.Tensor2D;
  optimizer: tf.Optimizer;
  priors?: Prior[];
  project?: [number, number];
  loss?: InversionLoss;
}

/**
 * One step of x ← x − η ∇ₓ n·J(x), J(x) = L(f(x), y) + Σ_p w_p R_p(x)   (paper 004 eq. 6, thesis eq. 2.6),
 * then the PGD projection x ← clamp(x, lo, hi) if asked. L and R are batch means, so descending n·J
 * moves every image exactly as if it were inverted alone (the batch size does not change the step).
 * Returns J and the mean target probability at x before the step, and whether every pixel is finite
 * after it (a net can hide a NaN pixel from J: on wasm, max pooling and clipping drop NaN). Used by
 * invert() and by the CT mixed scheme (which owns its variable and optimiser).
 */
export function inversionStep(s: StepInput): { loss: number; targetProb: number; imagesFinite: boolean } {
  // Shapes only (no data read): this runs once a step.
  assertShape(s.x, [null, null, null, null], 'inversionStep x (images [n,H,W,C])');
  const n = s.x.shape[0];
  assertShape(s.targets, [n, null], 'inversionStep targets (one row per image)');
  const lossFn = s.loss ?? crossEntropyLoss;
  const priors = s.priors ?? [];
  let prob: tf.Scalar | undefined;
  // variableGrads tidies everything f makes except its result; prob is kept explicitly.
  const { value, grads } = tf.variableGrads(() => {
    const x = s.x as unknown as tf.Tensor4D;
    const logits = s.net.apply(x, false) as tf.Tensor2D;
    prob = tf.keep(tf.softmax(logits).mul(s.targets).sum(1).mean() as tf.Scalar);
    const j = lossFn(logits, s.targets).add(priorTotal(priors, x));
    return j.mul(n) as tf.Scalar;
  }, [s.x]);
  s.optimizer.applyGradients(grads);
  tf.dispose(grads);
  // Σ 0·x is 0 exactly when every pixel is finite, else NaN (no overflow, unlike Σx). Taken before
  // the projection, which on wasm clamps NaN to a bound, and read with J: no extra sync a step.
  const probe = tf.tidy(() => tf.stack([value, prob as tf.Scalar, tf.sum(tf.mul(s.x, 0))]));
  if (s.project) {
    const [lo, hi] = s.project;
    tf.tidy(() => s.x.assign(s.x.clipByValue(lo, hi)));
  }
  const [j, p, zero] = probe.dataSync();
  tf.dispose([value, prob as tf.Scalar, probe]);
  return { loss: j / n, targetProb: p, imagesFinite: zero === 0 };
}

function targetMatrix(targets: Int32Array | tf.Tensor2D, n: number): tf.Tensor2D {
  if (targets instanceof Int32Array) {
    if (targets.length !== n) throw new ShapeError(`targets has ${targets.length} labels for ${n} images in x0; give one label per image.`);
    const bad = targets.findIndex((t) => !(t >= 0 && t <= 9));
    if (bad >= 0) throw new ValueRangeError(`targets[${bad}] = ${targets[bad]} is not a class 0–9; fix the label list.`);
    return oneHot(targets);
  }
  assertShape(targets, [n, null], 'soft targets');
  assertValues(targets, 'soft targets', { min: 0 }, 'Give each image a row of non-negative class weights, e.g. probabilities.');
  return targets.clone();
}

/** The mean target probability of images under net (no gradient). */
function meanTargetProb(net: Net, x: tf.Tensor, t: tf.Tensor2D): number {
  const p = tf.tidy(() => tf.softmax(net.apply(x, false)).mul(t).sum(1).mean());
  const v = p.dataSync()[0];
  p.dispose();
  return v;
}

/**
 * invert()'s options, before any work: shapes, whole numbers, finite positive rates and weights,
 * finite start images (read once: a NaN start would otherwise be blamed on the step size, or on
 * wasm pass unseen). Targets are checked by targetMatrix.
 */
function checkOptions(o: InvertOptions): void {
  assertShape(o.x0, [null, 28, 28, 1], 'x0 (start images)');
  if (o.x0.shape[0] === 0) throw new ShapeError('x0 (start images) holds no images; pass [n,28,28,1] with n ≥ 1, e.g. tf.zeros([10, 28, 28, 1]).');
  assertNumber(o.steps, 'steps', { integer: true, min: 0 }, 'e.g. steps: 100 (paper 004).');
  assertNumber(o.optimizer?.lr, 'optimizer.lr', { above: 0 }, "the step size, e.g. { name: 'sgd', lr: 0.05 } (paper 004).");
  if (o.optimizer.momentum !== undefined) assertNumber(o.optimizer.momentum, 'optimizer.momentum', { min: 0, below: 1 }, 'e.g. 0.9.');
  if (o.project !== undefined) {
    if (!Array.isArray(o.project) || o.project.length !== 2) throw new ValueRangeError(`project = ${JSON.stringify(o.project)} must be a box [lo, hi]; e.g. project: [0, 1].`);
    o.project.forEach((b, i) => assertNumber(b, `project[${i}]`, {}, 'e.g. project: [0, 1].'));
    if (!(o.project[0] < o.project[1])) throw new ValueRangeError(`project = [${o.project}] needs lo < hi; e.g. project: [0, 1].`);
  }
  (o.priors ?? []).forEach((p, i) => assertNumber(p.weight, `priors[${i}] (${p.name}) weight`, { min: 0 }, 'build priors with tvPrior(w), l2Prior(w), l1Prior(w) or meanPrior(μ, w).'));
  (o.snapshotAt ?? []).forEach((k, i) => assertNumber(k, `snapshotAt[${i}]`, { integer: true, min: 0, max: o.steps }, `snapshots are taken at steps 0..${o.steps}.`));
  if (!(o.loss === undefined || o.loss === 'ce' || typeof o.loss === 'function')) throw new ValueRangeError(`loss = ${JSON.stringify(o.loss)} is not 'ce' or a function (logits, targets) → scalar.`);
  assertValues(o.x0, 'x0 (start images)', {}, 'Pass finite start images, e.g. tf.zeros([n, 28, 28, 1]) (paper 004) or uniform noise in [0, 1].');
}

/**
 * The one gradient inverter: x̂ = argmin_x L(f(x), y) + Σ_p w_p R_p(x), by `steps` optimiser steps
 * from x0 (paper 004 sec. 5.1: SGD, step 0.05, 100 steps, x0 = 0, R = λ‖x − μ‖).
 * Async only so a notebook can show progress; the caller disposes `images`.
 */
export async function invert(o: InvertOptions): Promise<InvertResult> {
  checkOptions(o);
  const n = o.x0.shape[0];
  const targets = targetMatrix(o.targets, n);
  const loss = o.loss === undefined || o.loss === 'ce' ? crossEntropyLoss : o.loss;
  const init = o.project ? tf.tidy(() => o.x0.clipByValue(o.project![0], o.project![1])) : o.x0.clone();
  const x = tf.variable(init, true);
  init.dispose(); // the variable holds its own reference to the data
  const optimizer = makeOptimizer(o.optimizer);
  const snapAt = new Set(o.snapshotAt ?? []);
  const snapshots: InvertResult['snapshots'] = [];
  const snap = (step: number) => {
    if (!snapAt.has(step)) return;
    const data = x.dataSync();
    snapshots.push({ step, images: Array.from({ length: n }, (_, i) => Float32Array.from(data.subarray(i * 784, (i + 1) * 784))) });
  };
  const losses: number[] = [];
  const targetProb: number[] = [];
  const bar = progressBar(o.steps, o.label ?? `inverting ${n} image${n === 1 ? '' : 's'}`);
  const start = Date.now();
  try {
    snap(0);
    for (let step = 1; step <= o.steps; step++) {
      const r = inversionStep({ net: o.net, x, targets, optimizer, priors: o.priors, project: o.project, loss });
      if (!Number.isFinite(r.loss) || !r.imagesFinite) {
        const what = Number.isFinite(r.loss) ? 'the images got a NaN or infinite pixel' : `the inversion objective became ${r.loss}`;
        throw new ValueRangeError(`${what} at step ${step} (the start images were finite); lower the step size (optimizer.lr = ${o.optimizer.lr}) or the prior weights.`);
      }
      losses.push(r.loss);
      targetProb.push(r.targetProb);
      snap(step);
      bar.tick(1, `p(target) ${r.targetProb.toFixed(3)}`);
      if (step % 10 === 0) await new Promise((res) => setImmediate(res));
    }
    // The objective and probability after the last step, so the curves end where the images are.
    const last = tf.tidy(() => loss(o.net.apply(x, false) as tf.Tensor2D, targets).add(priorTotal(o.priors ?? [], x as unknown as tf.Tensor4D)));
    losses.push(last.dataSync()[0]);
    last.dispose();
    targetProb.push(meanTargetProb(o.net, x, targets));
    bar.done(`p(target) ${targetProb[targetProb.length - 1].toFixed(3)}`);
    const images = x.clone() as tf.Tensor4D;
    return { images, snapshots, losses, targetProb, seconds: (Date.now() - start) / 1000 };
  } finally {
    x.dispose();
    targets.dispose();
    optimizer.dispose();
  }
}
