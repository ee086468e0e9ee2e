import * as tf from '@tensorflow/tfjs';
import { oneHot } from '../data/mnist';
import { type InversionLoss, inversionStep } from '../inverters/gradient';
import { type Prior } from '../inverters/priors';
import { type Net } from '../models/net';
import { makeRng } from '../tensor/rng';
import { CtShapeError, CtValueError } from './errors';
import { evenAngles, fullCoverageDetectorCount } from './geometry';
import { imagesFromTensor, imagesToTensor } from './images';
import { type MetricTable, imageMetrics } from './metrics';
import { type ModelStep, sirtMixed } from './mixed';
import { projectionOperator } from './projector';
import { sirt } from './sirt';

/**
 * The CT case study of the thesis (sec. 1.2.3 / 5.2) for one angle count:
 *   1. forward-project the digits (optionally add noise to the sinograms),
 *   2. 50 SIRT iterations → initial reconstruction,
 *   3a. baseline: 50 more SIRT iterations (100 in all),
 *   3b. each mixed arm: SIRT and one model step alternating 3:1 from the same initial reconstruction,
 *   4. MSE / PSNR / SSIM of every arm against the ground truth.
 */

export interface AngleRunOptions {
  /** Ground-truth images, row-major rows × cols, values in [0, 1]. */
  digits: readonly Float32Array[];
  /** Number of projection angles, evenly spaced over [0°, 180°). */
  angles: number;
  /**
   * Mixed arms by name: each a model step run between SIRT blocks; `{ step, mixedSirtIters }` gives
   * an arm its own schedule (e.g. the 48 + 16 reading) while it shares the projection and the
   * initial and baseline SIRT runs with the other arms.
   */
  steps: Record<string, ModelStep | { step: ModelStep; mixedSirtIters: number }>;
  /** SIRT iterations of the initial reconstruction (thesis: 50). */
  initialIters?: number;
  /** Further SIRT iterations of the baseline (thesis: 50, so 100 in all). */
  baselineIters?: number;
  /**
   * SIRT iterations of a mixed arm after the initial reconstruction. Default 38: the thesis' "50
   * additional iterations of alternating transformations SIRT and the model step in a ratio of
   * 3:1" read as 50 transformations, 38 SIRT + 12 model steps (lib/ct/README.md).
   */
  mixedSirtIters?: number;
  /** SIRT iterations per model step (thesis: 3). */
  ratio?: number;
  /** Gaussian noise added to each sinogram, std as a fraction of that sinogram's maximum (default 0). */
  noise?: number;
  /** Seed of the noise. */
  seed?: number;
  rows?: number;
  cols?: number;
}

export interface ArmResult {
  images: Float32Array[];
  metrics: MetricTable;
  seconds: number;
}

export interface AngleRunResult {
  angles: number;
  /** After the initial SIRT iterations (what every arm starts from). */
  initial: ArmResult;
  /** SIRT only, initialIters + baselineIters iterations. */
  sirt: ArmResult;
  mixed: Record<string, ArmResult>;
}

function checkCount(v: number, name: string, example: number, min = 0): void {
  if (!Number.isInteger(v) || v < min) throw new CtValueError(`${name} is ${v}; pass an integer ≥ ${min}, e.g. ${example}.`);
}

/** Run the case study for one angle count on a batch of digits. */
export async function runAngleCount(o: AngleRunOptions): Promise<AngleRunResult> {
  const rows = o.rows ?? 28;
  const cols = o.cols ?? 28;
  const initialIters = o.initialIters ?? 50;
  const baselineIters = o.baselineIters ?? 50;
  const mixedSirtIters = o.mixedSirtIters ?? 38;
  const noise = o.noise ?? 0;
  checkCount(o.angles, 'angles', 16, 1);
  checkCount(initialIters, 'initialIters', 50);
  checkCount(baselineIters, 'baselineIters', 50);
  checkCount(mixedSirtIters, 'mixedSirtIters', 38);
  if (!Array.isArray(o.digits) || o.digits.length === 0) throw new CtShapeError('digits is empty; pass at least one ground-truth image.');
  if (!Number.isFinite(noise) || noise < 0) throw new CtValueError(`noise is ${noise}; pass a relative std ≥ 0, e.g. 0.01 (1 % of each sinogram's maximum).`);

  const op = projectionOperator({ rows, cols, anglesDeg: evenAngles(o.angles), detectorCount: fullCoverageDetectorCount(rows, cols) });
  const sinograms = op.forward(o.digits);
  if (noise > 0) {
    const rng = makeRng(o.seed ?? 0);
    for (const p of sinograms) {
      const scale = noise * p.reduce((m, v) => Math.max(m, v), 0);
      for (let i = 0; i < p.length; i++) p[i] += scale * rng.normal();
    }
  }
  const timed = async (run: () => Float32Array[] | Promise<Float32Array[]>): Promise<ArmResult> => {
    const t0 = performance.now();
    const images = await run();
    const seconds = (performance.now() - t0) / 1000;
    return { images, metrics: imageMetrics(images, o.digits), seconds };
  };
  const initial = await timed(() => sirt(op, sinograms, { iterations: initialIters }).images);
  // SIRT keeps no state but x, so continuing from the initial images is the same as one long run.
  const base = await timed(() => sirt(op, sinograms, { iterations: baselineIters, x0: initial.images }).images);
  const mixed: Record<string, ArmResult> = {};
  for (const [name, arm] of Object.entries(o.steps)) {
    const modelStep = typeof arm === 'function' ? arm : arm.step;
    const sirtIters = typeof arm === 'function' ? mixedSirtIters : arm.mixedSirtIters;
    checkCount(sirtIters, `mixedSirtIters of arm "${name}"`, 38);
    mixed[name] = await timed(
      async () => (await sirtMixed({ A: op, sinogram: sinograms, x0: initial.images, sirtIters, ratio: o.ratio, modelStep })).images,
    );
  }
  return { angles: o.angles, initial, sirt: base, mixed };
}

export interface InversionStepOptions {
  net: Net;
  /**
   * The class the step pulls towards: 'predicted' = the classifier's argmax on the current
   * reconstruction, recomputed at every step (no ground truth needed); or one label per image
   * (the true class: an oracle upper bound).
   */
  targets: 'predicted' | Int32Array;
  /** Image step size η of x ← x − η∇ₓJ (plain SGD, no state between steps). */
  lr: number;
  priors?: Prior[];
  /** false: the class loss is left out, so the step is a pure prior (regulariser) step: the control. */
  classLoss?: boolean;
  rows?: number;
  cols?: number;
}

const noClassLoss: InversionLoss = () => tf.scalar(0);

/** Classifier argmax of each image. */
export function predictClasses(net: Net, x: tf.Tensor4D): Int32Array {
  const pred = tf.tidy(() => net.apply(x, false).argMax(1));
  const out = Int32Array.from(pred.dataSync());
  pred.dispose();
  return out;
}

/**
 * A ModelStep for sirtMixed: one gradient step of the inversion objective
 * J(x) = CE(f(x), y) + Σ w·R(x) (thesis eq. 2.6) through lib/inverters/gradient's inversionStep.
 */
export function inversionModelStep(o: InversionStepOptions): ModelStep {
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new CtValueError(`lr is ${o.lr}; pass a positive image step size, e.g. 1.`);
  const rows = o.rows ?? 28;
  const cols = o.cols ?? 28;
  return async (images) => {
    if (o.targets !== 'predicted' && o.targets.length !== images.length) {
      throw new CtShapeError(`targets has ${o.targets.length} labels for ${images.length} images; give one label per image, in the digits' order.`);
    }
    const x0 = imagesToTensor(images, rows, cols);
    const x = tf.variable(x0, true);
    x0.dispose(); // the variable holds its own reference to the data
    // Without the class loss the targets change nothing: skip the classifier's forward pass for them.
    const labels = o.classLoss === false ? new Int32Array(images.length) : o.targets === 'predicted' ? predictClasses(o.net, x as unknown as tf.Tensor4D) : o.targets;
    const targets = oneHot(labels);
    const optimizer = tf.train.sgd(o.lr);
    try {
      const r = inversionStep({ net: o.net, x, targets, optimizer, priors: o.priors, loss: o.classLoss === false ? noClassLoss : undefined });
      // imagesFinite: on wasm a NaN pixel can leave the loss finite (and a later clip turns it into a bound).
      if (!Number.isFinite(r.loss) || !r.imagesFinite) throw new CtValueError(`the inversion objective is ${r.loss}${r.imagesFinite ? '' : ' and the image has a NaN or infinite pixel'}; lower lr (${o.lr}) or the prior weights.`);
      return await imagesFromTensor(x);
    } finally {
      x.dispose();
      targets.dispose();
      optimizer.dispose();
    }
  };
}

export type MetricName = 'mse' | 'psnr' | 'ssim';

/** Which direction is better for each metric. */
export const higherIsBetter: Record<MetricName, boolean> = { mse: false, psnr: true, ssim: true };

export interface PairedDiff {
  /** Mean over images of (arm − baseline). */
  mean: number;
  sd: number;
  /** Half-width of the normal 95 % interval of the mean, 1.96·sd/√n. */
  ci95: number;
  /** The arm is better than the baseline on this metric beyond the 95 % interval. */
  better: boolean;
  worse: boolean;
}

/** Mean and (population) std of values. */
export function meanStd(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
}

/** Per-image paired difference arm − baseline (same digits): the honest way to compare two arms. */
export function pairedDiff(arm: MetricTable, base: MetricTable, metric: MetricName): PairedDiff {
  const a = arm[metric];
  const b = base[metric];
  if (a.length !== b.length || a.length === 0) throw new CtShapeError(`paired metrics need equally many images, got ${a.length} and ${b.length}.`);
  const d = a.map((v, i) => v - b[i]);
  const { mean, std } = meanStd(d);
  const sd = d.length > 1 ? std * Math.sqrt(d.length / (d.length - 1)) : 0;
  const ci95 = (1.96 * sd) / Math.sqrt(d.length);
  const up = higherIsBetter[metric];
  return { mean, sd, ci95, better: up ? mean - ci95 > 0 : mean + ci95 < 0, worse: up ? mean + ci95 < 0 : mean - ci95 > 0 };
}

/**
 * The crossover: the smallest angle count (of those run, ascending) from which on the mixed arm's
 * mean metric is no better than SIRT's at every larger count too. null when the mixed arm is
 * better everywhere; the first count when it is never better.
 */
export function crossover(results: readonly AngleRunResult[], arm: string, metric: MetricName): number | null {
  const sorted = [...results].sort((a, b) => a.angles - b.angles);
  const better = sorted.map((r) => {
    const m = r.mixed[arm];
    if (!m) throw new CtValueError(`no mixed arm "${arm}" in the results for ${r.angles} angles; arms: ${Object.keys(r.mixed).join(', ')}.`);
    const d = m.metrics.mean[metric] - r.sirt.metrics.mean[metric];
    return higherIsBetter[metric] ? d > 0 : d < 0;
  });
  let k = sorted.length;
  while (k > 0 && !better[k - 1]) k--;
  return k === sorted.length ? null : sorted[k].angles;
}
