import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { loadMnist, Dataset } from '../data/mnist';
import { fromRoot, writeFileAtomic } from '../paths';
import { assertShape, ShapeError, ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { frechetDistance, gaussianStats, GaussianStats, statsFromJson, statsToJson } from './frechet';
import { Judge } from './judge';

/**
 * The scores of a batch of generated images (see notebooks/06-leaderboard.ipynb for how to read
 * them). The judge sees the images clamped to [0,1] — what a PNG of them holds — and
 * `outsideRange` says how far the raw images left that range.
 */
export interface Scores {
  n: number;
  /** Fraction the judge classifies as the intended label; null when no labels were given. */
  judgeAccuracy: number | null;
  /** Mean judge probability of the intended label (without labels: of the judge's own top class, i.e. its confidence). */
  meanTargetProb: number;
  /** Mean of the largest probability among the other classes (without labels: the runner-up). */
  meanMaxOtherProb: number;
  /** Entropy (bits) of the judge's predicted labels over the batch: log2(10) = 3.32 when all classes are equally present, 0 for one class. */
  labelEntropy: number;
  /** Squared Fréchet distance between judge features of the batch and of the reference test digits ("MNIST FID"). */
  frechet: number;
  /** Mean Euclidean pixel distance (of 784 pixels in [0,1]) to the nearest training digit of the intended (else predicted) class. */
  nnDistance: number;
  /** Fraction of raw pixel values outside [0,1] (by more than 1e-6). */
  outsideRange: number;
}

/** The FID reference: judge features of the first 5,000 test digits (the anchors use the other 5,000). */
export const FID_REFERENCE = { split: 'test' as const, first: 5000 };

const log2 = (x: number) => Math.log(x) / Math.LN2;

/** Entropy in bits of the label histogram of `predicted` (classes 0..classes−1). */
export function labelEntropy(predicted: ArrayLike<number>, classes = 10): number {
  const n = predicted.length;
  if (n === 0) throw new ShapeError('label entropy of 0 labels; give at least one.');
  const counts = new Array(classes).fill(0);
  for (let i = 0; i < n; i++) {
    const c = predicted[i];
    if (!(Number.isInteger(c) && c >= 0 && c < classes)) throw new ValueRangeError(`label ${c} at index ${i} is not a class 0..${classes - 1}; pass integer labels.`);
    counts[c]++;
  }
  let h = 0;
  for (const k of counts) if (k > 0) h -= (k / n) * log2(k / n);
  return h;
}

/** Fraction of values of `images` below 0 or above 1 (by more than `tol`). */
export function outsideRangeFraction(images: tf.Tensor, tol = 1e-6): number {
  const t = tf.tidy(() => tf.logicalOr(images.less(-tol), images.greater(1 + tol)).sum());
  const k = t.dataSync()[0];
  t.dispose();
  return k / images.size;
}

const referenceCache = new Map<string, GaussianStats>();
const referenceFile = (sha: string) => fromRoot('.cache', 'judge', `reference-${sha.slice(0, 16)}-test${FID_REFERENCE.first}.json`);

/**
 * Feature statistics of the reference digits under this judge: computed once (5,000 forward passes),
 * then kept in memory and in .cache/judge/ keyed by the judge's weight hash.
 */
export function referenceStats(judge: Judge): GaussianStats {
  const sha = judge.info.weightsSha256;
  const hit = referenceCache.get(sha);
  if (hit) return hit;
  const file = referenceFile(sha);
  let stats: GaussianStats | null = null;
  if (fs.existsSync(file)) {
    try {
      stats = statsFromJson(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch {
      stats = null; // a damaged cache file is recomputed below
    }
  }
  if (!stats) {
    const ref = loadMnist(FID_REFERENCE.split, { limit: FID_REFERENCE.first });
    const f = judge.features(ref.images);
    stats = gaussianStats(f);
    tf.dispose([f, ref.images]);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(statsToJson(stats)));
  }
  referenceCache.set(sha, stats);
  return stats;
}

/** Training digits as uint8 rows per class (47 MB in all), for the nearest-neighbour check. */
let trainByClass: { pixels: Uint8Array; n: number }[] | null = null;

function trainingDigits(): { pixels: Uint8Array; n: number }[] {
  if (trainByClass) return trainByClass;
  const ds = loadMnist('train');
  const x = ds.images.dataSync();
  const counts = new Array(10).fill(0);
  for (const l of ds.labels) counts[l]++;
  const out = counts.map((n) => ({ pixels: new Uint8Array(n * 784), n: 0 }));
  for (let i = 0; i < ds.n; i++) {
    const c = out[ds.labels[i]];
    for (let p = 0; p < 784; p++) c.pixels[c.n * 784 + p] = Math.round(x[i * 784 + p] * 255);
    c.n++;
  }
  ds.images.dispose();
  trainByClass = out;
  return out;
}

/**
 * Distance from each image to its nearest training digit of class `classes[i]`:
 * ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b, one matrix product per class.
 */
export function nearestTrainingDistances(images: tf.Tensor, classes: ArrayLike<number>): Float32Array {
  const n = images.shape[0];
  const out = new Float32Array(n);
  const train = trainingDigits();
  const flat = tf.tidy(() => images.reshape([n, 784]));
  for (let c = 0; c < 10; c++) {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (classes[i] === c) idx.push(i);
    if (idx.length === 0) continue;
    const d = tf.tidy(() => {
      const b = tf.tensor2d(train[c].pixels, [train[c].n, 784], 'int32').toFloat().div(255);
      const a = tf.gather(flat, tf.tensor1d(idx, 'int32'));
      const aa = a.square().sum(1, true);
      const bb = b.square().sum(1).reshape([1, -1]);
      const d2 = aa.add(bb).sub(tf.matMul(a, b, false, true).mul(2));
      return d2.min(1).relu().sqrt();
    });
    const v = d.dataSync();
    d.dispose();
    idx.forEach((i, k) => (out[i] = v[k]));
  }
  flat.dispose();
  return out;
}

function checkLabels(labels: Int32Array, n: number): void {
  if (labels.length !== n) throw new ShapeError(`${labels.length} labels for ${n} images; give one intended label per image (or null).`);
  labels.forEach((l, i) => {
    if (!(l >= 0 && l <= 9)) throw new ValueRangeError(`label ${l} at index ${i} is not a digit 0–9; fix the intended labels.`);
  });
}

/**
 * Score a batch of generated images [n,28,28,1] against intended labels (null for unconditional
 * generators, whose "target" is then the judge's own top class). Needs n ≥ 2 (a covariance).
 */
export function scoreImages(judge: Judge, images: tf.Tensor4D, labels: Int32Array | null): Scores {
  assertShape(images, [null, 28, 28, 1], 'images to score');
  const n = images.shape[0];
  if (n < 2) throw new ShapeError(`scoring needs at least 2 images (the Fréchet distance needs a covariance) but got ${n}; score a batch.`);
  if (labels) checkLabels(labels, n);
  const outsideRange = outsideRangeFraction(images);
  const clamped = tf.tidy(() => images.clipByValue(0, 1));
  const probs = judge.probs(clamped);
  const p = probs.dataSync();
  probs.dispose();
  const predicted = new Int32Array(n);
  let hits = 0;
  let targetSum = 0;
  let otherSum = 0;
  for (let i = 0; i < n; i++) {
    const row = p.subarray(i * 10, i * 10 + 10);
    let top = 0;
    for (let k = 1; k < 10; k++) if (row[k] > row[top]) top = k;
    predicted[i] = top;
    const target = labels ? labels[i] : top;
    if (top === target) hits++;
    let other = 0;
    for (let k = 0; k < 10; k++) if (k !== target && row[k] > other) other = row[k];
    targetSum += row[target];
    otherSum += other;
  }
  const features = judge.features(clamped);
  const stats = gaussianStats(features);
  features.dispose();
  const frechet = frechetDistance(stats, referenceStats(judge));
  const nn = nearestTrainingDistances(clamped, labels ?? predicted);
  clamped.dispose();
  return {
    n,
    judgeAccuracy: labels ? hits / n : null,
    meanTargetProb: targetSum / n,
    meanMaxOtherProb: otherSum / n,
    labelEntropy: labelEntropy(predicted),
    frechet,
    nnDistance: nn.reduce((a, b) => a + b, 0) / n,
    outsideRange,
  };
}

/**
 * k test digits of every class from the test digits the FID reference does not use (indices
 * 5,000–9,999), seeded: the "real digits" anchor of the leaderboard. The caller disposes images.
 */
export function heldOutTestDigits(k: number, seed: number): Dataset {
  const all = loadMnist('test');
  const rng = makeRng(seed);
  const order = rng.shuffle(Array.from({ length: all.n - FID_REFERENCE.first }, (_, i) => i + FID_REFERENCE.first)) as number[];
  const picked: number[][] = Array.from({ length: 10 }, () => []);
  for (const j of order) if (picked[all.labels[j]].length < k) picked[all.labels[j]].push(j);
  const idx = picked.flat();
  if (idx.length < 10 * k) throw new ValueRangeError(`the held-out test digits have fewer than ${k} of some class; lower k.`);
  const images = tf.tidy(() => tf.gather(all.images, tf.tensor1d(idx, 'int32'))) as tf.Tensor4D;
  all.images.dispose();
  return { images, labels: Int32Array.from(idx, (j) => all.labels[j]), n: idx.length };
}

/** Uniform noise in [0,1] (seeded): the "noise" anchor of the leaderboard. */
export function uniformNoise(n: number, seed: number): tf.Tensor4D {
  const rng = makeRng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * 784 }, () => rng.uniform()), [n, 28, 28, 1]);
}
