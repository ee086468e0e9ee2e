import * as tf from '@tensorflow/tfjs';
import { Dataset, oneHot } from '../data/mnist';
import { Net } from '../models/net';
import { ValueRangeError } from '../tensor/guards';
import { cachedWeights } from './cache';
import { ClassifierReport, ClassifierTraining, crossEntropy, thin } from './classifier';
import { trainLoop } from './loop';
import { makeOptimizer } from './optimizers';

/** A batch loss J(x, y) of a network's inputs; differentiable in x. */
export type InputLoss = (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;

export interface FgsmOptions {
  /** Size of the perturbation in pixel units (Goodfellow et al.: 0.1–0.3 on MNIST in [0,1]). */
  epsilon: number;
  /** Weight of the clean loss, α in eq. 3.2 (Goodfellow et al.: 0.5). */
  alpha?: number;
}

function checkOptions(o: FgsmOptions): number {
  const alpha = o.alpha ?? 0.5;
  if (!(o.epsilon >= 0 && Number.isFinite(o.epsilon))) throw new ValueRangeError(`FGSM epsilon ${o.epsilon} must be a finite number ≥ 0; use e.g. 0.1.`);
  if (!(alpha >= 0 && alpha <= 1)) throw new ValueRangeError(`FGSM alpha ${alpha} must lie in [0, 1]; use 0.5 (Goodfellow et al.).`);
  return alpha;
}

/**
 * The FGSM perturbation δ = ε · sign(∇ₓ J(x, y))  (thesis eq. 3.1, Goodfellow et al. 2015).
 * Returned alone (not x + δ) so a caller can check max |δ| = ε. δ is a constant for any outer
 * gradient (sign has zero derivative): it is copied out of the tape, because an optimiser's tape
 * would otherwise try to differentiate the inner backward pass (tfjs has no gradient of MaxPoolGrad).
 */
export function fgsmPerturbation(loss: InputLoss, x: tf.Tensor, y: tf.Tensor, epsilon: number): tf.Tensor {
  checkOptions({ epsilon });
  const d = tf.tidy(() => tf.sign(tf.grad((xi: tf.Tensor) => loss(xi, y))(x)).mul(epsilon));
  const constant = tf.tensor(d.dataSync() as Float32Array, d.shape, 'float32');
  d.dispose();
  return constant;
}

/**
 * Eq. 3.2 as a loss wrapper: J̃(x, y) = α·J(x, y) + (1 − α)·J(x + ε·sign ∇ₓJ(x, y), y).
 * Give the result to trainLoop as its `loss`.
 */
export function fgsmLoss(loss: InputLoss, o: FgsmOptions): InputLoss {
  const alpha = checkOptions(o);
  return (x, y) =>
    tf.tidy(() => {
      const clean = loss(x, y);
      if (o.epsilon === 0 || alpha === 1) return clean;
      const adversarial = loss(x.add(fgsmPerturbation(loss, x, y, o.epsilon)), y);
      return clean.mul(alpha).add(adversarial.mul(1 - alpha)) as tf.Scalar;
    });
}

/**
 * trainClassifier with the FGSM loss (cross-entropy inside eq. 3.2), cached the same way: the key
 * adds ε and α, so an FGSM-trained net never loads a plain one's weights.
 */
export async function trainFgsmClassifier(
  net: Net,
  modelKey: unknown,
  data: Dataset,
  cfg: ClassifierTraining & FgsmOptions,
  label = `${net.name} + FGSM`,
): Promise<ClassifierReport & { cached: boolean }> {
  const alpha = checkOptions(cfg);
  const key = { kind: 'classifier-fgsm', model: modelKey, training: { ...cfg, alpha }, data: { n: data.n } };
  const { meta, cached } = await cachedWeights(key, net, async () => {
    const y = oneHot(data.labels);
    const optimizer = makeOptimizer(cfg.optimizer);
    // As in eq. 3.2 the perturbed input is not clipped to [0,1].
    const loss = fgsmLoss((xb, yb) => crossEntropy(net.apply(xb, true), yb), { epsilon: cfg.epsilon, alpha });
    try {
      const r = await trainLoop({ vars: net.trainableVars(), loss, optimizer, x: data.images, y, epochs: cfg.epochs, batchSize: cfg.batchSize, seed: cfg.seed, label });
      return { epochLosses: r.epochLosses, stepLosses: thin(r.losses, 500), seconds: r.seconds, imagesPerSecond: r.imagesPerSecond };
    } finally {
      y.dispose();
      optimizer.dispose();
    }
  });
  return { ...meta, cached };
}
