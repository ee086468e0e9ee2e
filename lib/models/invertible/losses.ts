import * as tf from '@tensorflow/tfjs';
import { luFactor, luInverse, luLogAbsDet } from '../../linalg/lu';
import { LogDetTracker } from './logdet';
import { InvertibleMlp, PIXELS } from './mlp';

/**
 * The training targets of the invertible MLP: for an image of label a, the 784 outputs N should
 * look like samples of N(2a, 1). Three named losses, per image, averaged over the batch:
 *
 * 'slides'   (exactly as on the slides)
 *     L(N) = |N| ln(2π)/2 + |N|/2 · Σ_i (n_i − 2a)² + (Var(N) − 1)²
 * 'textbook' (the Gaussian negative log-likelihood: 1/2 where the slides have |N|/2)
 *     L(N) = |N| ln(2π)/2 + 1/2 · Σ_i (n_i − 2a)² + (Var(N) − 1)²
 * 'flow'     (textbook + the change-of-variables term the slides omit, so L is −log p_X(x)
 *             up to the variance penalty: log p_X(x) = log p_N(f(x)) + log|det ∂f/∂x|)
 *     L(N) = textbook − Σ_k log|det W_k| − Σ_k Σ_j log φ'(z_kj)
 *
 * Var(N) is the unbiased variance over the 784 outputs (torch.var's default). The LeakyReLU term
 * log φ'(z) = log(slope)·[z < 0] is included in the value but is piecewise constant: its gradient
 * is zero almost everywhere, so only −log|det W| changes training.
 */
export type InvertibleLoss = 'slides' | 'textbook' | 'flow';

export const INVERTIBLE_LOSSES: InvertibleLoss[] = ['slides', 'textbook', 'flow'];

const LN_2PI = Math.log(2 * Math.PI);

/**
 * Per-image terms: Σ(n − μ)² and the unbiased Var(N). `n` [b,784]; `target` is either the labels a
 * [b] (μ = 2a, the slides) or the class means of each image [b,784] (a learned prior).
 */
function terms(n: tf.Tensor2D, target: tf.Tensor): { sq: tf.Tensor1D; variance: tf.Tensor1D } {
  const d = n.shape[1];
  if (target.rank === 1) target = tf.mul(target.reshape([-1, 1]), 2);
  const sq = tf.sum(tf.square(tf.sub(n, target)), 1) as tf.Tensor1D;
  const mean = tf.mean(n, 1, true);
  const variance = tf.div(tf.sum(tf.square(tf.sub(n, mean)), 1), d - 1) as tf.Tensor1D;
  return { sq, variance };
}

/** The slides' loss per image [b]: |N| ln(2π)/2 + |N|/2 Σ(n − 2a)² + (Var(N) − 1)². */
export function slidesLossPerImage(n: tf.Tensor2D, labels: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const d = n.shape[1];
    const { sq, variance } = terms(n, labels);
    return tf.add(tf.add(tf.mul(sq, d / 2), tf.square(tf.sub(variance, 1))), (d * LN_2PI) / 2) as tf.Tensor1D;
  });
}

/** The textbook Gaussian NLL per image [b]: |N| ln(2π)/2 + 1/2 Σ(n − 2a)² + (Var(N) − 1)². */
export function textbookNllPerImage(n: tf.Tensor2D, labels: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const d = n.shape[1];
    const { sq, variance } = terms(n, labels);
    return tf.add(tf.add(tf.mul(sq, 0.5), tf.square(tf.sub(variance, 1))), (d * LN_2PI) / 2) as tf.Tensor1D;
  });
}

/**
 * log|det W| with its exact gradient W⁻ᵀ (∂ log|det W| / ∂W = W⁻ᵀ), both from an LU
 * factorisation in float64: tfjs has no determinant. Costs one 784³ factorisation and inverse on
 * the JS side per call (~1 s of CPU for 784×784), which is why the flow loss trains slowly.
 */
export const logAbsDet = tf.customGrad(((w: tf.Tensor, save: tf.GradSaveFunc) => {
  const n = w.shape[0] as number;
  if (w.rank !== 2 || w.shape[1] !== n) throw new RangeError(`logAbsDet needs a square matrix, got [${w.shape.join(',')}].`);
  const f = luFactor(w.dataSync() as Float32Array, n, 'W in log|det W|');
  const inv = luInverse(f);
  const invT = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) invT[j * n + i] = inv[i * n + j];
  const g = tf.tensor2d(invT, [n, n]);
  save([g]);
  return {
    value: tf.scalar(luLogAbsDet(f)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0])],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor2D) => tf.Scalar;

/** Σ_k log|det W_k| of a net (differentiable in the W_k). */
export const weightsLogAbsDet = (net: InvertibleMlp): tf.Scalar =>
  tf.tidy(() => tf.addN(net.weights.map((w) => logAbsDet(w as unknown as tf.Tensor2D))) as tf.Scalar);

/** The target μ of every image [b,784]: the net's class means gathered by label (2a·𝟙 unless learned). */
export const classTargets = (net: InvertibleMlp, labels: tf.Tensor): tf.Tensor2D =>
  tf.tidy(() => tf.gather(net.means, labels.reshape([-1]).toInt()) as tf.Tensor2D);

/**
 * The named loss of a batch: images x [b,28,28,1] (or [b,784]) with labels a [b], mean over the
 * batch. The value the training loop minimises. For 'flow', Σ log|det W_k| comes from `logDet`
 * (a tracker that costs two matrix products per step, see logdet.ts) or else from an exact LU.
 */
export function invertibleLoss(kind: InvertibleLoss, net: InvertibleMlp, x: tf.Tensor, labels: tf.Tensor, logDet?: LogDetTracker): tf.Scalar {
  return tf.tidy(() => {
    const mu = classTargets(net, labels);
    if (kind === 'slides') return tf.mean(slidesLossPerImage(net.apply(x), mu)) as tf.Scalar;
    if (kind === 'textbook') return tf.mean(textbookNllPerImage(net.apply(x), mu)) as tf.Scalar;
    if (kind === 'flow') {
      const { y, activationLogDet } = net.applyWithActivationLogDet(x);
      // Per image: textbook − Σ log|det W_k| − Σ log φ'(z); log|det W| is the same for every image.
      const perImage = tf.sub(textbookNllPerImage(y, mu), activationLogDet);
      return tf.sub(tf.mean(perImage), logDet ? logDet.term(net.weights) : weightsLogAbsDet(net)) as tf.Scalar;
    }
    throw new RangeError(`loss "${kind}" is unknown; use one of ${INVERTIBLE_LOSSES.join(', ')}.`);
  });
}

/** Every loss at once on held-out data, in nats per image (for the comparison table). */
export function allLosses(net: InvertibleMlp, x: tf.Tensor, labels: tf.Tensor, logAbsDets?: number[]): Record<InvertibleLoss, number> {
  const r = tf.tidy(() => {
    const mu = classTargets(net, labels);
    const { y, activationLogDet } = net.applyWithActivationLogDet(x);
    return [tf.mean(slidesLossPerImage(y, mu)), tf.mean(textbookNllPerImage(y, mu)), tf.mean(activationLogDet)];
  });
  const [slides, textbook, act] = r.map((t) => t.dataSync()[0]);
  tf.dispose(r);
  const dets = logAbsDets ?? net.weights.map((w) => luLogAbsDet(luFactor(w.dataSync() as Float32Array, PIXELS)));
  return { slides, textbook, flow: textbook - act - dets.reduce((s, v) => s + v, 0) };
}
