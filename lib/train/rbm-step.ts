import * as tf from '@tensorflow/tfjs';
import { cdStep, Rbm } from '../models/generative/rbm';
import { progressBar } from '../plot/progress';
import { ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';

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
 * The RBM's loop: contrastive divergence updates the weights by eq. 26 directly — there is no loss
 * to differentiate and no optimiser, so trainLoop (which minimises a loss) does not fit. Same
 * seeded shuffles, progress bar and tidying as trainLoop. x: images [n,28,28,1] or rows [n, n_v].
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
  const rng = makeRng(o.seed);
  const perEpoch = Math.ceil(n / o.batchSize);
  const bar = progressBar(perEpoch * o.epochs, o.label ?? 'RBM');
  const losses: number[] = [];
  const epochLosses: number[] = [];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const start = Date.now();
  let lastYield = start;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      rng.shuffle(order);
      let sum = 0;
      for (let b = 0; b < perEpoch; b++) {
        const idx = order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
        const errT = tf.tidy(() => cdStep(rbm, tf.gather(rows, tf.tensor1d(idx, 'int32')), { k: o.k, lr: o.lr, seed: rng.seed() }));
        const err = (await errT.data())[0];
        errT.dispose();
        if (!Number.isFinite(err)) throw new ValueRangeError(`${o.label ?? 'RBM'}: reconstruction error became ${err} at epoch ${epoch + 1}, step ${b + 1}; lower the learning rate.`);
        losses.push(err);
        sum += err;
        bar.tick(1, `epoch ${epoch + 1}/${o.epochs} · recon ${err.toFixed(2)}`);
        if (Date.now() - lastYield > 250) {
          await new Promise<void>((r) => setImmediate(r));
          lastYield = Date.now();
        }
      }
      epochLosses.push(sum / perEpoch);
      await o.onEpoch?.(epoch + 1, sum / perEpoch);
    }
  } finally {
    rows.dispose();
  }
  bar.done(`recon ${losses.at(-1)?.toFixed(2) ?? '-'}`);
  return { losses, epochLosses, seconds: (Date.now() - start) / 1000 };
}
