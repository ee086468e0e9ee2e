import * as tf from '@tensorflow/tfjs';
import { tvPrior } from '../../inverters/priors';

/**
 * Losses a replica can compute, by name, since a function cannot cross a thread. Each is a mean of
 * per-row terms, L = (1/n) Σᵢ ℓᵢ, so the gradient of a whole batch is the row-weighted mean of its
 * parts' gradients: ∇L = Σₖ (nₖ/n) ∇Lₖ. That is what makes splitting a batch across threads exact.
 */
export interface LossSpec {
  kind: 'softmaxCrossEntropy' | 'meanSquaredError';
  /** Adds λ·TV(x) (thesis eq. 2.5, a mean over images too): the CE + TV inversion objective. */
  tv?: number;
}

export function lossValue(spec: LossSpec, x: tf.Tensor, y: tf.Tensor, out: tf.Tensor): tf.Scalar {
  if (spec.kind !== 'softmaxCrossEntropy' && spec.kind !== 'meanSquaredError') {
    throw new RangeError(`loss kind '${(spec as LossSpec).kind}' is not softmaxCrossEntropy or meanSquaredError.`);
  }
  const base = spec.kind === 'softmaxCrossEntropy' ? tf.losses.softmaxCrossEntropy(y, out) : tf.losses.meanSquaredError(y, out);
  return (spec.tv ? tf.add(base, tf.mul(tvPrior(1).term(x as tf.Tensor4D), spec.tv)) : base) as tf.Scalar;
}
