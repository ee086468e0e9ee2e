import * as tf from '@tensorflow/tfjs';
import { ValueRangeError } from '../tensor/guards';

/** SELU constants (Klambauer et al. 2017; what tf.selu uses). */
export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;
/** SELU maps ℝ onto (−λα, ∞); its inverse exists only there. */
export const SELU_FLOOR = -SELU_LAMBDA * SELU_ALPHA;

/**
 * A value lies outside the range an inverse accepts, or the inverse "grows unbounded" there
 * (paper 001, Fig. 2 line 6): the backward pass must reject this sample.
 */
export class InverseDomainError extends ValueRangeError {
  name = 'InverseDomainError';
}

/** Smallest value and its flat index (reads the tensor: call outside hot loops). */
function argMin(t: tf.Tensor): { value: number; index: number } {
  const d = t.dataSync();
  let index = 0;
  for (let i = 1; i < d.length; i++) if (d[i] < d[index] || Number.isNaN(d[i])) index = i;
  return { value: d[index], index };
}

/**
 * softmax⁻¹ (paper 001, Sec. III-B): z_i = log y_i − (1/c) Σ_j log y_j + constant. softmax is
 * invariant to adding a constant to every logit, so `constant` is a free choice (0 in the paper).
 * y: [n, c] rows of probabilities > 0 summing to 1.
 */
export function softmaxInverse(y: tf.Tensor2D, constant = 0): tf.Tensor2D {
  if (!Number.isFinite(constant)) throw new ValueRangeError(`softmaxInverse: constant=${constant} must be finite (0 is the paper's choice).`);
  const bad = tf.tidy(() => {
    const sums = y.sum(1);
    return [y.min().dataSync()[0], tf.abs(sums.sub(1)).max().dataSync()[0]];
  });
  if (!(bad[0] > 0)) throw new InverseDomainError(`softmaxInverse: a probability is ${bad[0]}; log y needs every y_i > 0 — give each class a small positive probability (e.g. 1e-3).`);
  if (!(bad[1] <= 1e-4)) throw new InverseDomainError(`softmaxInverse: a row of y sums to 1 ± ${bad[1].toExponential(2)}; normalise each row to sum to 1.`);
  return tf.tidy(() => {
    const logY = tf.log(y);
    return logY.sub(logY.mean(1, true)).add(constant) as tf.Tensor2D;
  });
}

/**
 * SELU⁻¹: z / λ for z > 0, log(1 + z/(λα)) for z ≤ 0; defined on (−λα, ∞) = (−1.7581, ∞).
 * Near −λα the inverse tends to −∞ (condition number unbounded), so values below
 * `floor` = −λα + margin are rejected with an InverseDomainError naming the value.
 */
export function seluInverse(z: tf.Tensor, opts: { margin?: number; name?: string } = {}): tf.Tensor {
  const margin = opts.margin ?? 1e-3;
  const floor = SELU_FLOOR + margin;
  const lo = argMin(z);
  if (!(lo.value > floor)) {
    throw new InverseDomainError(
      `${opts.name ?? 'seluInverse'}: value ${lo.value} at flat index ${lo.index} is outside SELU's range (${SELU_FLOOR.toFixed(4)}, ∞) ` +
      `(or within ${margin} of its edge, where the inverse grows unbounded); draw another null-space sample, lower Std, or use a smaller CondNum.`);
  }
  return tf.tidy(() => tf.where(
    tf.greater(z, 0),
    tf.div(z, SELU_LAMBDA),
    tf.log1p(tf.div(tf.minimum(z, 0), SELU_LAMBDA * SELU_ALPHA)),
  ));
}

/** LeakyReLU⁻¹: z for z ≥ 0, z/α for z < 0. A bijection of ℝ for α > 0 (its condition number is 1/α). */
export function leakyReluInverse(z: tf.Tensor, alpha: number): tf.Tensor {
  if (!(alpha > 0)) throw new ValueRangeError(`leakyReluInverse: alpha=${alpha} must be > 0 — LeakyReLU with slope 0 is ReLU, which is not invertible.`);
  return tf.tidy(() => tf.where(tf.greaterEqual(z, 0), z, tf.div(z, alpha)));
}
