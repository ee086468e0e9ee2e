import * as tf from '@tensorflow/tfjs';
import { Net } from '../models/net';
import { digitGrid } from '../plot/grid';
import { assertNumber, assertShape, ShapeError, ValueRangeError } from '../tensor/guards';
import { invert, InversionLoss } from './gradient';
import { interpolationTargets, logitInterpolationLoss } from './interpolation';
import { meanPrior, MeanNorm } from './priors';

/**
 * Paper 004 (arXiv 2209.09210), "use a classifier as a generator":
 *   x̂ = argmin_x L(f(x), y) + λ‖x − μ‖   (eq. 6), μ = the training-set mean image,
 * run by the one gradient inverter (gradient.ts) with the mean prior (priors.ts).
 */
export interface GeneratorSettings {
  /** λ of eq. 6. */
  lambda: number;
  /** 'l2sq' = the authors' code (mean squared distance), 'l2' = eq. 6 as printed, 'l1' = sec. 5.3. */
  norm: MeanNorm;
  steps: number;
  /** SGD step size. */
  lr: number;
  /** PGD box (sec. 5.2: [0, 1]); none = plain gradient descent. */
  project?: [number, number];
}

/** Sec. 5.1: 100 steps of SGD, step 0.05, λ = 50, start at 0. */
export const PAPER_BASIC: GeneratorSettings = { lambda: 50, norm: 'l2sq', steps: 100, lr: 0.05 };

export interface Generated {
  images: tf.Tensor4D;
  /** The class each image was generated for. */
  labels: Int32Array;
  /** The generating classifier's probability of that class, per image (after the last step). */
  prob: Float32Array;
  /** Mean target probability per step (steps + 1 values). */
  curve: number[];
  seconds: number;
  dispose(): void;
}

/** Softmax probabilities [n,10] of `net` as rows (small batches only). */
function probRows(net: Net, x: tf.Tensor): Float32Array {
  const p = tf.tidy(() => tf.softmax(net.apply(x, false)));
  const v = p.dataSync() as Float32Array;
  p.dispose();
  return v;
}

/** GeneratorSettings in their own names (invert would report them as optimizer.lr, steps, …). */
function checkSettings(s: GeneratorSettings): void {
  const fix = 'see PAPER_BASIC (λ 50, 100 steps, lr 0.05).';
  assertNumber(s?.lambda, 'settings.lambda', { min: 0 }, fix);
  assertNumber(s.steps, 'settings.steps', { integer: true, min: 0 }, fix);
  assertNumber(s.lr, 'settings.lr', { above: 0 }, fix);
}

async function run(net: Net, mu: tf.Tensor4D, s: GeneratorSettings, targets: Int32Array | tf.Tensor2D, n: number, loss: 'ce' | InversionLoss, label: string) {
  checkSettings(s);
  assertShape(mu, [1, 28, 28, 1], 'μ (the mean image)');
  const x0 = tf.zeros([n, 28, 28, 1]) as tf.Tensor4D;
  try {
    return await invert({ net, targets, x0, steps: s.steps, optimizer: { name: 'sgd', lr: s.lr }, priors: [meanPrior(mu, s.lambda, s.norm)], project: s.project, loss, label });
  } finally {
    x0.dispose();
  }
}

/** One image of each digit in `digits` (default 0–9), generated from x0 = 0 under settings s. */
export async function generateDigits(net: Net, mu: tf.Tensor4D, s: GeneratorSettings, digits: number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], label = 'generating digits'): Promise<Generated> {
  if (!(digits?.length > 0)) throw new ValueRangeError(`generateDigits: digits [${digits}] is empty; pass the classes to generate, e.g. [0, 1, …, 9].`);
  const labels = Int32Array.from(digits);
  const r = await run(net, mu, s, labels, labels.length, 'ce', label);
  const p = probRows(net, r.images);
  const images = r.images;
  return { images, labels, prob: Float32Array.from(labels, (d, i) => p[i * 10 + d]), curve: r.targetProb, seconds: r.seconds, dispose: () => images.dispose() };
}

export interface Interpolation {
  /** [digits · ratios, 28,28,1], row-major: digit by digit, ratios left to right. */
  images: tf.Tensor4D;
  digits: Int32Array;
  ratios: number[];
  /** Probability of `from` and of the row's digit, per image. */
  probFrom: Float32Array;
  probTo: Float32Array;
  dispose(): void;
}

/** Sec. 5.4: maximise the logits of `from` and of each digit directly, with weights 1 − r and r. */
export async function interpolateDigits(net: Net, mu: tf.Tensor4D, s: GeneratorSettings, from: number, digits: number[], ratios: number[]): Promise<Interpolation> {
  const t = interpolationTargets(from, digits, ratios);
  try {
    const r = await run(net, mu, s, t.targets, t.digits.length, logitInterpolationLoss, `interpolating ${from} ↔ digits`);
    const p = probRows(net, r.images);
    const images = r.images;
    return {
      images,
      digits: t.digits,
      ratios,
      probFrom: Float32Array.from(t.digits, (_, i) => p[i * 10 + from]),
      probTo: Float32Array.from(t.digits, (d, i) => p[i * 10 + d]),
      dispose: () => images.dispose(),
    };
  } finally {
    t.targets.dispose();
  }
}

/** A row of a comparison figure: generated images with the classifier's probability as titles. */
export interface FigureRow {
  label: string;
  gen: Generated;
}

/**
 * The paper's figure layout: a row of reference training digits, then one row per setting, each tile
 * titled with the generating classifier's probability of its class. PNG.
 */
export function generatorFigure(reference: tf.Tensor4D, rows: FigureRow[], title: string, scale = 3): Buffer {
  assertShape(reference, [null, 28, 28, 1], 'generatorFigure reference');
  const n = reference.shape[0];
  rows.forEach((r) => {
    if (r.gen.images.shape[0] !== n) throw new ShapeError(`generatorFigure: row '${r.label}' has ${r.gen.images.shape[0]} images but the reference row has ${n}; generate one image per reference digit.`);
  });
  const ref = reference.dataSync();
  const tiles: Float32Array[] = [];
  const titles: string[] = [];
  for (let i = 0; i < n; i++) {
    tiles.push(Float32Array.from(ref.subarray(i * 784, (i + 1) * 784)));
    titles.push(`digit ${i}`);
  }
  for (const r of rows) {
    const d = r.gen.images.dataSync();
    for (let i = 0; i < n; i++) {
      tiles.push(Float32Array.from(d.subarray(i * 784, (i + 1) * 784)));
      titles.push(`p=${r.gen.prob[i].toFixed(2)}`);
    }
  }
  return digitGrid(tiles, { cols: n, titles, rowLabels: ['reference', ...rows.map((r) => r.label)], title, scale });
}

/** Fig. 4 layout: per digit, its reference sample then the interpolations; tiles titled p(from)/p(digit). */
export function interpolationFigure(reference: tf.Tensor4D, it: Interpolation, from: number, title: string, scale = 2): Buffer {
  assertShape(reference, [10, 28, 28, 1], 'interpolationFigure reference (one image of each digit 0–9, in order)');
  const k = it.ratios.length;
  const ref = reference.dataSync();
  const gen = it.images.dataSync();
  const rowsOf = it.digits.length / k;
  const tiles: Float32Array[] = [];
  const titles: string[] = [];
  for (let r = 0; r < rowsOf; r++) {
    const d = it.digits[r * k];
    tiles.push(Float32Array.from(ref.subarray(d * 784, (d + 1) * 784)));
    titles.push('ref');
    for (let j = 0; j < k; j++) {
      const i = r * k + j;
      tiles.push(Float32Array.from(gen.subarray(i * 784, (i + 1) * 784)));
      titles.push(`${it.probFrom[i].toFixed(2)}/${it.probTo[i].toFixed(2)}`);
    }
  }
  const rowLabels = Array.from({ length: rowsOf }, (_, r) => `${from}↔${it.digits[r * k]}`);
  return digitGrid(tiles, { cols: k + 1, titles, rowLabels, title, scale });
}
