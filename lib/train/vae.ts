import * as tf from '@tensorflow/tfjs';
import { Vae, vaeLoss } from '../models/generative/vae';
import { cachedWeights } from './cache';
import { trainLoop, TrainResult } from './loop';
import { makeOptimizer } from './optimizers';

export interface VaeTrainOptions {
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  label?: string;
  onEpoch?: (epoch: number, meanLoss: number) => void | Promise<void>;
}

/** Train a VAE on images [n,28,28,1] in [0,1] by eq. 33 (reconstruction sum + KL per image) with Adam. */
export async function fitVae(vae: Vae, images: tf.Tensor, o: VaeTrainOptions): Promise<TrainResult> {
  const optimizer = makeOptimizer({ name: 'adam', lr: o.lr });
  const loss = vaeLoss(vae, o.seed);
  try {
    return await trainLoop({ vars: vae.trainableVars(), loss: (xb) => loss(xb), optimizer, x: images, epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, label: o.label ?? 'VAE', onEpoch: o.onEpoch });
  } finally {
    optimizer.dispose();
  }
}

/** fitVae cached under `key` (lib/train/cache.ts): what notebook 03 and its background job call. */
export async function trainVae(vae: Vae, key: unknown, images: tf.Tensor, o: VaeTrainOptions): Promise<{ finalLoss: number }> {
  const { meta } = await cachedWeights(key, vae, async () => {
    const r = await fitVae(vae, images, o);
    return { finalLoss: r.epochLosses[r.epochLosses.length - 1] };
  });
  return meta;
}
