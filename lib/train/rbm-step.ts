import * as tf from '@tensorflow/tfjs';
import { cdStep, Rbm } from '../models/generative/rbm';
import { ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { trainLoop } from './loop';

export interface RbmTrainOptions {
  epochs: number;
  batchSize: number;
  /** Learning rate of the CD update (paper: 2e-4). */
  lr: number;
  /** Gibbs steps per CD update (CD-k). */
  k: number;
  seed: number;
  /**
   * Start the visible biases at log(p/(1−p)) of the data's pixel means, p clipped to [0.01, 0.99]
   * (Hinton 2010, §8.1; default true). CD-1 never moves the biases of always-off pixels (data and
   * reconstruction agree there), so without this, chains started from noise settle on a grey
   * state with every hidden unit off.
   */
  initVisibleBias?: boolean;
  label?: string;
  onEpoch?: (epoch: number, meanError: number) => void | Promise<void>;
}

export interface RbmTrainResult {
  /** Squared reconstruction error per image, every step. */
  losses: number[];
  epochLosses: number[];
  seconds: number;
}

/**
 * RBM training on the lab's one loop: contrastive divergence updates the weights by eq. 26 directly
 * (no loss to differentiate, no optimiser), so each batch runs cdStep through trainLoop's `step`
 * hook. x: images [n,28,28,1] or rows [n, n_v].
 */
export async function trainRbm(rbm: Rbm, x: tf.Tensor, o: RbmTrainOptions): Promise<RbmTrainResult> {
  if (!(o.epochs >= 0 && o.batchSize >= 1)) throw new ValueRangeError(`RBM training: epochs ${o.epochs} and batchSize ${o.batchSize} must be positive; fix the config.`);
  const n = x.shape[0];
  const rows = tf.tidy(() => tf.reshape(x, [n, -1]) as tf.Tensor2D);
  if (o.initVisibleBias ?? true) {
    tf.tidy(() => {
      const p = tf.clipByValue(tf.mean(rows, 0), 0.01, 0.99);
      rbm.bv.assign(tf.log(tf.div(p, tf.sub(1, p))));
    });
  }
  const rng = makeRng(o.seed + 1);
  try {
    const r = await trainLoop({
      x: rows, epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, label: o.label ?? 'RBM', partNames: ['recon'],
      step: (v0) => [cdStep(rbm, v0 as tf.Tensor2D, { k: o.k, lr: o.lr, seed: rng.seed() })],
      onEpoch: o.onEpoch,
    });
    return { losses: r.losses, epochLosses: r.epochLosses, seconds: r.seconds };
  } finally {
    rows.dispose();
  }
}
