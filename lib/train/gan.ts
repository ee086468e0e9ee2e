import * as tf from '@tensorflow/tfjs';
import { discriminatorLoss, Gan, generatorLoss } from '../models/generative/gan';
import { progressBar } from '../plot/progress';
import { ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';

export interface GanTrainOptions {
  epochs: number;
  batchSize: number;
  /** Adam learning rate of both networks (paper: 2e-4). */
  lr: number;
  /** Adam β1; 0.5 as in DCGAN (Radford et al.), which GANs train more stably with than 0.9. */
  beta1?: number;
  seed: number;
  label?: string;
  onEpoch?: (epoch: number, mean: { d: number; g: number }) => void | Promise<void>;
}

export interface GanTrainResult {
  dLosses: number[];
  gLosses: number[];
  epochLosses: { d: number; g: number }[];
  seconds: number;
}

/**
 * The GAN's training loop: two optimisers, two steps per batch (trainLoop takes one loss and one
 * optimiser). Per batch: a discriminator step on real x and G(z) (eq. 29), then a generator step on
 * a fresh z (eq. 30). Seeded shuffles and noise; every step tidied.
 */
export async function trainGan(gan: Gan, x: tf.Tensor4D, o: GanTrainOptions): Promise<GanTrainResult> {
  if (!(o.epochs >= 0 && o.batchSize >= 1 && o.lr > 0)) throw new ValueRangeError(`GAN training: epochs ${o.epochs}, batchSize ${o.batchSize}, lr ${o.lr} must be positive; fix the config.`);
  const n = x.shape[0];
  const rng = makeRng(o.seed);
  const optD = tf.train.adam(o.lr, o.beta1 ?? 0.5);
  const optG = tf.train.adam(o.lr, o.beta1 ?? 0.5);
  const perEpoch = Math.ceil(n / o.batchSize);
  const bar = progressBar(perEpoch * o.epochs, o.label ?? 'GAN');
  const dLosses: number[] = [];
  const gLosses: number[] = [];
  const epochLosses: { d: number; g: number }[] = [];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const start = Date.now();
  let lastYield = start;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      rng.shuffle(order);
      let sd = 0;
      let sg = 0;
      for (let b = 0; b < perEpoch; b++) {
        const idx = order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
        const [dl, gl] = tf.tidy(() => {
          const real = tf.gather(x, tf.tensor1d(idx, 'int32'));
          const z1 = tf.randomNormal([idx.length, gan.latent], 0, 1, 'float32', rng.seed());
          const d = optD.minimize(() => discriminatorLoss(gan, real, z1), true, gan.discriminatorVars()) as tf.Scalar;
          const z2 = tf.randomNormal([idx.length, gan.latent], 0, 1, 'float32', rng.seed());
          const g = optG.minimize(() => generatorLoss(gan, z2), true, gan.generatorVars()) as tf.Scalar;
          return [d, g];
        });
        const d = (await dl.data())[0];
        const g = (await gl.data())[0];
        tf.dispose([dl, gl]);
        if (!Number.isFinite(d) || !Number.isFinite(g)) {
          throw new ValueRangeError(`${o.label ?? 'GAN'}: loss became D=${d}, G=${g} at epoch ${epoch + 1}, step ${b + 1}; lower the learning rate.`);
        }
        dLosses.push(d);
        gLosses.push(g);
        sd += d;
        sg += g;
        bar.tick(1, `epoch ${epoch + 1}/${o.epochs} · D ${d.toFixed(3)} · G ${g.toFixed(3)}`);
        if (Date.now() - lastYield > 250) {
          await new Promise<void>((r) => setImmediate(r));
          lastYield = Date.now();
        }
      }
      epochLosses.push({ d: sd / perEpoch, g: sg / perEpoch });
      await o.onEpoch?.(epoch + 1, epochLosses[epoch]);
    }
  } finally {
    optD.dispose();
    optG.dispose();
  }
  bar.done(`D ${dLosses.at(-1)?.toFixed(3) ?? '-'} · G ${gLosses.at(-1)?.toFixed(3) ?? '-'}`);
  return { dLosses, gLosses, epochLosses, seconds: (Date.now() - start) / 1000 };
}
