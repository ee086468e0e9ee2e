import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertShape, assertValues, ValueRangeError } from '../tensor/guards';

/**
 * A regulariser R(x) of the inversion objective argmin_x L(f(x), y) + Σ weight·R(x).
 * `term` returns the unweighted R averaged over the batch (one value per image, then the mean),
 * so a prior means the same for 1 image or 100; the inverter multiplies by `weight`.
 */
export interface Prior {
  name: string;
  weight: number;
  term(x: tf.Tensor4D): tf.Scalar;
}

/** Distance to the mean image: 'l2' = ‖x−μ‖₂/√d, 'l2sq' = ‖x−μ‖₂²/d, 'l1' = ‖x−μ‖₁/d (d = pixels). */
export type MeanNorm = 'l2' | 'l2sq' | 'l1';

function checkWeight(w: number, name: string): void {
  assertNumber(w, `${name} weight`, { min: 0 }, `pass e.g. ${name}(0.01).`);
}

/** Per-image sums over H, W, C → [n]. */
const perImageSum = (t: tf.Tensor): tf.Tensor1D => t.sum([1, 2, 3]) as tf.Tensor1D;

/**
 * Total variation, thesis eq. 2.5:
 *   TV(x) = Σ_i Σ_j (x_{i,j+1} − x_{i,j})² + (x_{i+1,j} − x_{i,j})²
 * summed over one image, then the mean over the batch.
 * Its gradient is written out (autodiff of the four slices costs ~12 small kernels a step, a large
 * share of a 10-image inversion step on wasm): ∂TV/∂x_ij = 2(4x_ij − x_{i−1,j} − x_{i+1,j} − x_{i,j−1}
 * − x_{i,j+1}) with each missing neighbour replaced by x_ij itself, i.e. 2·(discrete Laplacian of the
 * edge-replicated image): one pad and one depthwise 3×3 convolution.
 */
export function tvPrior(weight: number): Prior {
  checkWeight(weight, 'tvPrior');
  return { name: 'tv', weight, term: (x) => tvTerm(x) };
}

const tvTerm = tf.customGrad(((x4: tf.Tensor, save: tf.GradSaveFunc) => {
  const x = x4 as tf.Tensor4D;
  save([x]);
  const value = tf.tidy(() => {
    const [, h, w] = x.shape;
    const dx = x.slice([0, 0, 1, 0], [-1, h, w - 1, -1]).sub(x.slice([0, 0, 0, 0], [-1, h, w - 1, -1]));
    const dy = x.slice([0, 1, 0, 0], [-1, h - 1, w, -1]).sub(x.slice([0, 0, 0, 0], [-1, h - 1, w, -1]));
    return perImageSum(dx.square()).add(perImageSum(dy.square())).mean() as tf.Scalar;
  });
  const gradFunc = (dyUp: tf.Tensor, saved: tf.Tensor[]) => {
    const [xs] = saved as [tf.Tensor4D];
    const [n, , , c] = xs.shape;
    // 'symmetric' mirror padding by 1 repeats the edge row/column: x_{−1,j} = x_{0,j}.
    const padded = tf.mirrorPad(xs, [[0, 0], [1, 1], [1, 1], [0, 0]], 'symmetric');
    const lap = tf.tile(tf.tensor4d([0, -1, 0, -1, 4, -1, 0, -1, 0], [3, 3, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    return tf.mul(tf.depthwiseConv2d(padded, lap, 1, 'valid'), tf.mul(dyUp, 2 / n));
  };
  return { value, gradFunc };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Scalar;

/** Squared l2 norm, thesis eq. 2.4: ‖x‖₂² = Σ_i x_i², per image, mean over the batch. */
export function l2Prior(weight: number): Prior {
  checkWeight(weight, 'l2Prior');
  return { name: 'l2', weight, term: (x) => tf.tidy(() => perImageSum(x.square()).mean() as tf.Scalar) };
}

/** l1 norm ‖x‖₁ = Σ_i |x_i|, per image, mean over the batch (favours sparse strokes). */
export function l1Prior(weight: number): Prior {
  checkWeight(weight, 'l1Prior');
  return { name: 'l1', weight, term: (x) => tf.tidy(() => perImageSum(x.abs()).mean() as tf.Scalar) };
}

/**
 * Paper 004 eq. 6's regulariser λ‖x − μ‖ with μ the training-set mean image ([1,28,28,1], broadcast).
 * Distances are per pixel (divided by d = 784, or √d for 'l2') as in the authors' PyTorch code,
 * whose mse/l1 losses average over pixels: that is the scale on which their λ = 50 with step 0.05
 * works (a raw sum would make λ·∇ ≈ 50 per pixel and SGD diverge).
 *   'l2'   ‖x−μ‖₂/√d  = sqrt(mean((x−μ)²))   (eq. 6 as printed)
 *   'l2sq' ‖x−μ‖₂²/d  = mean((x−μ)²)         (the authors' code; Gaussian prior x ~ N(μ, σ²))
 *   'l1'   ‖x−μ‖₁/d   = mean(|x−μ|)          (sec. 5.3; Laplacian prior)
 */
export function meanPrior(mu: tf.Tensor4D, weight: number, norm: MeanNorm = 'l2sq'): Prior {
  checkWeight(weight, 'meanPrior');
  assertShape(mu, [1, null, null, null], 'meanPrior μ');
  assertValues(mu, 'meanPrior μ', {}, 'Pass the training-set mean image, meanImage(loadMnist(\'train\')).');
  if (norm !== 'l2' && norm !== 'l2sq' && norm !== 'l1') throw new ValueRangeError(`meanPrior norm "${norm}" is unknown; use 'l2', 'l2sq' or 'l1'.`);
  return {
    name: `mean-${norm}`,
    weight,
    term: (x) =>
      tf.tidy(() => {
        const d = x.sub(mu);
        const perPixel = (t: tf.Tensor) => t.mean([1, 2, 3]);
        if (norm === 'l1') return perPixel(d.abs()).mean() as tf.Scalar;
        const msq = perPixel(d.square());
        // sqrt has an infinite gradient at 0 (x = μ exactly): a tiny floor keeps it finite.
        return (norm === 'l2' ? msq.add(1e-12).sqrt() : msq).mean() as tf.Scalar;
      }),
  };
}

/** Σ_p weight_p · R_p(x) as one scalar (0 when there are no priors). */
export function priorTotal(priors: Prior[], x: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => priors.reduce((acc: tf.Scalar, p) => acc.add(p.term(x).mul(p.weight)) as tf.Scalar, tf.scalar(0)));
}
