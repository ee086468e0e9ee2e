import * as tf from '@tensorflow/tfjs';
import { EVD, Matrix } from 'ml-matrix';
import { ShapeError, ValueRangeError } from '../tensor/guards';

/** Mean and covariance of a set of feature vectors (float64 on the JS side). */
export interface GaussianStats {
  n: number;
  mean: Float64Array;
  /** Sample covariance (divided by n − 1), d × d. */
  cov: Matrix;
  /**
   * When n ≤ d: the centred features / √(n − 1), n × d, so cov = factorᵀ·factor. The Fréchet
   * distance then needs an n × n eigenproblem instead of d × d ones (30 samples: 30×30, not 256×256).
   */
  factor?: Matrix;
}

/**
 * Mean and covariance of features [n,d] (a tensor, or rows of numbers). The covariance product
 * runs in tfjs (float32, fast for n = 5,000, d = 256); the result is read once, outside tidy.
 */
export function gaussianStats(features: tf.Tensor2D | number[][]): GaussianStats {
  const x = Array.isArray(features) ? tf.tensor2d(features) : features;
  try {
    if (x.rank !== 2) throw new ShapeError(`features have shape [${x.shape.join(',')}] but [n,d] is needed; flatten them first.`);
    const [n, d] = x.shape;
    if (n < 2) throw new ShapeError(`features hold ${n} vector(s); a covariance needs at least 2 (score a batch of ≥ 2 images).`);
    const [meanT, covT, centredT] = tf.tidy(() => {
      const m = x.mean(0);
      const c = x.sub(m);
      return [m, tf.matMul(c, c, true, false).div(n - 1), n <= d ? c.div(Math.sqrt(n - 1)) : tf.zeros([0])];
    });
    const mean = Float64Array.from(meanT.dataSync());
    const flat = covT.dataSync();
    const centred = centredT.dataSync();
    tf.dispose([meanT, covT, centredT]);
    const cov = new Matrix(d, d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov.set(i, j, flat[i * d + j]);
    if (n > d) return { n, mean, cov };
    const factor = new Matrix(n, d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) factor.set(i, j, centred[i * d + j]);
    return { n, mean, cov, factor };
  } finally {
    if (Array.isArray(features)) x.dispose();
  }
}

/** Symmetrise (float32 products leave ~1e-7 asymmetry) and eigen-decompose a symmetric matrix. */
function symmetricEig(m: Matrix): { values: number[]; vectors: Matrix } {
  const s = m.add(m.transpose()).div(2);
  const e = new EVD(s, { assumeSymmetric: true });
  return { values: e.realEigenvalues, vectors: e.eigenvectorMatrix };
}

/**
 * Square root of a symmetric positive semi-definite matrix: V diag(√λ) Vᵀ, with eigenvalues
 * below zero (round-off of a rank-deficient covariance) set to 0.
 */
export function sqrtmSymmetric(m: Matrix): Matrix {
  const { values, vectors } = symmetricEig(m);
  const scaled = vectors.clone();
  for (let j = 0; j < values.length; j++) {
    const r = Math.sqrt(Math.max(values[j], 0));
    for (let i = 0; i < scaled.rows; i++) scaled.set(i, j, scaled.get(i, j) * r);
  }
  return scaled.mmul(vectors.transpose());
}

/** C^½ per statistics object: the reference set's is computed once, not once per scored batch. */
const sqrtCache = new WeakMap<GaussianStats, Matrix>();
function covSqrt(s: GaussianStats): Matrix {
  let r = sqrtCache.get(s);
  if (!r) sqrtCache.set(s, (r = sqrtmSymmetric(s.cov)));
  return r;
}

/**
 * Squared Fréchet distance between Gaussians N(μ1,C1) and N(μ2,C2) (Dowson & Landau 1982; the
 * FID of Heusel et al. 2017 reports this squared value, and so do we):
 *   d² = ‖μ1 − μ2‖² + tr(C1 + C2 − 2 (C2^½ C1 C2^½)^½).
 * C2^½ C1 C2^½ is symmetric PSD, so its square root's trace is Σ √λᵢ of its eigenvalues, and those
 * are the eigenvalues of C1·C2, so the formula is symmetric in the two sets. The square root is taken
 * of the second (the fixed reference in lib/eval/scores.ts) and cached: one EVD per scored batch.
 */
export function frechetDistance(a: GaussianStats, b: GaussianStats): number {
  const d = a.mean.length;
  if (b.mean.length !== d) throw new ShapeError(`Fréchet distance between ${d}-D and ${b.mean.length}-D features; compute both with the same judge layer.`);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  // Σ √λ over the eigenvalues of C1·C2. With C1 = FᵀF (F: n × d, n ≤ d) those are, besides zeros,
  // the eigenvalues of F C2 Fᵀ (n × n): the same trace from a small eigenproblem, no matrix root.
  const small = a.factor ?? b.factor;
  const { values } = small
    ? symmetricEig(small.mmul(a.factor ? b.cov : a.cov).mmul(small.transpose()))
    : symmetricEig(covSqrt(b).mmul(a.cov).mmul(covSqrt(b)));
  let crossTrace = 0;
  for (const v of values) crossTrace += Math.sqrt(Math.max(v, 0));
  const d2 = meanTerm + a.cov.trace() + b.cov.trace() - 2 * crossTrace;
  if (!Number.isFinite(d2)) throw new ValueRangeError(`the Fréchet distance came out ${d2}; the features hold NaN or infinity — check the images for NaN.`);
  // Round-off can leave −1e-12 for identical inputs; a squared distance is never negative.
  return Math.max(d2, 0);
}

/** Squared Fréchet distance between two feature sets [n,d]. */
export const frechetFromFeatures = (a: tf.Tensor2D | number[][], b: tf.Tensor2D | number[][]): number => frechetDistance(gaussianStats(a), gaussianStats(b));

/** JSON form of the statistics (for the on-disk cache of the reference set). */
export const statsToJson = (s: GaussianStats): { n: number; mean: number[]; cov: number[][] } => ({ n: s.n, mean: Array.from(s.mean), cov: s.cov.to2DArray() }); // (the factor is not kept: the full path serves)

export const statsFromJson = (j: { n: number; mean: number[]; cov: number[][] }): GaussianStats => ({ n: j.n, mean: Float64Array.from(j.mean), cov: new Matrix(j.cov) });
