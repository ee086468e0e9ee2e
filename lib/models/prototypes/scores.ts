import * as tf from '@tensorflow/tfjs';
import { Net } from '../net';

/**
 * A prototype network seen as a classifier: apply(x) = −ℓ_k(f(x)) for every class k, where
 * ℓ_k is the per-prototype training loss [n, K]. Its arg-max is the nearest prototype, its
 * softmax a class probability, and −Σ_k t_k·apply(x)_k is exactly the training loss — so the
 * gradient inverter, accuracy() and the judge's pipeline treat it like any logits classifier.
 * It shares the embedding net's weights: dispose the model, not this view (dispose() is a no-op).
 */
export function lossScoresNet(net: Net, lossMatrix: (z: tf.Tensor) => tf.Tensor2D, name: string): Net {
  return {
    name,
    apply: (x, training) => tf.tidy(() => lossMatrix(net.apply(x, training)).neg()),
    trainableVars: () => net.trainableVars(),
    getWeights: () => net.getWeights(),
    setWeights: (w) => net.setWeights(w),
    dispose: () => undefined,
  };
}

/**
 * The inversion loss for a lossScoresNet: the prototype loss toward the target's prototype,
 * Σ_k t_k·ℓ_k(f(x)) averaged over the batch (eq. 4.5, or the penalised Busemann loss).
 */
export const prototypeLoss = (negLosses: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar =>
  tf.tidy(() => negLosses.mul(targets).sum(1).mean().neg() as tf.Scalar);
