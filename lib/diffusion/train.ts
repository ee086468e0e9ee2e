import * as tf from '@tensorflow/tfjs';
import { TimeNet } from '../models/generative/unet';
import { ValueRangeError } from '../tensor/guards';
import { trainLoop } from '../train/loop';
import { ddpmLoss } from './ddpm';
import { WeightEma } from '../train/ema';
import { Schedule } from './schedules';

export interface DdpmTrainOptions {
  epochs: number;
  batchSize: number;
  /** Adam learning rate (paper: 2e-4). */
  lr: number;
  /** Adam's β₂ (default 0.999); 0.99 adapts the step sizes faster in a run of a few hundred steps. */
  adamBeta2?: number;
  /** α of eq. 36, the weight of the gradient loss. */
  gradWeight: number;
  /** Decay of the weights' moving average that sampling uses (Ho et al.: 0.9999). */
  emaDecay: number;
  seed: number;
  label?: string;
  /** After each epoch, with the averaged weights in the net (e.g. to draw time-lapse samples). */
  onEpoch?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

/**
 * Train a DDPM noise predictor on images x [n,28,28,1] in [0,1] with the lab's loop: eq. 36's loss
 * with fresh seeded t and ε per batch, Adam, and an exponential moving average of the weights
 * updated after every step. Leaves the averaged weights in `net` (what is sampled and cached).
 */
export async function trainDdpm(net: TimeNet, s: Schedule, x: tf.Tensor, o: DdpmTrainOptions): Promise<{ losses: number[]; epochLosses: number[]; seconds: number }> {
  if (!(o.lr > 0)) throw new ValueRangeError(`DDPM learning rate ${o.lr} must be positive (paper: 2e-4).`);
  const ema = new WeightEma(net.trainableVars(), o.emaDecay, 0); // constant decay, no warm-up
  const optimizer = tf.train.adam(o.lr, 0.9, o.adamBeta2 ?? 0.999);
  try {
    const r = await trainLoop({
      vars: net.trainableVars(), loss: ddpmLoss(net, s, { gradWeight: o.gradWeight, seed: o.seed }), optimizer,
      x, epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, label: o.label ?? `DDPM (${s.kind})`,
      onStep: () => ema.update(),
      onEpoch: async (epoch, mean) => {
        if (!o.onEpoch) return;
        ema.swap();
        try {
          await o.onEpoch(epoch, mean);
        } finally {
          ema.swap();
        }
      },
    });
    ema.swap(); // keep the averaged weights
    return { losses: r.losses, epochLosses: r.epochLosses, seconds: r.seconds };
  } finally {
    ema.dispose();
    optimizer.dispose();
  }
}
