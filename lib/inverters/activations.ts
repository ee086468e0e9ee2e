import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertShape, assertValues, ValueRangeError } from '../tensor/guards';

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

/**
 * softmax⁻¹ (paper 001, Sec. III-B): z_i = log y_i − (1/c) Σ_j log y_j + constant. softmax is
 * invariant to adding a constant to every logit, so `constant` is a free choice (0 in the paper).
 * y: [n, c] rows of probabilities > 0 summing to 1.
 */
export function softmaxInverse(y: tf.Tensor2D, constant = 0): tf.Tensor2D {
  assertNumber(constant, 'softmaxInverse: constant', {}, "0 is the paper's choice.");
  assertShape(y, [null, null], 'softmaxInverse: y (one row of class probabilities per sample)');
  const [n, c] = y.shape;
  const d = assertValues(y, 'softmaxInverse: y', { above: 0, max: 1 }, 'Log y needs every y_i in (0, 1] — give each class a small positive probability (e.g. 1e-3).', InverseDomainError);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += d[i * c + j];
    if (!(Math.abs(s - 1) <= 1e-4)) throw new InverseDomainError(`softmaxInverse: row ${i} of y sums to 1 ± ${Math.abs(s - 1).toExponential(2)}; normalise each row to sum to 1.`);
  }
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
  const name = opts.name ?? 'seluInverse';
  const margin = opts.margin ?? 1e-3;
  // margin ≥ λα would put the floor at or above 0 and reject values SELU⁻¹ handles exactly.
  assertNumber(margin, `${name}: margin`, { min: 0, below: -SELU_FLOOR }, 'the default is 1e-3 (how close to −λα a value may come).');
  const floor = SELU_FLOOR + margin;
  assertValues(z, name, { above: floor }, `SELU⁻¹ is defined on (${SELU_FLOOR.toFixed(4)}, ∞) and grows unbounded within ${margin} of its edge, and needs finite values; ` +
    'draw another null-space sample, lower Std, or use a smaller CondNum (a non-finite value: check the layer above for overflow).', InverseDomainError);
  return tf.tidy(() => tf.where(
    tf.greater(z, 0),
    tf.div(z, SELU_LAMBDA),
    tf.log1p(tf.div(tf.minimum(z, 0), SELU_LAMBDA * SELU_ALPHA)),
  ));
}

/** LeakyReLU⁻¹: z for z ≥ 0, z/α for z < 0. A bijection of ℝ for α > 0 (its condition number is 1/α). */
export function leakyReluInverse(z: tf.Tensor, alpha: number): tf.Tensor {
  assertNumber(alpha, 'leakyReluInverse: alpha', { above: 0 }, "give the layer's negative slope (PyTorch's default is 0.01); slope 0 is ReLU, which is not invertible.");
  assertValues(z, 'leakyReluInverse', {}, 'LeakyReLU⁻¹ needs finite values: check the layer above for overflow or NaN.', InverseDomainError);
  return tf.tidy(() => tf.where(tf.greaterEqual(z, 0), z, tf.div(z, alpha)));
}
