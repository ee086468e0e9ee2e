import * as tf from '@tensorflow/tfjs';
import { discriminatorLoss, Gan, generatorLoss } from '../models/generative/gan';
import { ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { trainLoop } from './loop';

export interface GanTrainOptions {
  epochs: number;
  batchSize: number;
  /** Adam learning rate of both networks (paper: 2e-4). */
  lr: number;
  /** Adam β1; 0.5 as in DCGAN (Radford et al.), which GANs train more stably with than 0.9. */
  beta1?: number;
  seed: number;
  /** Start G's output bias at the training images' pixel means (Gan.initOutputBias); default false. */
  initOutputBias?: boolean;
  label?: string;
  /** After each epoch, with the epoch's mean discriminator loss. */
  onEpoch?: (epoch: number, meanD: number) => void | Promise<void>;
}

export interface GanTrainResult {
  dLosses: number[];
  gLosses: number[];
  seconds: number;
}

/**
 * GAN training on the lab's one loop, with a two-optimiser step (trainLoop's `step` hook): per batch
 * a discriminator step on real x and G(z) (eq. 29), then a generator step on a fresh z (eq. 30),
 * then (with batch norm) the running statistics. Seeded shuffles and noise; every step tidied.
 */
export async function trainGan(gan: Gan, x: tf.Tensor4D, o: GanTrainOptions): Promise<GanTrainResult> {
  if (!(o.epochs >= 0 && o.batchSize >= 1 && o.lr > 0)) throw new ValueRangeError(`GAN training: epochs ${o.epochs}, batchSize ${o.batchSize}, lr ${o.lr} must be positive; fix the config.`);
  if (o.initOutputBias) tf.tidy(() => gan.initOutputBias(tf.mean(x, 0)));
  const rng = makeRng(o.seed + 1);
  const optD = tf.train.adam(o.lr, o.beta1 ?? 0.5);
  const optG = tf.train.adam(o.lr, o.beta1 ?? 0.5);
  try {
    const r = await trainLoop({
      x, epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, label: o.label ?? 'GAN', partNames: ['D', 'G'],
      step: (real) => {
        const n = real.shape[0];
        const z1 = tf.randomNormal([n, gan.latent], 0, 1, 'float32', rng.seed());
        const d = optD.minimize(() => discriminatorLoss(gan, real, z1), true, gan.discriminatorVars()) as tf.Scalar;
        const z2 = tf.randomNormal([n, gan.latent], 0, 1, 'float32', rng.seed());
        const g = optG.minimize(() => generatorLoss(gan, z2), true, gan.generatorVars()) as tf.Scalar;
        gan.updateNormStats(z2);
        return [d, g];
      },
      onEpoch: o.onEpoch,
    });
    const [dLosses, gLosses] = r.parts ?? [[], []];
    return { dLosses, gLosses, seconds: r.seconds };
  } finally {
    optD.dispose();
    optG.dispose();
  }
}
