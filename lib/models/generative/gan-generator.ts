import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../../tensor/guards';
import { BatchStats, updateRunningStats } from './batch-norm';
import type { Gan, GanOptions } from './gan-types';

/** GanOptions' latent size (default 100, the paper's), checked. */
export function ganLatent(o: GanOptions): number {
  const latent = o.latent ?? 100;
  if (!(Number.isInteger(latent) && latent >= 1)) throw new ValueRangeError(`GAN latent size ${latent} must be a positive integer (paper: 100).`);
  return latent;
}

/**
 * What both GANs' generators share over their forward pass: `generate` (shape-checked, tidied) and
 * `updateNormStats` (a no-op without batch norm). `forward(z, training, stats)` pushes each
 * normalised layer's batch moments to `stats` when training.
 */
export function generatorMethods(
  latent: number,
  forward: (z: tf.Tensor, training: boolean, stats?: BatchStats[]) => tf.Tensor4D,
  batchNorm: boolean,
): Pick<Gan, 'latent' | 'generate' | 'updateNormStats'> {
  return {
    latent,
    generate(z, training = false) {
      assertShape(z, [null, latent], 'GAN latent code');
      return tf.tidy(() => forward(z, training));
    },
    updateNormStats(z) {
      if (!batchNorm) return;
      assertShape(z, [null, latent], 'GAN latent code');
      updateRunningStats((stats) => forward(z, true, stats));
    },
  };
}
